import type { CertificateBundle } from './bundle.js';

interface Waiter {
  readonly resolve: (bundle: CertificateBundle) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Forced-rotation requests of one certificate (SIGUSR1, `certagent rotate`), coalesced: every request made before
 * an issuance starts is answered by that issuance, so a burst of signals re-issues once, while a request made
 * during an issuance gets one of its own (its key must be newer than the request). A failed forced issuance
 * rejects its callers and stays requested, so the source retries it with its usual backoff.
 */
export class RotationRequests {
  #waiters: Waiter[] = [];
  #retry = false;
  #wake = new AbortController();

  /** Whether the next issuance is a forced one. */
  get requested(): boolean {
    return this.#waiters.length > 0 || this.#retry;
  }

  /** Aborts when a rotation is requested: cuts the wait until the scheduled renewal short. */
  get wakeSignal(): AbortSignal {
    return this.#wake.signal;
  }

  /** Asks for a new certificate now; resolves with it once issued, rejects if that issuance fails. */
  request(): Promise<CertificateBundle> {
    const promise = new Promise<CertificateBundle>((resolve, reject) =>
      this.#waiters.push({ resolve, reject }),
    );
    // A fire-and-forget request (SIGUSR1) must not become an unhandled rejection; callers may still catch it.
    promise.catch(() => undefined);
    this.#wake.abort(new DOMException('rotation requested', 'AbortError'));
    return promise;
  }

  /** An issuance is starting: it answers every request made so far. Returns how it ended, to call once. */
  take(): { forced: boolean; settle(outcome: { bundle: CertificateBundle } | { error: unknown }): void } {
    const batch = this.#waiters;
    const forced = batch.length > 0 || this.#retry;
    this.#waiters = [];
    this.#retry = false;
    if (this.#wake.signal.aborted) this.#wake = new AbortController();
    return {
      forced,
      settle: (outcome) => {
        if ('bundle' in outcome) for (const waiter of batch) waiter.resolve(outcome.bundle);
        else {
          if (forced) this.#retry = true;
          for (const waiter of batch) waiter.reject(outcome.error);
        }
      },
    };
  }
}
