// Issue 7 point 12: a connection failure says "Vault unreachable at ADDR (why)", in words, for refused
// connections, timeouts, TLS failures and DNS, with real sockets where a loopback test can make them.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { VaultTimeoutError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { displayAddress, transportReason } from '../../../src/vault/transport-failure.js';
import { selfSigned } from '../../helpers/openssl-pki.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

const TOKEN = 'hvs.transportFailureToken';
const dir = mkdtempSync(join(tmpdir(), 'certagent-transport-'));
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let tlsPort: number;
let plainPort: number;
let silentPort: number;
let closedPort: number;
beforeAll(async () => {
  selfSigned(dir, 'self', 'vault.test');
  tlsPort = await listen(
    createHttpsServer(
      { key: readFileSync(join(dir, 'self.key')), cert: readFileSync(join(dir, 'self.pem')) },
      (_q, r) => r.end('{}'),
    ),
  );
  plainPort = await listen(createHttpServer((_q, r) => r.end('{}')));
  silentPort = await listen(createHttpServer(() => undefined));
  const closed = createHttpServer();
  closedPort = await listen(closed);
  servers.pop();
  await new Promise((resolve) => closed.close(resolve));
}, 60_000);

afterAll(async () => {
  for (const server of servers) {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function failure(address: string, timeoutMs = 5000): Promise<Error> {
  const client = createVaultClient(testVaultConfig(address, { requestTimeoutMs: timeoutMs }));
  try {
    return await client
      .request({ method: 'POST', path: 'auth/approle/login', token: TOKEN, operation: 'x' })
      .then(() => new Error('no failure'))
      .catch((error: Error) => error);
  } finally {
    await client.close();
  }
}

describe('Vault transport failures in words', () => {
  it('connection refused', async () => {
    const error = await failure(`http://127.0.0.1:${closedPort}`);
    expect(error).toBeInstanceOf(VaultUnreachableError);
    expect(error.message).toBe(
      `Vault unreachable at http://127.0.0.1:${closedPort} (connection refused; vault POST auth/approle/login)`,
    );
  });

  it('a timeout names the address and the setting', async () => {
    const error = await failure(`http://127.0.0.1:${silentPort}`, 200);
    expect(error).toBeInstanceOf(VaultTimeoutError);
    expect(error.message).toMatch(
      new RegExp(
        `^Vault at http://127\\.0\\.0\\.1:${silentPort} did not answer within 200 ms \\(vault\\.request_timeout`,
      ),
    );
  });

  it('an untrusted server certificate, and https:// to a plain HTTP listener, are TLS failures', async () => {
    const untrusted = await failure(`https://127.0.0.1:${tlsPort}`);
    expect(untrusted.message).toMatch(
      new RegExp(
        `^Vault unreachable at https://127\\.0\\.0\\.1:${tlsPort} \\(TLS: the server certificate .*not trusted`,
      ),
    );
    const wrongScheme = await failure(`https://127.0.0.1:${plainPort}`);
    expect(wrongScheme.message).toMatch(/^Vault unreachable at https:\/\/127\.0\.0\.1:\d+ \(TLS/);
    for (const error of [untrusted, wrongScheme]) expect(error.message).not.toContain(TOKEN);
  });

  it('DNS failures and unknown codes, found on the error or its cause', () => {
    expect(transportReason({ code: 'ENOTFOUND' })).toBe('DNS: no such host [ENOTFOUND]');
    expect(transportReason(new Error('fetch failed', { cause: { code: 'EAI_AGAIN' } }))).toBe(
      'DNS lookup failed, temporarily [EAI_AGAIN]',
    );
    expect(transportReason({ code: 'ERR_SSL_SOMETHING_NEW' })).toBe('TLS failure [ERR_SSL_SOMETHING_NEW]');
    expect(transportReason({ code: 'EWHATEVER' })).toBe('connection failed [EWHATEVER]');
    expect(transportReason(new Error(`echo ${TOKEN}`))).toBe('connection failed');
  });

  it('the address is shown without credentials or path', () => {
    expect(displayAddress('https://user:pw@vault.example:8200/ui')).toBe('https://vault.example:8200');
  });
});
