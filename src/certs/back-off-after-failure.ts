// What a certificate source does after an attempt to obtain failed: decide how long to wait, say so (one log line
// and a `failed` event, which metrics and health count), then wait. Kept apart from the source so the source reads
// as its schedule (adopt, obtain, renew) and this file as its one failure path.

import type { Logger } from 'pino';
import type { BackoffPolicy } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { CertificateCheckError } from './cert-errors.js';
import type { CertificateEvent, IssueReason } from './certificate-events.js';
import { certificateRetryDelay, retryAfterOf } from './retry-delay.js';

/** What backing off needs from its source. */
export interface BackOffContext {
  readonly certificate: string;
  readonly clock: Clock;
  readonly backoff: BackoffPolicy;
  readonly random: () => number;
  readonly log: Logger;
  /** Reports an event; must not throw. */
  readonly emit: (event: CertificateEvent) => void;
}

/** One failed attempt. */
export interface FailedAttempt {
  readonly error: unknown;
  /** 1 for the first failure in a row. */
  readonly attempt: number;
  /** Why the failed issuance was asked for. */
  readonly reason: IssueReason;
  /** notAfter of the bundle still published, if any: the wait never eats up the time it has left. */
  readonly notAfter: number | undefined;
}

/**
 * Logs and reports a failed attempt, then waits before the next one. Returns false when the signal aborted the
 * wait (the source is stopping). A failed check is permanent (asking again the same way is not expected to help),
 * so it waits the longest the time left allows instead of retrying at once.
 */
export async function backOffAfterFailure(
  context: BackOffContext,
  failed: FailedAttempt,
  signal: AbortSignal,
): Promise<boolean> {
  const { clock, backoff, random, log } = context;
  const { error, attempt, notAfter } = failed;
  const permanent = error instanceof CertificateCheckError;
  const delay = certificateRetryDelay(
    { attempt, permanent, policy: backoff, now: clock.now(), notAfter, retryAfterMs: retryAfterOf(error) },
    random,
  );
  // The raw error: the logger's serializer keeps its type, stable code, status and cause chain.
  log.error(
    { error, attempt, retry_in_ms: Math.round(delay) },
    permanent ? 'certificate rejected' : 'certificate request failed',
  );
  context.emit({
    type: 'failed',
    certificate: context.certificate,
    reason: failed.reason,
    error,
    retryInMs: delay,
  });
  try {
    await clock.sleep(delay, signal);
    return true;
  } catch (sleepError) {
    if (signal.aborted) return false;
    throw sleepError;
  }
}
