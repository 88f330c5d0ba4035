// `certagent run --once` as an init container or ExecStartPre runs it: the built CLI against a dev server in
// another process, checked with the real openssl binary.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callVault } from '../helpers/dev-server.js';
import type { DevServerProcess } from '../helpers/cli-process.js';
import { ROOT, ensureBuilt, killAll, runCliToEnd, startDevServerProcess } from '../helpers/cli-process.js';

const PROBE = join(ROOT, 'test/e2e/fixtures/reload-probe.mjs');

// Recognisable, so the test can check it never appears in the agent's output.
const ROOT_TOKEN = 'hvs.e2eRootTokenNeverLogged';

let vault: DevServerProcess;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  vault = await startDevServerProcess(ROOT_TOKEN);
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-once-'));
}, 120_000);

afterAll(async () => {
  await vault?.process.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Files the config below renders, and the probe's log. */
function paths() {
  const tls = join(dir, 'tls');
  return {
    cert: join(tls, 'cert.pem'),
    key: join(tls, 'key.pem'),
    ca: join(tls, 'ca.pem'),
    fullchain: join(tls, 'fullchain.pem'),
    probeLog: join(dir, 'reloads.jsonl'),
    config: join(dir, 'agent.yaml'),
  };
}

async function writeConfig(): Promise<void> {
  const p = paths();
  const reload = JSON.stringify([process.execPath, PROBE, p.probeLog, p.cert, p.key, p.ca, p.fullchain]);
  await writeFile(
    p.config,
    `vault:
  address: ${vault.address}
state_dir: ${join(dir, 'state')}
certificates:
  web:
    mount: pki
    role: dev
    common_name: web.example.test
    alt_names: [localhost]
    ip_sans: [127.0.0.1]
    ttl: 1h
templates:
  - certificate: web
    builtin: key.pem
    destination: ${p.key}
  - certificate: web
    builtin: cert.pem
    destination: ${p.cert}
    perms: "0640"
    exec: { command: ${reload} }
  - certificate: web
    builtin: ca.pem
    destination: ${p.ca}
  - certificate: web
    builtin: fullchain.pem
    destination: ${p.fullchain}
    exec: { command: ${reload} }
`,
  );
}

async function pkiRequests(): Promise<Record<string, number>> {
  const reply = await callVault(
    { address: vault.address, rootToken: vault.token, caPem: undefined },
    'GET',
    'sys/dev/requests?prefix=pki/',
  );
  return reply.json.data.counts as Record<string, number>;
}

function probeRuns(log: string): { at: number; missing: string[] }[] {
  return log
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { at: number; missing: string[] });
}

describe('certagent run --once', () => {
  it('writes key, cert, ca and fullchain with their modes, openssl-verifiable, and runs the reload once after all', async () => {
    await writeConfig();
    const p = paths();
    const before = await pkiRequests();
    const result = await runCliToEnd(['run', '--once', '-c', p.config], {
      env: { VAULT_TOKEN: vault.token },
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);

    expect((await stat(p.key)).mode & 0o777).toBe(0o600);
    expect((await stat(p.cert)).mode & 0o777).toBe(0o640);
    expect((await stat(p.ca)).mode & 0o777).toBe(0o644);
    expect((await stat(p.fullchain)).mode & 0o777).toBe(0o644);

    const verify = execFileSync('openssl', ['verify', '-CAfile', p.ca, p.cert], { encoding: 'utf8' });
    expect(verify.trim()).toBe(`${p.cert}: OK`);
    const verifyFull = execFileSync('openssl', ['verify', '-CAfile', p.ca, p.fullchain], {
      encoding: 'utf8',
    });
    expect(verifyFull.trim()).toBe(`${p.fullchain}: OK`);
    expect(publicKeyOf(p.cert, 'x509')).toBe(publicKeyOf(p.key, 'pkey'));
    const text = execFileSync(
      'openssl',
      ['x509', '-in', p.cert, '-noout', '-subject', '-ext', 'subjectAltName'],
      {
        encoding: 'utf8',
      },
    );
    expect(text).toMatch(/CN\s*=\s*web\.example\.test/);
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);

    const runs = probeRuns(await readFile(p.probeLog, 'utf8'));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.missing).toEqual([]);
    const after = await pkiRequests();
    expect((after['pki/sign/dev'] ?? 0) - (before['pki/sign/dev'] ?? 0)).toBe(1);
  });

  it('a second run with the certificate still valid makes no PKI request and runs no command', async () => {
    const p = paths();
    const certBefore = await readFile(p.cert, 'utf8');
    const before = await pkiRequests();
    const result = await runCliToEnd(['run', '--once', '-c', p.config], {
      env: { VAULT_TOKEN: vault.token },
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(await pkiRequests()).toEqual(before);
    expect(await readFile(p.cert, 'utf8')).toBe(certBefore);
    expect(probeRuns(await readFile(p.probeLog, 'utf8'))).toHaveLength(1);
  });

  it('exits 1 when Vault refuses the request, leaving no files', async () => {
    const other = await mkdtemp(join(tmpdir(), 'certagent-e2e-refused-'));
    try {
      const config = join(other, 'agent.yaml');
      await writeFile(
        config,
        `vault: { address: ${vault.address} }
state_dir: ${join(other, 'state')}
certificates:
  web: { mount: pki, role: no-such-role, common_name: web.example.test }
templates:
  - { certificate: web, builtin: cert.pem, destination: ${join(other, 'cert.pem')} }
`,
      );
      const result = await runCliToEnd(['run', '--once', '--log-level', 'debug', '-c', config], {
        env: { VAULT_TOKEN: vault.token },
      });
      expect(result.code).toBe(1);
      await expect(stat(join(other, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(result.stdout + result.stderr).toMatch(/no-such-role/);
      expect(result.stdout + result.stderr).not.toContain(ROOT_TOKEN);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('certagent run with exit_on_retry_failure', () => {
  it('exits 1 when a certificate cannot be had and nothing valid is left to serve', async () => {
    const other = await mkdtemp(join(tmpdir(), 'certagent-e2e-deadline-'));
    try {
      const config = join(other, 'agent.yaml');
      await writeFile(
        config,
        `vault: { address: ${vault.address} }
state_dir: ${join(other, 'state')}
exit_on_retry_failure: true
certificates:
  web: { mount: pki, role: no-such-role, common_name: web.example.test }
templates:
  - { certificate: web, builtin: cert.pem, destination: ${join(other, 'cert.pem')} }
`,
      );
      const result = await runCliToEnd(['run', '--log-format', 'json', '-c', config], {
        env: { VAULT_TOKEN: vault.token },
        timeoutMs: 30_000,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/could not be obtained in time/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

function publicKeyOf(file: string, kind: 'x509' | 'pkey'): string {
  const args =
    kind === 'x509' ? ['x509', '-in', file, '-noout', '-pubkey'] : ['pkey', '-in', file, '-pubout'];
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

afterAll(killAll);
