// Failed logins are retried once per backoff step (DEFAULT_BACKOFF: 1 s, doubling, at most 5 min), however the
// lifecycle came to log in. Time is the fake clock's; every attempt is counted where Vault answers it.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethodSettings } from '../../../src/config/runtime-config.js';
import { DEFAULT_BACKOFF } from '../../../src/lib/backoff.js';
import type { VaultRequest } from '../../../src/vault/types.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-retries-'));
  await writeFile(join(dir, 'role-id'), 'role-123');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs an approle lifecycle with the default backoff for `simulated` ms of fake time and returns when each login
 * was attempted. The first login gets `firstLogin`; every later one fails (Vault unreachable); other requests get
 * `other`.
 */
async function loginAttempts(
  firstLogin: { lease_duration: number; renewable: boolean },
  other: (request: VaultRequest) => unknown,
  simulated: number,
): Promise<{ start: number; logins: number[] }> {
  const clock = new FakeClock();
  const start = clock.now();
  const logins: number[] = [];
  const vault = stubVault((request) => {
    if (request.path !== 'auth/approle/login') return other(request);
    logins.push(clock.now());
    if (logins.length > 1) return new VaultUnreachableError('Vault unreachable (connection refused)');
    return { auth: { client_token: 'hvs.firstToken1', ...firstLogin } };
  });
  const settings: AuthMethodSettings = {
    type: 'approle',
    roleIdFilePath: join(dir, 'role-id'),
    secretIdFilePath: undefined,
    removeSecretIdFileAfterReading: false,
  };
  const plain = autoAuthFor(settings);
  const autoAuth = {
    ...plain,
    method: { ...plain.method, minBackoffMs: DEFAULT_BACKOFF.minMs, maxBackoffMs: DEFAULT_BACKOFF.maxMs },
  };
  const lifecycle = unitLifecycle({ method: methodFor(autoAuth), autoAuth, vault, clock });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  try {
    while (clock.now() < start + simulated) {
      // Asleep: its own wait and the wall-clock check that runs beside every wait (src/lib/sleep-until.ts).
      await withDeadline(clock.waitForPending(2), 3000, 'the lifecycle to sleep on the clock');
      clock.advanceTo(Math.min(await clock.nextSleep(), start + simulated));
    }
  } finally {
    controller.abort();
    await running;
  }
  return { start, logins };
}

/** The gaps between consecutive attempts, in seconds. */
const gapsOf = (attempts: number[]) => attempts.slice(1).map((at, index) => (at - attempts[index]!) / SECOND);

describe('login retries', () => {
  it('after a 403 on renewal: one login at once, then one per backoff step, 1 s doubling to 5 min', async () => {
    const refuse = (request: VaultRequest) =>
      new VaultHttpError({ status: 403, method: 'POST', path: request.path, errors: ['permission denied'] });
    // A 60 s token renewed at half its TTL: Vault refuses it 30 s in. 15 minutes of logins failing after that.
    const { start, logins } = await loginAttempts(
      { lease_duration: 60, renewable: true },
      refuse,
      30 * SECOND + 15 * MINUTE,
    );
    expect(logins[0]).toBe(start);
    expect(logins[1]).toBe(start + 30 * SECOND);
    // Spaced once, by the backoff (random 0: no jitter); spacing them twice made these 2, 4, 8 … s.
    expect(gapsOf(logins.slice(1))).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
  });

  it('after the token expired with logins still failing: the backoff resumes, no retry every second', async () => {
    // A 60 s token Vault will not renew: the agent logs in again 6 s before its expiry, and those logins fail.
    const { start, logins } = await loginAttempts(
      { lease_duration: 60, renewable: false },
      () => ({}),
      16 * MINUTE,
    );
    expect(logins[1]).toBe(start + 54 * SECOND);
    // Before the expiry (+60 s) each retry fits in half the life left; after it there is none to fit in, and
    // the backoff goes on from the sixth failure (32 s) to the 5 min maximum. Capped by a life below zero, every
    // retry came min_backoff (1 s) after the last, for as long as the logins failed.
    expect(gapsOf(logins.slice(1))).toEqual([1, 2, 1.5, 1, 1, 32, 64, 128, 256, 300]);
  });
});
