// TLS to Vault: verified by default, a configured CA trusted, skip-verify allowed only with a warning, and a
// client certificate presented for mTLS. Certificates are made with the real openssl binary.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { selfSigned, signedBy } from '../../helpers/openssl-pki.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-tls-'));
const file = (name: string) => join(dir, name);
let server: Server;
let address: string;
let seenClientCn: string | undefined;

beforeAll(async () => {
  selfSigned(dir, 'ca', 'test ca');
  signedBy(dir, 'ca', 'server', 'vault.test', ['vault.test']);
  signedBy(dir, 'ca', 'client', 'agent-client');
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
  return testVaultConfig(address, { tlsServerName: 'vault.test', maxConcurrentRequests: 2, ...overrides });
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

  it('trusts the certificates in ca_path, whatever the file names', async () => {
    const caDir = join(dir, 'ca-dir');
    mkdirSync(caDir, { recursive: true });
    writeFileSync(join(caDir, '5d41402a.0'), readFileSync(file('ca.pem')));
    writeFileSync(join(caDir, 'notes.txt'), 'not a certificate');
    expect((await get({ caPath: caDir }))?.data).toEqual({ ok: true });
  });

  it('fails the handshake without naming the token', async () => {
    const token = 'hvs.TlsFailureTokenMustNotLeak';
    const client = createVaultClient(config({}));
    const error = await client
      .request({ method: 'GET', path: 'sys/health', token, operation: 'x' })
      .catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(VaultUnreachableError);
    const all: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) all.push(e.message, String(e.stack));
    expect(all.join('\n')).not.toContain(token);
  });

  it('connects with tls_skip_verify, but warns loudly', async () => {
    const warnings: string[] = [];
    expect((await get({ tlsSkipVerify: true }, warnings))?.data).toEqual({ ok: true });
    expect(warnings.join('\n')).toMatch(/NOT verified/);
  });
});
