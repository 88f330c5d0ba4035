import { describe, expect, it } from 'vitest';
import {
  isDue,
  certificateRenewAt,
  renewPolicyOf,
  type CertificateTimes,
} from '../../../src/certs/renew-schedule.js';

const T = Date.UTC(2030, 0, 1);
const S = 1000;
const H = 3_600_000;
const at = (random: number) => () => random;

/** A certificate as Vault issues it: notBefore back-dated by 30 s, obtained at T. */
function vaultCert(ttlMs: number): CertificateTimes {
  return { notBefore: T - 30 * S, notAfter: T + ttlMs, obtainedAt: T };
}

describe('certificateRenewAt with a threshold', () => {
  it.each([
    // ttl, threshold, random, expected offset from obtainedAt
    [24 * H, 0.67, 0, 0.67 * 24 * H],
    [24 * H, 0.67, 1, 0.62 * 24 * H],
    [24 * H, 0.5, 0.5, 0.475 * 24 * H],
    [H, 0.9, 0, 0.9 * H],
    [10 * S, 0.67, 0, 6.7 * S],
  ])('ttl %d ms, threshold %d, random %d → obtainedAt + %d ms', (ttl, threshold, random, offset) => {
    expect(certificateRenewAt(vaultCert(ttl), { threshold }, at(random))).toBeCloseTo(T + offset, 6);
  });

  it('measures the lifetime from when it was obtained, not from the back-dated notBefore', () => {
    // notBefore-based 2/3 of a 10 s certificate back-dated by 30 s would already be in the past.
    expect(certificateRenewAt(vaultCert(10 * S), { threshold: 0.67 }, at(0))).toBeGreaterThan(T);
  });

  it('uses notBefore when the certificate was obtained before it was valid', () => {
    const times = { notBefore: T + 10 * S, notAfter: T + 110 * S, obtainedAt: T };
    expect(certificateRenewAt(times, { threshold: 0.5 }, at(0))).toBe(T + 60 * S);
  });

  it('uses notAfter as the start when obtainedAt is after it (never before the start)', () => {
    const times = { notBefore: T, notAfter: T + 10 * S, obtainedAt: T + 20 * S };
    expect(certificateRenewAt(times, { threshold: 0.67 }, at(1))).toBe(T + 10 * S);
  });

  it('renews the 8 s certificate of the acceptance test 4.96–5.36 s after obtaining it', () => {
    const times = vaultCert(8 * S);
    const earliest = certificateRenewAt(times, { threshold: 0.67 }, at(1)) - T;
    const latest = certificateRenewAt(times, { threshold: 0.67 }, at(0)) - T;
    expect(latest).toBeCloseTo(5360, 6);
    expect(earliest).toBeCloseTo(4960, 6);
    for (let i = 0; i <= 10; i++) {
      const offset = certificateRenewAt(times, { threshold: 0.67 }, at(i / 10)) - T;
      expect(offset).toBeGreaterThanOrEqual(4960 - 1e-6);
      expect(offset).toBeLessThanOrEqual(5360 + 1e-6);
    }
  });
});

describe('certificateRenewAt with renew_before', () => {
  it.each([
    // ttl, renewBefore, random, expected offset from obtainedAt
    [24 * H, 8 * H, 0, 16 * H],
    [24 * H, 8 * H, 1, 16 * H - 0.05 * 24 * H],
    [H, 10 * 60 * S, 0.5, 50 * 60 * S - 0.025 * H],
  ])(
    'ttl %d ms, renew_before %d ms, random %d → obtainedAt + %d ms',
    (ttl, renewBeforeMs, random, offset) => {
      expect(certificateRenewAt(vaultCert(ttl), { renewBeforeMs }, at(random))).toBeCloseTo(T + offset, 6);
    },
  );

  it('is never before the start of the lifetime', () => {
    expect(certificateRenewAt(vaultCert(H), { renewBeforeMs: 2 * H }, at(0.5))).toBe(T);
  });
});

describe('jitter', () => {
  it('only ever moves renewal earlier, by at most 5 % of the lifetime', () => {
    const times = vaultCert(100 * S);
    const none = certificateRenewAt(times, { threshold: 0.67 }, at(0));
    for (const random of [0, 0.1, 0.5, 0.99, 1]) {
      const value = certificateRenewAt(times, { threshold: 0.67 }, at(random));
      expect(value).toBeLessThanOrEqual(none);
      expect(none - value).toBeCloseTo(random * 5 * S, 6);
    }
  });

  it('clamps a random source outside [0, 1]', () => {
    const times = vaultCert(100 * S);
    expect(certificateRenewAt(times, { threshold: 0.67 }, at(-3))).toBe(
      certificateRenewAt(times, { threshold: 0.67 }, at(0)),
    );
    expect(certificateRenewAt(times, { threshold: 0.67 }, at(7))).toBe(
      certificateRenewAt(times, { threshold: 0.67 }, at(1)),
    );
  });
});

describe('isDue', () => {
  it('is false before renewAt and true from it on', () => {
    const times = vaultCert(10 * S);
    const due = certificateRenewAt(times, { threshold: 0.5 }, at(0));
    expect(isDue(due - 1, times, { threshold: 0.5 }, at(0))).toBe(false);
    expect(isDue(due, times, { threshold: 0.5 }, at(0))).toBe(true);
  });
});

describe('renewPolicyOf', () => {
  it('prefers renew_before, then the threshold, then 0.67', () => {
    expect(renewPolicyOf({ renewBeforeMs: 5 * S, renewThreshold: undefined })).toEqual({
      renewBeforeMs: 5 * S,
    });
    expect(renewPolicyOf({ renewBeforeMs: undefined, renewThreshold: 0.8 })).toEqual({ threshold: 0.8 });
    expect(renewPolicyOf({ renewBeforeMs: undefined, renewThreshold: undefined })).toEqual({
      threshold: 0.67,
    });
  });
});
