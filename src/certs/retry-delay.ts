import { backoffDelay, type BackoffPolicy } from '../lib/backoff.js';

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
}

/** The share of a certificate's remaining life one retry wait may use: about ten attempts fit before expiry. */
export const RETRY_SHARE_OF_TIME_LEFT = 0.1;

/**
 * How long to wait before trying again: exponential backoff with jitter, but never more than a tenth of the time
 * the current certificate has left (a 1-hour certificate renewed at 2/3 is retried at least every 2 minutes,
 * whatever max_backoff says), and never less than the policy's minimum, so Vault is not hammered near expiry.
 * A permanent failure starts at the longest wait instead of the shortest.
 */
export function retryDelay(input: RetryInput, random: () => number): number {
  const { policy } = input;
  const left = input.notAfter === undefined ? 0 : input.notAfter - input.now;
  const cap = left > 0 ? Math.max(policy.minMs, left * RETRY_SHARE_OF_TIME_LEFT) : Number.POSITIVE_INFINITY;
  const attempt = input.permanent ? Number.MAX_SAFE_INTEGER : input.attempt;
  // Whole milliseconds: the delay is logged and reported, and flooring can never exceed the cap.
  return Math.floor(backoffDelay(attempt, policy, random, cap));
}
