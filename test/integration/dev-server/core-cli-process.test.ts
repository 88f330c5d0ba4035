// `certagent dev-server` as a separate process, as other test processes and users run it: it prints VAULT_*
// lines, takes faults injected through sys/dev/faults from this process, and exits 0 on SIGTERM.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ensureBuilt } from '../../helpers/cli-process.js';
import { callVault } from '../../helpers/dev-server.js';

let child: ChildProcess | undefined;

// `npm test` builds before running the tests; when run alone, rebuild if dist/ is missing or older than the code.
beforeAll(ensureBuilt, 120_000);

afterEach(async () => {
  if (child?.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  child = undefined;
});

describe('certagent dev-server (separate process)', () => {
  it('prints VAULT_ADDR/TOKEN/UNSEAL_KEY, takes and clears faults over sys/dev/faults, exits 0 on SIGTERM', async () => {
    const proc = spawn(
      process.execPath,
      [MAIN, 'dev-server', '--listen', '127.0.0.1:0', '--root-token', 'root'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const env = await readEnvLines(proc);
    expect(env.VAULT_ADDR).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.VAULT_TOKEN).toBe('root');
    expect(Buffer.from(env.VAULT_UNSEAL_KEY!, 'base64')).toHaveLength(32);
    const target = { address: env.VAULT_ADDR!, rootToken: 'root', caPem: undefined };

    expect((await callVault(target, 'GET', 'pki/ca/pem', { token: null })).status).toBe(200);
    const added = await callVault(target, 'POST', 'sys/dev/faults', {
      body: { path_prefix: 'pki/', status: 503, count: 2 },
    });
    expect(added.status).toBe(200);
    expect((await callVault(target, 'GET', 'pki/ca/pem')).status).toBe(503);
    expect((await callVault(target, 'DELETE', 'sys/dev/faults')).status).toBe(204);
    expect((await callVault(target, 'GET', 'pki/ca/pem')).status).toBe(200);
    const counts = await callVault(target, 'GET', 'sys/dev/requests?prefix=pki/');
    expect(counts.json.data.counts).toEqual({ 'pki/ca/pem': 3 });

    expect(stderr).toMatch(/DEV SERVER, not a real Vault/);
    expect(stderr).toMatch(/WITHOUT verifying their signatures/);
    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a non-loopback listen address without --allow-non-loopback (exit 2) and bad flags (exit 2)', () => {
    const refused = spawnSync(process.execPath, [MAIN, 'dev-server', '--listen', '0.0.0.0:0'], {
      encoding: 'utf8',
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/refusing to listen on non-loopback address 0\.0\.0\.0/);
    const bad = spawnSync(process.execPath, [MAIN, 'dev-server', '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'/);
  });
});

// Resolves with the VAULT_* lines once all three are printed (the server is listening by then).
async function readEnvLines(proc: ChildProcess): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  let buffer = '';
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`dev-server exited early with ${code}`)));
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const match = /^(VAULT_[A-Z_]+)=(.*)$/.exec(line);
        if (match) env[match[1]!] = match[2]!;
      }
      if (env.VAULT_ADDR && env.VAULT_TOKEN && env.VAULT_UNSEAL_KEY) resolve(env);
    });
  });
}
