// When to renew, when to log in again and how long to wait after a failure: pure functions of now (and random),
// so the token lifecycle's timing is tested without waiting.

import type { BackoffPolicy } from '../lib/backoff.js';
import { backoffDelay } from '../lib/backoff.js';

/** Renew at half the remaining TTL (the cadence is re-derived from every renewal's lease). */
export function renewAt(now: number, expiresAt: number): number {
  return now + Math.max(0, (expiresAt - now) / 2);
}

/**
 * When a token that can no longer be renewed should be replaced by a new login: early enough before expiry to
 * leave room for a few retries (three minimum backoffs, or a tenth of the last lease if longer), but never in
 * the first half of what is left.
 */
export function reloginAt(now: number, expiresAt: number, leaseMs: number, policy: BackoffPolicy): number {
  const left = Math.max(0, expiresAt - now);
  const margin = Math.min(Math.max(3 * policy.minMs, 0.1 * leaseMs), left / 2);
  return expiresAt - margin;
}

/**
 * True when a renewal could not grant what was asked: Vault said `renewable: false`, granted less than the
 * increment (the token's max TTL is near), or warned that it capped the TTL.
 */
export function reachedMax(
  askedSeconds: number,
  granted: { leaseDuration: number; renewable: boolean },
  warnings: readonly string[],
): boolean {
  if (!granted.renewable) return true;
  if (warnings.some((warning) => /exceeded the effective max_ttl/.test(warning))) return true;
  return askedSeconds > 0 && granted.leaseDuration < askedSeconds;
}

/**
 * The wait before retry `attempt` after a passing failure: exponential with jitter, at least the minimum backoff,
 * at most the maximum, and within the token's remaining life (half of it), so a short-lived token is retried
 * while it still works. A Retry-After from Vault is honoured when longer.
 */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  remainingMs: number | undefined,
  retryAfterSeconds?: number,
): number {
  const cap = remainingMs === undefined ? Number.POSITIVE_INFINITY : Math.max(policy.minMs, remainingMs / 2);
  const delay = backoffDelay(attempt, policy, random, cap);
  return retryAfterSeconds === undefined
    ? delay
    : Math.max(delay, Math.min(retryAfterSeconds * 1000, policy.maxMs));
}
