// A template `source` file edited while the agent runs (files are read again on change) so that it reads a secret
// `secrets:` does not declare: no source will ever read that secret, so the template must fail (TEMPLATE, in the
// log and /status), not stay pending forever. At load the same file is a config error (test/unit/config).

import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent } from './agent-harness.js';

const server = useDevServer({}, 'each');
let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a template source file that comes to read an undeclared secret', () => {
  it('fails with TEMPLATE naming the secret, in the log and /status, instead of waiting', async () => {
    h = await startAgent(server(), (dir) => {
      // Written before the config is loaded: at load the file reads nothing undeclared.
      writeFileSync(join(dir, 'web.hbs'), 'cn {{common_name}}\n');
      return `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - { certificate: web, source: ${join(dir, 'web.hbs')}, destination: ${join(dir, 'web.txt')} }
listener: { address: "127.0.0.1:0" }
`;
    });
    const { dir } = h;
    await h.until(
      async () => (await readFile(join(dir, 'web.txt'), 'utf8').catch(() => '')) === 'cn web.example.test\n',
      'the first render',
    );
    await writeFile(join(dir, 'web.hbs'), 'cn {{common_name}}\npassword={{secret.nope.password}}\n');
    const failed = await h.until(
      () => h!.lines.find((line) => line.msg === 'template failed'),
      'the failed template',
    );
    // The harness's plain pino logs the error's own fields (the agent's serializer adds the message).
    expect(failed.error).toMatchObject({ code: 'TEMPLATE', destination: join(dir, 'web.txt') });
    const listening = h.lines.find((line) => String(line.msg).startsWith('listener started'));
    // The log line comes while the pass runs; /status is updated when it ends.
    const entry = await h.until(async () => {
      const reply = await fetch(`${String(listening?.address)}/status`);
      const first = ((await reply.json()) as { templates: Record<string, unknown>[] }).templates[0];
      return first?.last_result === 'error' && first;
    }, 'the failed template in /status');
    expect(entry).toMatchObject({
      last_result: 'error',
      last_error: `template for ${join(dir, 'web.txt')}: ${join(dir, 'web.hbs')} reads secret "nope", but no secret named "nope" is declared under secrets:`,
      last_error_code: 'TEMPLATE',
    });
    // The file on disk keeps what the last good render wrote.
    expect(await readFile(join(dir, 'web.txt'), 'utf8')).toBe('cn web.example.test\n');
  });
});
