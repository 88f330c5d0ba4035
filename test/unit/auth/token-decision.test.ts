import { describe, expect, it } from 'vitest';
import type { TokenReplacement } from '../../../src/auth/methods/auth-method.js';
import type { TokenDecision, TokenFacts } from '../../../src/auth/token-decision.js';
import { decideToken } from '../../../src/auth/token-decision.js';

const POLICY = { minMs: 1000, maxMs: 300_000 };
const NOW = 1_000_000;
const HOUR = 3_600_000;
const NEVER = Number.POSITIVE_INFINITY;

/** A healthy renewable token with an hour left of a one-hour lease, and no failure. */
const fresh: TokenFacts = {
  expiresAt: NOW + HOUR,
  renewable: true,
  leaseMs: HOUR,
  failures: 0,
  retryAfterSeconds: undefined,
};

function decide(
  changes: Partial<TokenFacts>,
  replacement: TokenReplacement = 'login',
  random: () => number = () => 0,
): TokenDecision {
  return decideToken({ ...fresh, ...changes }, { now: NOW, policy: POLICY, random, replacement });
}

describe('decideToken', () => {
  it.each<[string, Partial<TokenFacts>, TokenReplacement, TokenDecision]>([
    // Renewable: at half the remaining TTL, whatever the method.
    ['renewable, login method', {}, 'login', { next: 'renew', at: NOW + HOUR / 2 }],
    ['renewable token file', {}, 'file-change', { next: 'renew', at: NOW + HOUR / 2 }],
    ['renewable literal token', {}, 'never', { next: 'renew', at: NOW + HOUR / 2 }],
    // After failed renewals: the backoff, growing with the streak.
    ['one failed renewal', { failures: 1 }, 'login', { next: 'renew', at: NOW + 1000 }],
    ['three failed renewals', { failures: 3 }, 'file-change', { next: 'renew', at: NOW + 4000 }],
    [
      'a long streak stops at the maximum backoff',
      { failures: 20 },
      'login',
      { next: 'renew', at: NOW + 300_000 },
    ],
    // ...capped by half the token's remaining life, so it is retried while it still works...
    [
      'remaining life caps the retry',
      { failures: 10, expiresAt: NOW + 60_000 },
      'login',
      { next: 'renew', at: NOW + 30_000 },
    ],
    [
      'but never below the minimum backoff',
      { failures: 10, expiresAt: NOW + 500 },
      'login',
      { next: 'renew', at: NOW + 1000 },
    ],
    // ...and a longer Retry-After from Vault is honoured, up to the maximum backoff.
    [
      'Retry-After longer than the backoff',
      { failures: 1, retryAfterSeconds: 30 },
      'login',
      { next: 'renew', at: NOW + 30_000 },
    ],
    [
      'Retry-After shorter than the backoff',
      { failures: 3, retryAfterSeconds: 1 },
      'login',
      { next: 'renew', at: NOW + 4000 },
    ],
    [
      'Retry-After beyond the maximum backoff',
      { failures: 1, retryAfterSeconds: 3600 },
      'login',
      { next: 'renew', at: NOW + 300_000 },
    ],
    [
      'Retry-After without a failure is ignored',
      { retryAfterSeconds: 30 },
      'login',
      { next: 'renew', at: NOW + HOUR / 2 },
    ],
    // At the max TTL: a login method logs in again before expiry, leaving a tenth of the last lease...
    ['max TTL, login method', { renewable: false }, 'login', { next: 'relogin', at: NOW + HOUR - HOUR / 10 }],
    // ...or three minimum backoffs when the lease was short, never in the first half of what is left.
    [
      'max TTL, short lease',
      { renewable: false, expiresAt: NOW + 10_000, leaseMs: 10_000 },
      'login',
      { next: 'relogin', at: NOW + 7000 },
    ],
    [
      'max TTL, little left',
      { renewable: false, expiresAt: NOW + 4000, leaseMs: HOUR },
      'login',
      { next: 'relogin', at: NOW + 2000 },
    ],
    // Failures do not delay a relogin: the token cannot be renewed anyway.
    [
      'max TTL after failures',
      { renewable: false, failures: 3 },
      'login',
      { next: 'relogin', at: NOW + HOUR - HOUR / 10 },
    ],
    // A token file at the max TTL: the agent cannot replace it, it waits for its expiry (or the file to change).
    ['max TTL, token file', { renewable: false }, 'file-change', { next: 'expire', at: NOW + HOUR }],
    // A literal token cannot log in again: it is used until it expires.
    ['max TTL, literal token', { renewable: false }, 'never', { next: 'expire', at: NOW + HOUR }],
    [
      'already past its expiry',
      { renewable: false, expiresAt: NOW - 1 },
      'never',
      { next: 'expire', at: NOW },
    ],
    // Renewals failed until the token expired: a dead token is not renewed again (every minimum backoff, forever).
    // A login method replaces it now; otherwise the expiry is logged now and a new token awaited.
    [
      'renewable, failures > 0, expiresAt < now, login method',
      { failures: 9, expiresAt: NOW - 1 },
      'login',
      { next: 'relogin', at: NOW },
    ],
    [
      'renewable, failures > 0, expiresAt < now, token file',
      { failures: 9, expiresAt: NOW - 1 },
      'file-change',
      { next: 'expire', at: NOW },
    ],
    [
      'renewable, failures > 0, expiresAt < now, literal token',
      { failures: 9, expiresAt: NOW - 1, retryAfterSeconds: 30 },
      'never',
      { next: 'expire', at: NOW },
    ],
    [
      'renewable, expiresAt = now, token file',
      { expiresAt: NOW },
      'file-change',
      { next: 'expire', at: NOW },
    ],
    // A token that never expires (root, or ttl 0): nothing is due, only events end the wait.
    ['never expires', { expiresAt: null }, 'login', { next: 'keep', at: NEVER }],
    [
      'never expires, not renewable',
      { expiresAt: null, renewable: false },
      'never',
      { next: 'keep', at: NEVER },
    ],
    [
      'never expires, after failures',
      { expiresAt: null, failures: 4 },
      'file-change',
      { next: 'keep', at: NEVER },
    ],
  ])('%s', (_name, changes, replacement, expected) => {
    expect(decide(changes, replacement)).toEqual(expected);
  });

  it('jitters a renewal later by up to a tenth of the remaining TTL', () => {
    expect(decide({}, 'login', () => 1)).toEqual({ next: 'renew', at: NOW + HOUR * 0.6 });
  });

  it('jitters a renewal retry shorter by up to a quarter', () => {
    expect(decide({ failures: 3 }, 'login', () => 1)).toEqual({ next: 'renew', at: NOW + 3000 });
  });

  it('jitters a relogin earlier by up to the margin again', () => {
    expect(decide({ renewable: false }, 'login', () => 1)).toEqual({ next: 'relogin', at: NOW + HOUR * 0.8 });
  });

  it('never jitters an expiry', () => {
    expect(decide({ renewable: false }, 'never', () => 1)).toEqual({ next: 'expire', at: NOW + HOUR });
  });

  it('uses the policy it is given', () => {
    const decision = decideToken(
      { ...fresh, failures: 2 },
      { now: NOW, policy: { minMs: 5000, maxMs: 8000 }, random: () => 0, replacement: 'login' },
    );
    expect(decision).toEqual({ next: 'renew', at: NOW + 8000 });
  });
});
