// A reload that declares a new secret and a template reading it: secrets are read by loops started at start-up,
// so the template cannot be rendered until a restart. The agent says exactly that (a TEMPLATE failure naming the
// restart, beside the reload's "apply only at start" warning) instead of calling the secret undeclared, which the
// config in force plainly declares.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { callVault, useDevServer } from '../../helpers/dev-server.js';
import { LogLines } from '../../helpers/log-lines.js';

const server = useDevServer();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-kv-reload-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a secret declared by a reload', () => {
  it('fails its template with TEMPLATE and the advice to restart; the other template keeps its file', async () => {
    const reply = await callVault(server(), 'POST', 'secret/data/app/db', {
      body: { data: { username: 'u1' } },
    });
    expect(reply.status).toBe(200);
    const configFile = join(dir, 'agent.yaml');
    const first = `vault: { address: ${server().address} }
state_dir: ${join(dir, 'state')}
secrets:
  app: { path: secret/data/app/db }
templates:
  - contents: "USER={{secret.app.data.username}}\\n"
    destination: ${join(dir, 'app.env')}
`;
    await writeFile(configFile, first);
    const load = () => loadConfig([configFile], { env: { VAULT_TOKEN: server().rootToken }, cwd: dir });
    const log = new LogLines();
    const agent = createAgent({
      config: await load(),
      loadConfig: load,
      logger: createLogger({ level: 'debug' }, log.stream).logger,
    });
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    try {
      await log.until(
        async () => (await readFile(join(dir, 'app.env'), 'utf8').catch(() => '')) === 'USER=u1\n',
        'the first render',
        15_000,
      );
      const from = log.lines.length;
      await writeFile(
        configFile,
        first.replace(
          'templates:\n',
          `  extra: { path: secret/data/app/db }\ntemplates:\n  - contents: "X={{secret.extra.data.username}}\\n"\n    destination: ${join(dir, 'extra.env')}\n`,
        ),
      );
      expect(await agent.reload('test')).toBe(true);
      const failed = await log.line(
        (line) => line.msg === 'template failed' && line.destination === join(dir, 'extra.env'),
        'the new template failing',
        from,
      );
      expect(failed.error).toMatchObject({
        code: 'TEMPLATE',
        message: expect.stringContaining(
          'reads secret "extra", but it was declared by a configuration reload, and secrets are read from start-up only: restart certagent to read it',
        ),
      });
      expect(
        log.lines.slice(from).some((line) => String(line.msg).includes('apply only at start (secrets')),
      ).toBe(true);
      expect(await readFile(join(dir, 'app.env'), 'utf8')).toBe('USER=u1\n');
    } finally {
      stop.abort();
      await running.catch(() => undefined);
      await agent.close();
    }
  });
});
