import { describe, expect, it } from 'vitest';
import { certificateRetryDelay, retryAfterOf } from '../../../src/certs/retry-delay.js';
import { AgentError } from '../../../src/lib/errors.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';

const POLICY = { minMs: 1_000, maxMs: 300_000 };
const NOW = 1_000_000_000;
const H = 3_600_000;
const noJitter = () => 0;

describe('certificateRetryDelay', () => {
  it('grows exponentially from the minimum when there is plenty of time left', () => {
    const delays = [1, 2, 3, 4].map((attempt) =>
      certificateRetryDelay(
        { attempt, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 1000 * H },
        noJitter,
      ),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped at a tenth of the time left, so a 1-hour certificate is retried within minutes', () => {
    const delay = certificateRetryDelay(
      { attempt: 20, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 20 * 60_000 },
      noJitter,
    );
    expect(delay).toBe(120_000);
  });

  it('never goes below the minimum, even right before expiry', () => {
    expect(
      certificateRetryDelay(
        { attempt: 9, permanent: false, policy: POLICY, now: NOW, notAfter: NOW + 500 },
        noJitter,
      ),
    ).toBe(1_000);
  });

  it('retries at least every 30 s (with jitter) once there is nothing valid: none yet, or expired', () => {
    for (const notAfter of [undefined, NOW - 1, NOW]) {
      for (const attempt of [6, 30, 1000]) {
        const input = { attempt, permanent: false, policy: POLICY, now: NOW, notAfter };
        expect(certificateRetryDelay(input, noJitter)).toBe(30_000);
        expect(certificateRetryDelay(input, () => 1)).toBe(22_500);
      }
      // Early attempts still start from the minimum: the 30 s bound is a ceiling, not a pace.
      expect(
        certificateRetryDelay({ attempt: 1, permanent: false, policy: POLICY, now: NOW, notAfter }, noJitter),
      ).toBe(1_000);
    }
  });

  it('keeps a policy shorter than 30 s as it is after expiry', () => {
    const short = { minMs: 100, maxMs: 5_000 };
    expect(
      certificateRetryDelay(
        { attempt: 40, permanent: false, policy: short, now: NOW, notAfter: NOW - 1 },
        noJitter,
      ),
    ).toBe(5_000);
  });

  it('starts a permanent failure at the longest wait, still capped by the time left', () => {
    // With nothing valid on disk, even a rejected answer is asked again within 30 s (an operator may fix the role).
    expect(
      certificateRetryDelay(
        { attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: undefined },
        noJitter,
      ),
    ).toBe(30_000);
    expect(
      certificateRetryDelay(
        { attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: NOW + 10 * H },
        noJitter,
      ),
    ).toBe(300_000);
    expect(
      certificateRetryDelay(
        { attempt: 1, permanent: true, policy: POLICY, now: NOW, notAfter: NOW + 20 * 60_000 },
        noJitter,
      ),
    ).toBe(120_000);
  });

  it('applies jitter only downwards (up to 25 %)', () => {
    const input = { attempt: 3, permanent: false, policy: POLICY, now: NOW, notAfter: undefined };
    expect(certificateRetryDelay(input, () => 1)).toBe(3_000);
    expect(certificateRetryDelay(input, () => 0.5)).toBe(3_500);
  });

  it('waits at least as long as Vault asked (Retry-After), within the ceiling the time left allows', () => {
    const base = { attempt: 1, permanent: false, policy: POLICY, now: NOW };
    // Plenty of time left: the 10 s asked for is honoured instead of the 1 s backoff.
    expect(certificateRetryDelay({ ...base, notAfter: NOW + 1000 * H, retryAfterMs: 10_000 }, noJitter)).toBe(
      10_000,
    );
    // Nothing valid: honoured up to the 30 s ceiling, never beyond it.
    expect(certificateRetryDelay({ ...base, notAfter: undefined, retryAfterMs: 10_000 }, noJitter)).toBe(
      10_000,
    );
    expect(certificateRetryDelay({ ...base, notAfter: undefined, retryAfterMs: 600_000 }, noJitter)).toBe(
      30_000,
    );
    // 20 minutes left: a tenth of it (2 min) bounds an hour-long Retry-After.
    expect(certificateRetryDelay({ ...base, notAfter: NOW + 20 * 60_000, retryAfterMs: H }, noJitter)).toBe(
      120_000,
    );
    // A longer backoff than asked stays as it is.
    expect(
      certificateRetryDelay({ ...base, attempt: 6, notAfter: NOW + 1000 * H, retryAfterMs: 1_000 }, noJitter),
    ).toBe(32_000);
  });
});

describe('retryAfterOf', () => {
  it("finds Vault's Retry-After in the error or its causes", () => {
    const limited = new VaultHttpError({
      status: 429,
      method: 'POST',
      path: 'pki/sign/web',
      errors: ['rate limit quota exceeded'],
      retryAfterSeconds: 7,
    });
    expect(retryAfterOf(limited)).toBe(7_000);
    expect(retryAfterOf(new AgentError('ISSUE', 'wrapped', { cause: limited }))).toBe(7_000);
    expect(retryAfterOf(new Error('plain'))).toBeUndefined();
    expect(retryAfterOf('not an error')).toBeUndefined();
  });
});
