// Issue 7 point 11: the registry forgets superseded secrets after a grace period and keeps only a few of them.

import { describe, expect, it } from 'vitest';
import { MAX_RETIRED, RETIRED_GRACE_MS, SecretRegistry } from '../../../src/lib/secret-registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const MINUTE = 60_000;

function registry() {
  const clock = new FakeClock(1_000_000);
  const secrets = new SecretRegistry({ now: () => clock.now() });
  return { secrets, advance: (ms: number) => clock.advance(ms), now: () => clock.now() };
}

describe('SecretRegistry', () => {
  it('scrubs every registered value, longest first, and ignores values too short to be secrets', () => {
    const { secrets } = registry();
    secrets.register('hvs.abcdefgh');
    secrets.register('hvs.abcdefgh-longer', { slot: 'auth.token' });
    secrets.register('short');
    expect(secrets.scrub('a hvs.abcdefgh-longer b hvs.abcdefgh c short')).toBe(
      'a [REDACTED] b [REDACTED] c short',
    );
    expect(secrets.size).toBe(2);
  });

  it('a superseded value is scrubbed during the grace period, then forgotten', () => {
    const { secrets, advance } = registry();
    secrets.register('hvs.token-one', { slot: 'auth.token', expiresAt: undefined });
    secrets.register('hvs.token-two', { slot: 'auth.token' });
    expect(secrets.scrub('late error quoting hvs.token-one')).toBe('late error quoting [REDACTED]');
    advance(RETIRED_GRACE_MS - 1);
    expect(secrets.scrub('hvs.token-one')).toBe('[REDACTED]');
    advance(1);
    expect(secrets.scrub('hvs.token-one hvs.token-two')).toBe('hvs.token-one [REDACTED]');
    expect(secrets.size).toBe(1);
  });

  it('a superseded token still valid after the grace period is scrubbed until it expires', () => {
    const { secrets, advance, now } = registry();
    secrets.register('hvs.token-one', { slot: 'auth.token', expiresAt: now() + 60 * MINUTE });
    secrets.register('hvs.token-two', { slot: 'auth.token', expiresAt: now() + 120 * MINUTE });
    advance(59 * MINUTE);
    expect(secrets.scrub('hvs.token-one')).toBe('[REDACTED]');
    advance(MINUTE);
    expect(secrets.scrub('hvs.token-one')).toBe('hvs.token-one');
  });

  it('stays bounded however often the agent logs in again; values without a slot are never dropped', () => {
    const { secrets, advance } = registry();
    secrets.register('hvs.vaultTokenEnv');
    for (let i = 0; i < 10_000; i++) {
      secrets.register(`hvs.login-${i}`, { slot: 'auth.token', expiresAt: null });
      secrets.register(`secret-id-${i}`, { slot: 'auth.secret_id' });
      advance(1000);
    }
    // The permanent one, the two current ones, and at most MAX_RETIRED superseded values.
    expect(secrets.size).toBeLessThanOrEqual(3 + MAX_RETIRED);
    expect(secrets.scrub('hvs.vaultTokenEnv hvs.login-9999 secret-id-9999 hvs.login-9998')).toBe(
      '[REDACTED] [REDACTED] [REDACTED] [REDACTED]',
    );
    expect(secrets.scrub('hvs.login-100')).toBe('hvs.login-100');
  });

  it('a value registered again in its slot is current again, and forget drops it everywhere', () => {
    const { secrets, advance } = registry();
    secrets.register('jwt-aaaaaaaa', { slot: 'auth.jwt' });
    secrets.register('jwt-bbbbbbbb', { slot: 'auth.jwt' });
    secrets.register('jwt-aaaaaaaa', { slot: 'auth.jwt' });
    advance(RETIRED_GRACE_MS + 1);
    expect(secrets.scrub('jwt-aaaaaaaa jwt-bbbbbbbb')).toBe('[REDACTED] jwt-bbbbbbbb');
    secrets.forget('jwt-aaaaaaaa');
    expect(secrets.size).toBe(0);
  });
});
