import { backoffDelay, withRetryAfter, type BackoffPolicy } from '../lib/backoff.js';
import { findInCauses } from '../lib/errors.js';
import { VaultHttpError } from '../vault/vault-errors.js';

/** What a retry decision after a failed attempt depends on. */
export interface RetryInput {
  /** 1 for the first retry. */
  readonly attempt: number;
  /** The failure is not expected to go away by asking again (a failed check): wait as long as allowed. */
  readonly permanent: boolean;
  readonly policy: BackoffPolicy;
  readonly now: number;
  /** notAfter of the bundle still in use, or undefined when there is none. */
  readonly notAfter: number | undefined;
  /** Vault's Retry-After (a 429 or 503), in milliseconds, when it sent one. */
  readonly retryAfterMs?: number | undefined;
}

/** The share of a certificate's remaining life one retry wait may use: about ten attempts fit before expiry. */
export const RETRY_SHARE_OF_TIME_LEFT = 0.1;

/** The longest wait between attempts while there is no valid certificate at all (none yet, or expired). */
export const NOTHING_VALID_MAX_RETRY_MS = 30_000;

/**
 * How long to wait before trying again: exponential backoff with jitter, but never more than a tenth of the time
 * the current certificate has left (a 1-hour certificate renewed at 2/3 is retried at least every 2 minutes,
 * whatever max_backoff says), and never less than the policy's minimum, so Vault is not hammered near expiry.
 * Once there is nothing valid to serve (no certificate yet, or it expired), the ceiling becomes 30 s, jittered
 * down by up to 25 %: consumers are failing right now, so the first attempt after Vault comes back must come
 * soon, and two requests a minute are no load for Vault. A permanent failure starts at the longest wait.
 */
export function certificateRetryDelay(input: RetryInput, random: () => number): number {
  const { policy } = input;
  const left = input.notAfter === undefined ? 0 : input.notAfter - input.now;
  const attempt = input.permanent ? Number.MAX_SAFE_INTEGER : input.attempt;
  if (left <= 0) {
    // The ceiling goes into the policy (not the cap) so the jitter still spreads a fleet's retries apart.
    const urgent: BackoffPolicy = {
      minMs: Math.min(policy.minMs, NOTHING_VALID_MAX_RETRY_MS),
      maxMs: Math.min(policy.maxMs, NOTHING_VALID_MAX_RETRY_MS),
    };
    return honourRetryAfter(backoffDelay(attempt, urgent, random), input, NOTHING_VALID_MAX_RETRY_MS);
  }
  const cap = Math.max(policy.minMs, left * RETRY_SHARE_OF_TIME_LEFT);
  return honourRetryAfter(backoffDelay(attempt, policy, random, cap), input, cap);
}

/** withRetryAfter in whole milliseconds: the delay is logged and reported, and flooring never exceeds the ceiling. */
function honourRetryAfter(delay: number, input: RetryInput, ceiling: number): number {
  return Math.floor(withRetryAfter(delay, input.retryAfterMs, ceiling));
}

/** Vault's Retry-After anywhere in the error's cause chain, in milliseconds. */
export function retryAfterOf(error: unknown): number | undefined {
  return findInCauses(error, (link) =>
    link instanceof VaultHttpError && link.retryAfterSeconds !== undefined
      ? link.retryAfterSeconds * 1000
      : undefined,
  );
}
