// When to renew, when to log in again and how long to wait after a failure: pure functions of now (and random),
// so the token lifecycle's timing is tested without waiting.

import type { BackoffPolicy } from '../lib/backoff.js';
import { backoffDelay, withRetryAfter } from '../lib/backoff.js';

/** How much later than half the remaining TTL jitter may move a renewal (a share of what is left). */
export const TOKEN_RENEW_JITTER_SHARE = 0.1;

/**
 * Renew at half the remaining TTL, moved later by up to a tenth of it at random (the cadence is re-derived from
 * every renewal's lease). A fleet started in the same minute would otherwise renew in the same minute forever; later
 * rather than earlier keeps it at most two renewals per TTL, and 40 % of the TTL is still left for retries.
 */
export function tokenRenewAt(now: number, expiresAt: number, random: () => number): number {
  const share = 0.5 + clamp01(random()) * TOKEN_RENEW_JITTER_SHARE;
  return now + Math.max(0, (expiresAt - now) * share);
}

/**
 * When a token that can no longer be renewed should be replaced by a new login: early enough before expiry to
 * leave room for a few retries (three minimum backoffs, or a tenth of the last lease if longer), but never in
 * the first half of what is left. Jitter widens the margin by up to as much again, so agents whose tokens hit
 * their max TTL together do not all log in in the same second.
 */
export function reloginAt(
  now: number,
  expiresAt: number,
  leaseMs: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const left = Math.max(0, expiresAt - now);
  const base = Math.max(3 * policy.minMs, 0.1 * leaseMs);
  const margin = Math.min(base * (1 + clamp01(random())), left / 2);
  return expiresAt - margin;
}

/**
 * When a login answering a 403 may start: one backoff step after the previous attempt, the step growing with every
 * 403 in a row, so a token Vault keeps refusing (or consumers keep reporting) cannot cause a loop of logins.
 */
export function refusedLoginAt(
  lastAttemptAt: number,
  streak: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  return lastAttemptAt + backoffDelay(streak, policy, random);
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
 * while it still works; an expired one (no life left, or none given) is retried by the backoff alone. A Retry-After from Vault is honoured when longer, within the same ceiling.
 */
export function tokenRetryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  remainingMs: number | undefined,
  retryAfterSeconds?: number,
): number {
  // No life left (already expired) is no cap: a cap of the minimum backoff would retry every second, forever.
  const cap =
    remainingMs === undefined || remainingMs <= 0
      ? Number.POSITIVE_INFINITY
      : Math.max(policy.minMs, remainingMs / 2);
  const delay = backoffDelay(attempt, policy, random, cap);
  // Retry-After within the same ceiling, as for certificates.
  const retryAfterMs = retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000;
  return withRetryAfter(delay, retryAfterMs, Math.min(policy.maxMs, cap));
}

/** A token with a known expiry that has passed (a token without one never expires). */
export function isPastExpiry(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
