import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../src/certs/retry-delay.js';

const POLICY = { minMs: 1_000, maxMs: 300_000 };
const NOW = 1_000_000_000;
const H = 3_600_000;
const noJitter = () => 0;

describe('retryDelay', () => {
  it('grows exponentially from the minimum when there is plenty of time left', () => {
    const delays = [1, 2, 3, 4].map((attempt) =>
      retryDelay({ attempt, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 1000 * H }, noJitter),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped at a tenth of the time left, so a 1-hour certificate is retried within minutes', () => {
    const delay = retryDelay(
      { attempt: 20, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 20 * 60_000 },
      noJitter,
    );
    expect(delay).toBe(120_000);
  });

  it('never goes below the minimum, even right before expiry', () => {
    expect(
      retryDelay({ attempt: 9, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 500 }, noJitter),
    ).toBe(1_000);
  });

  it('uses the policy alone when there is no certificate, or it has expired', () => {
    for (const notAfter of [undefined, NOW - 1]) {
      expect(
        retryDelay({ attempt: 30, permanent: false, policy: POLICY, now: NOW, notAfter }, noJitter),
      ).toBe(300_000);
    }
  });

  it('starts a permanent failure at the longest wait, still capped by the time left', () => {
    expect(
      retryDelay({ attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: undefined }, noJitter),
    ).toBe(300_000);
    expect(
      retryDelay({ attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: NOW + 10 * H }, noJitter),
    ).toBe(300_000);
    expect(
      retryDelay(
        { attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: NOW + 20 * 60_000 },
        noJitter,
      ),
    ).toBe(120_000);
  });

  it('applies jitter only downwards (up to 25 %)', () => {
    const input = { attempt: 3, permanent: false, policy: POLICY, now: NOW, notAfter: undefined };
    expect(retryDelay(input, () => 1)).toBe(3_000);
    expect(retryDelay(input, () => 0.5)).toBe(3_500);
  });
});
