/** How retries are spaced: exponential from `minMs`, doubling, capped at `maxMs`. */
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
}

/**
 * The agent's one retry spacing for calls to Vault (logins, token renewals, certificates, KV reads): from one second,
 * doubling, never more than five minutes apart, as Vault Agent's auto-auth defaults. `auto_auth.method` may override
 * it for logins; other callers derive theirs from it.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ minMs: 1000, maxMs: 5 * 60_000 });

/**
 * The wait before retry number `attempt` (1 for the first retry): min × 2^(attempt-1), capped at max, then trimmed
 * by up to 25% at random (never lengthened, as Vault Agent's backoff does) so a fleet does not retry in step.
 * `capMs` bounds the result further, e.g. by the time a certificate or token has left.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
  capMs = Number.POSITIVE_INFINITY,
): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(exponent, 52));
  const jittered = base * (1 - 0.25 * random());
  return Math.max(0, Math.min(jittered, capMs));
}

/**
 * Vault asked for a pause (Retry-After): wait at least that long, but never past `ceiling` — what the time left
 * allows: a certificate or token about to lapse is worth one early request more than a lapse.
 */
export function withRetryAfter(delay: number, retryAfterMs: number | undefined, ceiling: number): number {
  return Math.max(delay, Math.min(retryAfterMs ?? 0, ceiling));
}
