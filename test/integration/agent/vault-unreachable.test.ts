// Issue 7 point 12: with Vault unreachable, `--once` and /status say so in words ("Vault unreachable at ADDR
// (connection refused)"), and /status carries the cause, without secrets, instead of "see the log". Issue 8: the
// log line and /status also carry its stable code, VAULT_UNREACHABLE, and the line no stack (an expected failure).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { LogLines } from '../../helpers/log-lines.js';

const SECRET_ID = 'secret-id-4f1e9c2a-never-shown';

let dir: string;
let closedPort: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-unreachable-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  await writeFile(join(dir, 'role-id'), 'role-1234');
  await writeFile(join(dir, 'secret-id'), SECRET_ID);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function agent(once: boolean) {
  const log = new LogLines();
  const { logger, secrets } = createLogger({ level: 'info' }, log.stream);
  const config = parseConfigTexts(
    [
      {
        file: join(dir, 'agent.yaml'),
        text: `vault: { address: "http://127.0.0.1:${closedPort}" }
auto_auth:
  method:
    type: approle
    config: { role_id_file_path: ${join(dir, 'role-id')}, secret_id_file_path: ${join(dir, 'secret-id')} }
state_dir: ${join(dir, 'state')}
certificates: { web: { mount: pki, role: web, common_name: web.example.test, ttl: 1h } }
templates: [{ certificate: web, builtin: cert.pem, destination: ${join(dir, 'cert.pem')} }]
listener: { address: "127.0.0.1:0" }
`,
      },
    ],
    { env: {} },
  );
  const logs = () => log.lines.map((line) => JSON.stringify(line)).join('\n');
  return { agent: createAgent({ config, logger, secrets, once }), log, logs };
}

describe('Vault unreachable', () => {
  it('run --once logs "Vault unreachable at ADDR (connection refused)"', async () => {
    const { agent: once, logs } = agent(true);
    try {
      const report = await once.runOnce(AbortSignal.timeout(10_000));
      expect(report.ok).toBe(false);
    } finally {
      await once.close();
    }
    expect(logs()).toContain(`Vault unreachable at http://127.0.0.1:${closedPort} (connection refused`);
    expect(logs()).not.toContain(SECRET_ID);
    const lines = logs()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; error?: Record<string, unknown> });
    const noToken = lines.find((line) => line.msg.startsWith('no Vault token'));
    expect(noToken?.error).toMatchObject({
      type: 'VaultUnreachableError',
      code: 'VAULT_UNREACHABLE',
      cause: { code: 'ECONNREFUSED' },
    });
    expect(JSON.stringify(noToken)).not.toContain('"stack"');
  });

  it('/status shows the cleaned cause of the failed login', async () => {
    const { agent: daemon, log } = agent(false);
    const controller = new AbortController();
    const running = daemon.run(controller.signal);
    try {
      const started = await log.line(
        (line) => String(line.msg).startsWith('listener started'),
        'the listener',
      );
      // The failure reaches the health state before the lifecycle logs it: after this line /status has it.
      await log.line((line) => line.msg === 'login failed', 'a failed login');
      const reply = await fetch(`${String(started.address)}/status`);
      const status = (await reply.json()) as {
        auth?: { last_error?: string | null; last_error_code?: string | null };
      };
      expect(status.auth?.last_error).toBe(
        `approle login failed: Vault unreachable at http://127.0.0.1:${closedPort} (connection refused; vault POST auth/approle/login)`,
      );
      expect(status.auth?.last_error_code).toBe('VAULT_UNREACHABLE');
    } finally {
      controller.abort();
      await running.catch(() => undefined);
      await daemon.close();
    }
  });
});
