import { describe, expect, it } from 'vitest';
import {
  reachedMax,
  refusedLoginAt,
  reloginAt,
  tokenRenewAt,
  tokenRetryDelay,
} from '../../../src/auth/token-schedule.js';

const POLICY = { minMs: 1000, maxMs: 300_000 };

describe('token schedule', () => {
  it.each([
    [0, 3_600_000, 1_800_000],
    [1000, 5000, 3000],
    [5000, 5000, 5000],
    [6000, 5000, 6000],
  ])('renews at half the remaining TTL (now %i, expiry %i → %i)', (now, expiresAt, expected) => {
    expect(tokenRenewAt(now, expiresAt, () => 0)).toBe(expected);
  });

  it('jitters a renewal later by up to a tenth of the remaining TTL, never past 60 % of it', () => {
    expect(tokenRenewAt(0, 3_600_000, () => 1)).toBe(2_160_000);
    expect(tokenRenewAt(0, 3_600_000, () => 0.5)).toBeCloseTo(1_980_000);
    expect(tokenRenewAt(0, 3_600_000, () => 7)).toBe(2_160_000); // a random() out of range is clamped
    // A fleet renewing at the same moment spreads out: 1,000 agents land on many different seconds.
    let seed = 1;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const seconds = new Set(
      Array.from({ length: 1000 }, () => Math.floor(tokenRenewAt(0, 3_600_000, random) / 1000)),
    );
    expect(seconds.size).toBeGreaterThan(300);
  });

  it('logs in again before expiry with room for retries, never in the first half of what is left', () => {
    const none = () => 0;
    expect(reloginAt(0, 10_000, 10_000, POLICY, none)).toBe(7000); // 3 × min backoff
    expect(reloginAt(0, 3_600_000, 3_600_000, POLICY, none)).toBe(3_240_000); // a tenth of the lease
    expect(reloginAt(0, 4000, 10_000, POLICY, none)).toBe(2000); // half of what is left at most
  });

  it('jitters a new login earlier by up to the margin again, still never in the first half of what is left', () => {
    expect(reloginAt(0, 3_600_000, 3_600_000, POLICY, () => 1)).toBe(2_880_000);
    expect(reloginAt(0, 3_600_000, 3_600_000, POLICY, () => 0.5)).toBeCloseTo(3_060_000);
    expect(reloginAt(0, 4000, 10_000, POLICY, () => 1)).toBe(2000);
  });

  it('spaces logins answering a 403 one growing backoff step after the previous attempt', () => {
    expect([1, 2, 3, 4].map((streak) => refusedLoginAt(10_000, streak, POLICY, () => 0))).toEqual([
      11_000, 12_000, 14_000, 18_000,
    ]);
    expect(refusedLoginAt(10_000, 20, POLICY, () => 0)).toBe(310_000);
    expect(refusedLoginAt(10_000, 1, POLICY, () => 1)).toBe(10_750);
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
    expect([1, 2, 3, 4, 5].map((attempt) => tokenRetryDelay(attempt, POLICY, none, undefined))).toEqual([
      1000, 2000, 4000, 8000, 16_000,
    ]);
    expect(tokenRetryDelay(10, POLICY, none, undefined)).toBe(300_000);
    expect(tokenRetryDelay(5, POLICY, none, 6000)).toBe(3000);
    expect(tokenRetryDelay(5, POLICY, none, 500)).toBe(1000);
    expect(tokenRetryDelay(1, POLICY, () => 1, undefined)).toBe(750);
  });

  it('takes no life left (an expired token) as no cap, not as the minimum backoff', () => {
    const none = () => 0;
    expect(tokenRetryDelay(5, POLICY, none, 0)).toBe(16_000);
    expect(tokenRetryDelay(5, POLICY, none, -60_000)).toBe(16_000);
    expect(tokenRetryDelay(10, POLICY, none, -1)).toBe(300_000);
  });

  it('honours a longer Retry-After, within the maximum backoff', () => {
    expect(tokenRetryDelay(1, POLICY, () => 0, undefined, 30)).toBe(30_000);
    expect(tokenRetryDelay(1, POLICY, () => 0, undefined, 3600)).toBe(300_000);
    // A 5-minute Retry-After with one minute of token left: retried at half of what is left, before it expires.
    expect(tokenRetryDelay(1, POLICY, () => 0, 60_000, 300)).toBe(30_000);
  });
});
