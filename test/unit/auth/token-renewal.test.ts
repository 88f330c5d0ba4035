import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TokenState } from '../../../src/auth/token-renewal.js';
import { renewToken } from '../../../src/auth/token-renewal.js';
import type { VaultClient, VaultRequest } from '../../../src/vault/types.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function deps(answer: (request: VaultRequest) => unknown) {
  const results: string[] = [];
  const vault: VaultClient = {
    request: async (request) => {
      const value = answer(request);
      if (value instanceof Error) throw value;
      return value as never;
    },
    requestText: async () => '',
    close: async () => undefined,
  };
  return {
    results,
    deps: {
      vault,
      clock: new FakeClock(1_000_000),
      metrics: { tokenRenewals: { inc: (labels: { result: string }) => results.push(labels.result) } },
      logger: pino({ level: 'silent' }),
      canRelogin: true,
    },
  };
}

const state = (): TokenState => ({
  token: 't',
  expiresAt: 1_002_000,
  leaseMs: 4000,
  incrementSeconds: 4,
  atMax: false,
  loggedIn: true,
});
const auth = (lease: number, renewable = true) => ({
  auth: { lease_duration: lease, renewable, client_token: 't' },
  warnings: null,
});
const signal = new AbortController().signal;

describe('renewToken', () => {
  it('re-derives the expiry from the granted lease and counts success', async () => {
    let sent: VaultRequest | undefined;
    const { deps: d, results } = deps((request) => ((sent = request), auth(4)));
    const s = state();
    expect(await renewToken(s, d, signal)).toEqual({ kind: 'ok' });
    expect(s).toMatchObject({ expiresAt: 1_004_000, atMax: false });
    expect(sent).toMatchObject({ path: 'auth/token/renew-self', body: { increment: '4s' }, token: 't' });
    expect(results).toEqual(['success']);
  });

  it('counts not_renewable when the lease is capped or Vault says it cannot renew', async () => {
    const capped = deps(() => auth(2));
    const s = state();
    await renewToken(s, capped.deps, signal);
    expect([s.atMax, capped.results]).toEqual([true, ['not_renewable']]);
    const refused = deps(
      () =>
        new VaultHttpError({ status: 400, method: 'POST', path: 'p', errors: ['lease is not renewable'] }),
    );
    const s2 = state();
    expect(await renewToken(s2, refused.deps, signal)).toEqual({ kind: 'ok' });
    expect([s2.atMax, refused.results]).toEqual([true, ['not_renewable']]);
  });

  it('turns a 403 into a re-login, and passes Retry-After on for a 429', async () => {
    const denied = deps(
      () => new VaultHttpError({ status: 403, method: 'POST', path: 'p', errors: ['permission denied'] }),
    );
    expect(await renewToken(state(), denied.deps, signal)).toEqual({ kind: 'invalid' });
    const limited = deps(
      () => new VaultHttpError({ status: 429, method: 'POST', path: 'p', errors: [], retryAfterSeconds: 7 }),
    );
    expect(await renewToken(state(), limited.deps, signal)).toEqual({ kind: 'failed', retryAfterSeconds: 7 });
    const down = deps(() => new VaultUnreachableError('ECONNREFUSED'));
    expect(await renewToken(state(), down.deps, signal)).toEqual({
      kind: 'failed',
      retryAfterSeconds: undefined,
    });
    expect([...denied.results, ...limited.results, ...down.results]).toEqual([
      'failure',
      'failure',
      'failure',
    ]);
  });
});
