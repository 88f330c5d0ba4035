// Issue 7 point 12: with Vault unreachable, `--once` and /status say so in words ("Vault unreachable at ADDR
// (connection refused)"), and /status carries the cause, without secrets, instead of "see the log". Issue 8: the
// log line and /status also carry its stable code, VAULT_UNREACHABLE, and the line no stack (an expected failure).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';

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
  let logs = '';
  const { logger, secrets } = createLogger(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString()), done()) }),
  );
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
  return { agent: createAgent({ config, logger, secrets, once }), logs: () => logs };
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
    const { agent: daemon, logs } = agent(false);
    const controller = new AbortController();
    const running = daemon.run(controller.signal);
    try {
      const deadline = Date.now() + 10_000;
      let status: { auth?: { last_error?: string | null; last_error_code?: string | null } } = {};
      while (!status.auth?.last_error) {
        if (Date.now() > deadline) throw new Error(`no login failure in /status; logs:\n${logs()}`);
        const address = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(logs())?.[1];
        if (address) status = (await (await fetch(`${address}/status`)).json()) as typeof status;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(status.auth!.last_error).toBe(
        `approle login failed: Vault unreachable at http://127.0.0.1:${closedPort} (connection refused; vault POST auth/approle/login)`,
      );
      expect(status.auth!.last_error_code).toBe('VAULT_UNREACHABLE');
    } finally {
      controller.abort();
      await running.catch(() => undefined);
      await daemon.close();
    }
  });
});
