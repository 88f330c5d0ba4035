// TLS to Vault: verified by default, a configured CA trusted, skip-verify allowed only with a warning, and a
// client certificate presented for mTLS. Certificates are made with the real openssl binary.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultConfig } from '../../../src/config/runtime-config.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { VaultUnreachableError } from '../../../src/vault/vault-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-tls-'));
const file = (name: string) => join(dir, name);
let server: Server;
let address: string;
let seenClientCn: string | undefined;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=test ca', '-days', '1');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=vault.test');
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:vault.test\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'server.ext',
  );
  openssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=agent-client');
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.pem',
    '-days',
    '1',
  );
  server = createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
      ca: readFileSync(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      seenClientCn = socket.authorized ? String(socket.getPeerCertificate().subject?.CN) : undefined;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function config(overrides: Partial<VaultConfig>): VaultConfig {
  return {
    address,
    caCert: undefined,
    caPath: undefined,
    clientCert: undefined,
    clientKey: undefined,
    tlsServerName: 'vault.test',
    tlsSkipVerify: false,
    namespace: undefined,
    token: undefined,
    requestTimeoutMs: 5000,
    maxConcurrentRequests: 2,
    ...overrides,
  };
}

async function get(overrides: Partial<VaultConfig>, warnings: string[] = []) {
  const client = createVaultClient(config(overrides), { onWarning: (message) => warnings.push(message) });
  try {
    return await client.request({ method: 'GET', path: 'sys/health', operation: 'x' });
  } finally {
    await client.close();
  }
}

describe('Vault client TLS', () => {
  it('refuses a server it cannot verify (no CA configured)', async () => {
    await expect(get({})).rejects.toBeInstanceOf(VaultUnreachableError);
  });

  it('trusts ca_cert, checks tls_server_name, and presents the client certificate (mTLS)', async () => {
    seenClientCn = undefined;
    expect((await get({ caCert: file('ca.pem') }))?.data).toEqual({ ok: true });
    expect(seenClientCn).toBeUndefined();
    await get({ caCert: file('ca.pem'), clientCert: file('client.pem'), clientKey: file('client.key') });
    expect(seenClientCn).toBe('agent-client');
    await expect(get({ caCert: file('ca.pem'), tlsServerName: 'other.test' })).rejects.toBeInstanceOf(
      VaultUnreachableError,
    );
  });

  it('connects with tls_skip_verify, but warns loudly', async () => {
    const warnings: string[] = [];
    expect((await get({ tlsSkipVerify: true }, warnings))?.data).toEqual({ ok: true });
    expect(warnings.join('\n')).toMatch(/NOT verified/);
  });
});
