// What to do next with the token the lifecycle holds, and when: a pure function of what is known of the token, now,
// the backoff policy, random and the method's capabilities, so every branch is tested without waiting or I/O. The
// lifecycle carries the decision out (the renewal, the login, the logs and metrics).

import type { BackoffPolicy } from '../lib/backoff.js';
import type { TokenReplacement } from './methods/auth-method.js';
import { reloginAt, tokenRenewAt, tokenRetryDelay } from './token-schedule.js';

/** What the lifecycle knows of the token it holds. */
export interface TokenFacts {
  /** ms since the epoch; null for a token that never expires. */
  readonly expiresAt: number | null;
  /** False once Vault said it cannot be renewed further (the max TTL is near, or it never could be). */
  readonly renewable: boolean;
  /** The last lease Vault granted, in ms: a new login leaves room for retries in proportion to it. */
  readonly leaseMs: number;
  /** Renewals that failed in a row (passing failures: Vault down, 5xx, 429). */
  readonly failures: number;
  /** The Retry-After of the last failed renewal, in seconds, when Vault sent one. */
  readonly retryAfterSeconds?: number | undefined;
}

/** What the decision depends on besides the token. */
export interface DecisionContext {
  readonly now: number;
  readonly policy: BackoffPolicy;
  readonly random: () => number;
  /** Where a new token comes from (the method's capability). */
  readonly replacement: TokenReplacement;
}

/**
 * For a token that still works, or has just expired (a refused one is replaced by the lifecycle's loop, never
 * decided on):
 * - `renew`: renew the token at `at` (half its remaining TTL, or sooner after a failed renewal);
 * - `relogin`: log in again at `at`, before the token expires (it can no longer be renewed), or now once it has;
 * - `expire`: nothing can replace the token before it expires at `at`, except a new one from outside (`at` is now
 *   once it has expired);
 * - `keep`: the token never expires; nothing to do until something happens (`at` is Infinity).
 */
export type TokenStep = 'renew' | 'relogin' | 'expire' | 'keep';

/** The next step and when it is due (ms since the epoch; Infinity when only an event ends the wait). */
export interface TokenDecision {
  readonly next: TokenStep;
  readonly at: number;
}

/** Decides what to do next with the token described by `token`. */
export function decideToken(token: TokenFacts, context: DecisionContext): TokenDecision {
  const { now, policy, random, replacement } = context;
  const { expiresAt } = token;
  if (expiresAt === null) return { next: 'keep', at: Number.POSITIVE_INFINITY };
  // Already expired (renewals kept failing until it did): renewing a dead token can only fail, so retrying it would
  // never end. A login replaces it now (with the login backoff); otherwise the expiry is logged now and the
  // lifecycle waits for a new token.
  if (expiresAt <= now) return { next: replacement === 'login' ? 'relogin' : 'expire', at: now };
  if (token.renewable) {
    const at =
      token.failures > 0
        ? now + tokenRetryDelay(token.failures, policy, random, expiresAt - now, token.retryAfterSeconds)
        : tokenRenewAt(now, expiresAt, random);
    return { next: 'renew', at };
  }
  // At the max TTL: only a login can replace the token before it expires. A token file may be rewritten before
  // then (its watcher wakes the lifecycle), but the agent cannot make that happen.
  if (replacement === 'login')
    return { next: 'relogin', at: reloginAt(now, expiresAt, token.leaseMs, policy, random) };
  return { next: 'expire', at: expiresAt };
}
