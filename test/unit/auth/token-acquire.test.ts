import { describe, expect, it } from 'vitest';
import type { Credential } from '../../../src/auth/methods/auth-method.js';
import type { AcquireDeps } from '../../../src/auth/token-acquire.js';
import { TokenRefusedError, acquireToken } from '../../../src/auth/token-acquire.js';
import type { VaultClient, VaultRequest } from '../../../src/vault/types.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const signal = new AbortController().signal;
const NOW = 1_000_000;

/** Deps whose Vault answers with `answer` and that record what was registered and sent, in order. */
function deps(answer: (request: VaultRequest) => unknown) {
  const events: string[] = [];
  const vault: VaultClient = {
    request: async (request) => {
      events.push(`request ${request.path}`);
      return answer(request) as never;
    },
    requestText: async () => '',
    close: async () => undefined,
  };
  const d: AcquireDeps = {
    vault,
    clock: new FakeClock(NOW),
    registerSecret: (value, use) => events.push(`register ${use?.slot} ${value}`),
    method: {
      type: 'token_file',
      replacement: 'file-change',
      credential: async () => fileToken,
    },
  };
  return { events, deps: d };
}

const fileToken: Credential = { kind: 'token', token: 'hvs.fromFile' };
const lookup = { data: { ttl: 60, creation_ttl: 120, renewable: true } };

describe('acquireToken', () => {
  it('looks up a token the method holds: expiry from the TTL, lease and increment from the larger TTL', async () => {
    const { events, deps: d } = deps(() => lookup);
    expect(await acquireToken(fileToken, undefined, d, signal)).toEqual({
      state: {
        token: 'hvs.fromFile',
        expiresAt: NOW + 60_000,
        leaseMs: 120_000,
        incrementSeconds: 120,
        atMax: false,
        loggedIn: false,
      },
      message: 'token loaded',
    });
    expect(events).toEqual([
      'register auth.token_source hvs.fromFile',
      'request auth/token/lookup-self',
      'register auth.token hvs.fromFile',
    ]);
  });

  it('a token that never expires has no expiry; one Vault will not renew is at its max', async () => {
    const { deps: d } = deps(() => ({ data: { ttl: 0, creation_ttl: 0, renewable: false } }));
    const acquired = await acquireToken(fileToken, undefined, d, signal);
    expect(acquired?.state).toMatchObject({ expiresAt: null, atMax: true });
  });

  it('the token already held is not looked up again, and is refused again once it expired', async () => {
    const { events, deps: d } = deps(() => lookup);
    const held = { token: 'hvs.fromFile', refused: false, expiresAt: NOW + 60_000 };
    expect(await acquireToken(fileToken, held, d, signal)).toBeUndefined();
    // Past its expiry it is dead: no lookup needed to say so.
    const expired = acquireToken(fileToken, { ...held, refused: true, expiresAt: NOW }, d, signal);
    await expect(expired).rejects.toBeInstanceOf(TokenRefusedError);
    await expect(expired).rejects.toMatchObject({ code: 'TOKEN_REFUSED' });
    expect(events.filter((event) => event.startsWith('request'))).toEqual([]);
    // A different token is looked up even when the held one was refused.
    const other = await acquireToken(
      { kind: 'token', token: 'hvs.new' },
      { ...held, refused: true },
      d,
      signal,
    );
    expect(other?.state.token).toBe('hvs.new');
  });

  it('the held token reported refused is looked up: a 403 proves it dead, a 200 keeps it', async () => {
    // Vault answers a policy denying one request with 403 as it answers a dead token: only lookup-self tells.
    let status = 403;
    const { deps: d } = deps((request) => {
      if (status === 200) return lookup;
      throw new VaultHttpError({ status, method: 'GET', path: request.path, errors: ['permission denied'] });
    });
    const held = { token: 'hvs.fromFile', refused: true, expiresAt: NOW + 60_000 };
    const refused = acquireToken(fileToken, held, d, signal);
    await expect(refused).rejects.toBeInstanceOf(TokenRefusedError);
    await expect(refused).rejects.toMatchObject({ cause: { status: 403 } });
    status = 200;
    expect(await acquireToken(fileToken, held, d, signal)).toMatchObject({
      state: { token: 'hvs.fromFile', expiresAt: NOW + 60_000 },
      revalidated: true,
    });
    // Vault down is a failure to retry, not a verdict on the token.
    status = 503;
    await expect(acquireToken(fileToken, held, d, signal)).rejects.toBeInstanceOf(VaultHttpError);
  });

  it('logs in, registering the secrets it sends before sending them and the token it gets', async () => {
    const { events, deps: d } = deps(() => ({
      auth: { client_token: 'hvs.loggedIn', lease_duration: 30, renewable: false },
    }));
    const credential: Credential = {
      kind: 'login',
      request: { mountPath: 'auth/jwt', body: { role: 'r', jwt: 'eyJ.x.y' }, namespace: undefined },
      secrets: { jwt: 'eyJ.x.y' },
    };
    // A login ignores the held token: it always brings a new one.
    const acquired = await acquireToken(
      credential,
      { token: 'hvs.old', refused: true, expiresAt: NOW },
      d,
      signal,
    );
    expect(acquired).toEqual({
      state: {
        token: 'hvs.loggedIn',
        expiresAt: NOW + 30_000,
        leaseMs: 30_000,
        incrementSeconds: 30,
        atMax: true,
        loggedIn: true,
      },
      message: 'logged in to Vault',
    });
    expect(events).toEqual([
      'register auth.jwt eyJ.x.y',
      'request auth/jwt/login',
      'register auth.token hvs.loggedIn',
    ]);
  });

  it('logs in over a client presenting the client certificate, and closes it', async () => {
    const used: string[] = [];
    const { deps: base } = deps(() => {
      throw new Error('the default client must not be used');
    });
    const d: AcquireDeps = {
      ...base,
      clientWithCertificate: (cert) => ({
        request: async () => {
          used.push(`login with ${cert.certFile}`);
          return { auth: { client_token: 'hvs.cert', lease_duration: 0, renewable: false } } as never;
        },
        requestText: async () => '',
        close: async () => void used.push('closed'),
      }),
    };
    const credential: Credential = {
      kind: 'login',
      request: { mountPath: 'auth/cert', body: {}, namespace: undefined },
      clientCertificate: { certFile: '/c.pem', keyFile: '/k.pem' },
    };
    const acquired = await acquireToken(credential, undefined, d, signal);
    expect(acquired?.state).toMatchObject({ token: 'hvs.cert', expiresAt: null });
    expect(used).toEqual(['login with /c.pem', 'closed']);
  });
});
