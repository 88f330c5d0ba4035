import { describe, expect, it } from 'vitest';
import { reachedMax, reloginAt, renewAt, retryDelay } from '../../../src/auth/token-schedule.js';

const POLICY = { minMs: 1000, maxMs: 300_000 };

describe('token schedule', () => {
  it.each([
    [0, 3_600_000, 1_800_000],
    [1000, 5000, 3000],
    [5000, 5000, 5000],
    [6000, 5000, 6000],
  ])('renews at half the remaining TTL (now %i, expiry %i → %i)', (now, expiresAt, expected) => {
    expect(renewAt(now, expiresAt)).toBe(expected);
  });

  it('logs in again before expiry with room for retries, never in the first half of what is left', () => {
    expect(reloginAt(0, 10_000, 10_000, POLICY)).toBe(7000); // 3 × min backoff
    expect(reloginAt(0, 3_600_000, 3_600_000, POLICY)).toBe(3_240_000); // a tenth of the lease
    expect(reloginAt(0, 4000, 10_000, POLICY)).toBe(2000); // half of what is left at most
  });

  it.each([
    [3600, { leaseDuration: 3600, renewable: true }, [], false],
    [3600, { leaseDuration: 1200, renewable: true }, [], true],
    [3600, { leaseDuration: 3600, renewable: false }, [], true],
    [
      3600,
      { leaseDuration: 3600, renewable: true },
      ['TTL of "1h" exceeded the effective max_ttl of "41m20s"; TTL value is capped accordingly'],
      true,
    ],
    [0, { leaseDuration: 60, renewable: true }, [], false],
  ])('knows when renewal reached the max (%#)', (asked, granted, warnings, expected) => {
    expect(reachedMax(asked, granted, warnings)).toBe(expected);
  });

  it('backs off exponentially, capped by half the remaining life but never below the minimum', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, POLICY, none, undefined))).toEqual([
      1000, 2000, 4000, 8000, 16_000,
    ]);
    expect(retryDelay(10, POLICY, none, undefined)).toBe(300_000);
    expect(retryDelay(5, POLICY, none, 6000)).toBe(3000);
    expect(retryDelay(5, POLICY, none, 500)).toBe(1000);
    expect(retryDelay(1, POLICY, () => 1, undefined)).toBe(750);
  });

  it('honours a longer Retry-After, within the maximum backoff', () => {
    expect(retryDelay(1, POLICY, () => 0, undefined, 30)).toBe(30_000);
    expect(retryDelay(1, POLICY, () => 0, undefined, 3600)).toBe(300_000);
  });
});
