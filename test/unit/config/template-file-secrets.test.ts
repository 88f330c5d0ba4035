// loadConfig reads template `source` files that exist at load, so a secret a file reads but `secrets:` does not
// declare is a config error with its position, as it is for inline `contents` (otherwise the template would wait
// for a secret nothing ever reads).

import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';
import { withDeadline } from '../../helpers/deadline.js';
import { ENV } from './load-config-support.js';

describe('template source files and secrets: at load', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const config = (templates: string) => `secrets:
  db: { path: secret/data/app/db }
templates:
${templates}`;

  async function load(text: string) {
    const file = join(dir, 'agent.yaml');
    await writeFile(file, text);
    return { file, result: await loadConfig([file], { env: ENV, cwd: dir }).catch((e: unknown) => e) };
  }

  it('refuses a source file reading an undeclared secret, at the source key, naming the file', async () => {
    await writeFile(
      join(dir, 'app.hbs'),
      'user={{secret.db.data.user}}\npassword={{secret.nope.password}}\n',
    );
    const { file, result } = await load(
      config(`  - source: app.hbs
    destination: app.env
`),
    );
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).problems).toEqual([
      `${file}:4:13: templates[0].source: ${join(dir, 'app.hbs')} reads secret "nope", but no secret named "nope" is declared under secrets: (declared: db)`,
    ]);
  });

  it('checks the files of an atomic directory group too', async () => {
    await writeFile(join(dir, 'a.hbs'), '{{#with secret.other}}{{data.x}}{{/with}}');
    const { file, result } = await load(
      config(`  - output: { directory: out, layout: atomic }
    files:
      - { name: a, source: a.hbs }
`),
    );
    expect((result as ConfigError).problems).toEqual([
      `${file}:6:28: templates[0].files[0].source: ${join(dir, 'a.hbs')} reads secret "other", but no secret named "other" is declared under secrets: (declared: db)`,
    ]);
  });

  it('accepts declared secrets, and leaves a missing or unparsable file to the render (it may be fixed later)', async () => {
    await writeFile(join(dir, 'ok.hbs'), '{{secret.db.data.user}}');
    await writeFile(join(dir, 'broken.hbs'), '{{secret.nope.data.user');
    const { result } = await load(
      config(`  - { source: ok.hbs, destination: ok.txt }
  - { source: missing.hbs, destination: missing.txt }
  - { source: broken.hbs, destination: broken.txt }
`),
    );
    expect(result).not.toBeInstanceOf(Error);
  });

  it('skips a source that is not a regular file: a FIFO would block check, start-up, reload and rotate', async () => {
    const fifo = join(dir, 'app.hbs');
    execFileSync('mkfifo', [fifo]);
    try {
      // Before the fix the read waits for a writer: the deadline turns that into a failure naming it.
      const { result } = await withDeadline(
        load(config(`  - { source: app.hbs, destination: app.env }\n`)),
        10_000,
        'loadConfig with a FIFO source',
      );
      expect(result).not.toBeInstanceOf(Error);
    } finally {
      // A read still blocked in open() ends when a writer comes and goes; ENXIO means nothing was waiting.
      await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then(
        (writer) => writer.close(),
        () => undefined,
      );
    }
  });

  it('skips a source over 1 MiB rather than reading it whole (a template is text; the render reports it)', async () => {
    await writeFile(join(dir, 'big.hbs'), `{{secret.nope.data.x}}\n${'x'.repeat(1024 * 1024)}`);
    const { result } = await load(config(`  - { source: big.hbs, destination: big.txt }\n`));
    expect(result).not.toBeInstanceOf(Error);
  });
});
