// Issue 4's acceptance, against the in-process dev server on a shared fake clock.
// Renewal failing: Vault unreachable, or refusing the token (403), with an auth method or a token file.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRole, approleSettings, dir, h, useLifecycleSuite, waitForToken } from './lifecycle-suite.js';

useLifecycleSuite();

describe('token lifecycle', () => {
  it('Vault unreachable for 20 s (connections reset): failures counted, attempts spaced by growing backoff, recovery without restart', async () => {
    const token = (await h.call('POST', 'auth/token/create', { ttl: '60s', policies: ['default'] })).json.auth
      .client_token as string;
    h.run(undefined, token);
    const start = h.clock.now();
    await h.advanceTo(start + 29_000); // first renewal at +30 s
    // Every connection to auth/ is reset, as when Vault is down behind a load balancer.
    const fault = await h.call('POST', 'sys/dev/faults', { path_prefix: 'auth/', reset: true, count: 1000 });
    expect(fault.status).toBe(200);
    const attempts: number[] = [];
    const failuresBefore = h.metrics.count('failure');
    await h.advanceTo(start + 49_000, async () => {
      if (h.metrics.count('failure') > failuresBefore + attempts.length) attempts.push(h.clock.now() - start);
    });
    const failures = h.metrics.count('failure') - failuresBefore;
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(10);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect((await h.call('DELETE', 'sys/dev/faults')).status).toBe(204);
    await h.advanceTo(start + 58_000);
    expect(h.metrics.count('success')).toBeGreaterThanOrEqual(1);
    expect(h.lifecycle.token.value).toBe(token);
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, token)).status).toBe(200);
  });

  it('a 403 on renewal leads to exactly one login per backoff step, not a loop', async () => {
    const files = await appRole({ token_ttl: '4s', token_max_ttl: '1h', secret_id_num_uses: 0 });
    await h.call('POST', 'sys/dev/faults', {
      path_prefix: 'auth/token/renew-self',
      status: 403,
      count: 1000,
    });
    h.run(approleSettings(files));
    const start = h.clock.now();
    await h.advanceTo(start + 40_000);
    const logins = h.metrics.logins
      .filter((login) => login.result === 'success')
      .map((login) => login.at - start);
    const gaps = logins.slice(1).map((at, index) => at - logins[index]!);
    // Backoff 1 s, 2 s, 4 s, 8 s, 16 s (+ the 2 s until each renewal): a handful of logins, spaced ever wider.
    expect(logins.length).toBeGreaterThanOrEqual(3);
    expect(logins.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(h.metrics.count('failure')).toBe(logins.length);
  });

  it('a token file whose token Vault refuses on renewal waits for a new token instead of renewing the dead one again', async () => {
    const create = async () =>
      (await h.call('POST', 'auth/token/create', { ttl: '1h', policies: ['default'] })).json.auth
        .client_token as string;
    const first = await create();
    await writeFile(join(dir, 'token'), first);
    h.run({ type: 'token_file', tokenFilePath: join(dir, 'token') });
    const start = h.clock.now();
    await h.advanceTo(start + 1000);
    expect(h.lifecycle.token.value).toBe(first);
    // Revoked behind the agent's back: every renewal of it is now a 403, and only a new file can help.
    expect((await h.call('POST', 'auth/token/revoke', { token: first })).status).toBe(204);
    // The renewal is due at half the TTL (random 0: no jitter). Past it, and to a second before expiry at once: a
    // lifecycle that retried the dead token, or polled its file, would be waiting on a timer again.
    await h.advanceTo(start + 1_799_000);
    h.clock.advanceTo(start + 3_599_000);
    await h.logged('waiting for a new token');
    expect(h.metrics.renewals).toEqual(['failure']);
    expect(h.logs).toMatch(/TOKEN_REFUSED/);
    // Said once, then quiet: no timer, and no login counted for a method that cannot log in.
    expect(h.clock.pending).toBe(0);
    expect(h.metrics.logins).toEqual([{ method: 'token_file', result: 'success', at: start }]);

    const second = await create();
    await writeFile(join(dir, 'token'), second);
    await waitForToken(second);
    expect(h.lifecycle.token.value).toBe(second);
  });
});
