// Every way a request can fail, the class it fails with, and that the token is in none of it.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VaultRequest, VaultRequestEvent } from '../../../src/vault/types.js';
import { VaultConfigError } from '../../../src/vault/vault-config-error.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import {
  isRetryable,
  VaultHttpError,
  VaultResponseError,
  VaultTimeoutError,
  VaultUnreachableError,
} from '../../../src/vault/vault-errors.js';
import { everythingIn, json, useFakeVaults, vaultConfig } from './fake-vault.js';

const TOKEN = 'hvs.RecognisableSecretTokenValue0123456789';
const fakeVault = useFakeVaults();
const dir = mkdtempSync(join(tmpdir(), 'certagent-vault-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function req(overrides: Partial<VaultRequest> = {}): VaultRequest {
  return {
    method: 'GET',
    path: 'auth/token/lookup-self',
    token: TOKEN,
    operation: 'token.lookup_self',
    ...overrides,
  };
}

async function failure(address: string, request = req(), timeoutMs = 2000) {
  const warnings: string[] = [];
  const events: VaultRequestEvent[] = [];
  const client = createVaultClient(vaultConfig(address, { requestTimeoutMs: timeoutMs }), {
    onWarning: (message) => warnings.push(message),
    onRequest: (event) => events.push(event),
  });
  try {
    const error = await client.request(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, warnings, events };
  } finally {
    await client.close();
  }
}

describe('Vault client failures', () => {
  it('maps Vault JSON errors, proxy pages and every status to VaultHttpError with status and errors', async () => {
    for (const status of [400, 403, 404, 412, 500, 503]) {
      const address = await fakeVault((_req, res) => json(res, status, { errors: [`said ${status}`] }));
      const { error, events } = await failure(address);
      expect(error).toBeInstanceOf(VaultHttpError);
      expect(error).toMatchObject({ status, errors: [`said ${status}`], code: 'VAULT_HTTP' });
      expect(events[0]?.status).toBe(String(status));
    }
    const proxy = await fakeVault((_req, res) =>
      res.writeHead(502).end('<html><body>bad gateway</body></html>'),
    );
    const { error } = await failure(proxy);
    expect(error).toMatchObject({ status: 502, errors: ['Bad Gateway'] });
    const empty = await fakeVault((_req, res) => json(res, 404, { errors: [] }));
    expect((await failure(empty)).error).toMatchObject({ status: 404, errors: [] });
  });

  it('parses Retry-After as seconds or as an HTTP date', async () => {
    const later = new Date(Date.now() + 30_000).toUTCString();
    const dated = await fakeVault((_req, res) =>
      json(res, 429, { errors: ['quota'] }, { 'retry-after': later }),
    );
    const seconds = (await failure(dated)).error as VaultHttpError;
    expect(seconds.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(seconds.retryAfterSeconds).toBeLessThanOrEqual(31);
    const none = await fakeVault((_req, res) => json(res, 503, { errors: ['sealed'] }));
    expect(((await failure(none)).error as VaultHttpError).retryAfterSeconds).toBeUndefined();
  });

  it('rejects a 2xx that is not a JSON object with VaultResponseError', async () => {
    for (const body of ['<html>login page</html>', '[1,2]', 'null', '"text"']) {
      const address = await fakeVault((_req, res) => res.writeHead(200).end(body));
      const { error, events } = await failure(address);
      expect(error).toBeInstanceOf(VaultResponseError);
      expect(events[0]?.status).toBe('200');
    }
  });

  it('times out on a server that stalls mid-body, and reports the event as an error', async () => {
    const address = await fakeVault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
    });
    const { error, events } = await failure(address, req(), 200);
    expect(error).toBeInstanceOf(VaultTimeoutError);
    expect(events).toMatchObject([{ operation: 'token.lookup_self', status: 'error' }]);
  });

  it('reports a connection cut mid-body as VaultUnreachableError', async () => {
    const address = await fakeVault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":', () => res.socket?.destroy());
    });
    expect((await failure(address)).error).toBeInstanceOf(VaultUnreachableError);
  });

  it('keeps the token out of every error, warning and event, whatever goes wrong', async () => {
    const echo = await fakeVault((request, res) => {
      const token = String(request.headers['x-vault-token']);
      if (request.url?.includes('warn')) json(res, 200, { data: {}, warnings: [`token ${token} is odd`] });
      else if (request.url?.includes('json')) json(res, 500, { errors: [`bad token ${token}`] });
      else if (request.url?.includes('stall')) return;
      else res.writeHead(200).end(`not json ${token}`);
    });
    const closed = await fakeVault(() => undefined);
    const cases: [string, VaultRequest, number][] = [
      [echo, req({ path: 'json' }), 2000],
      [echo, req({ path: 'text' }), 2000],
      [echo, req({ path: 'stall' }), 150],
      [echo, req({ path: 'warn' }), 2000],
      [echo, req({ path: 'x', token: `${TOKEN}\nInjected: header` }), 2000],
      [echo, req({ path: `path-with-${TOKEN}` }), 2000],
      ['http://127.0.0.1:1', req(), 2000],
      [closed.replace(/:\d+$/, ':9'), req(), 2000],
    ];
    let failures = 0;
    for (const [address, request, timeoutMs] of cases) {
      const { error, warnings, events } = await failure(address, request, timeoutMs);
      if (error !== undefined) failures++;
      const seen = [everythingIn(error), ...warnings, JSON.stringify(events)].join('\n');
      expect(seen).not.toContain(TOKEN);
      expect(seen).not.toContain('RecognisableSecret');
    }
    expect(failures).toBe(cases.length - 1); // all but the warning case fail
  });

  it('refuses a token HTTP cannot carry with a non-retryable VaultConfigError', async () => {
    const address = await fakeVault((_req, res) => json(res, 200, { data: {} }));
    const { error } = await failure(address, req({ token: `${TOKEN}\r\nX-Evil: 1` }));
    expect(error).toBeInstanceOf(VaultConfigError);
    expect(isRetryable(error)).toBe(false);
    expect(everythingIn(error)).not.toContain(TOKEN);
  });

  it('is not broken by an observer that throws', async () => {
    const address = await fakeVault((_req, res) => json(res, 200, { data: { ok: 1 }, warnings: ['w'] }));
    const client = createVaultClient(vaultConfig(address), {
      onRequest: () => {
        throw new Error('metrics bug');
      },
      onWarning: () => {
        throw new Error('logger bug');
      },
    });
    expect((await client.request(req()))?.data).toEqual({ ok: 1 });
    await client.close();
  });

  it('fails at creation on unreadable TLS files, with VaultConfigError', () => {
    const missing = join(dir, 'missing.pem');
    const address = 'https://127.0.0.1:1';
    expect(() => createVaultClient(vaultConfig(address, { caCert: missing }))).toThrow(VaultConfigError);
    expect(() => createVaultClient(vaultConfig(address, { caPath: missing }))).toThrow(VaultConfigError);
    const noPem = join(dir, 'no-pem');
    mkdirSync(noPem);
    writeFileSync(join(noPem, 'README'), 'nothing here');
    expect(() => createVaultClient(vaultConfig(address, { caPath: noPem }))).toThrow(/no PEM certificate/);
    expect(() => createVaultClient(vaultConfig(address, { clientCert: join(dir, 'c.pem') }))).toThrow(
      /together/,
    );
  });
});
