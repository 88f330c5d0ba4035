import type { Clock } from '../lib/clock.js';
import { sleepUntil } from '../lib/sleep-until.js';

/**
 * Lets outside events (a token file changed, a consumer got a 403) cut a timed wait short. An event that arrives
 * while nobody waits is kept and ends the next wait at once, so it is never lost.
 */
export class WakeUp<R extends string> {
  #pending: R | undefined;
  #resolve: ((reason: R) => void) | undefined;

  /** Ends the current (or next) wait with `reason`; a later reason replaces an earlier one not yet seen. */
  wake(reason: R): void {
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve(reason);
    } else this.#pending = reason;
  }

  /** Waits `ms` (Infinity: until woken) and resolves with `timeout` or the reason it was woken for. */
  async wait(clock: Clock, ms: number, signal: AbortSignal): Promise<R | 'timeout'> {
    signal.throwIfAborted();
    if (this.#pending !== undefined) {
      const reason = this.#pending;
      this.#pending = undefined;
      return reason;
    }
    const inner = new AbortController();
    const onAbort = (): void => inner.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const woken = new Promise<R>((resolve) => (this.#resolve = resolve));
      const waits: Promise<R | 'timeout'>[] = [woken];
      // In wall-clock slices: a token renewal due in 30 min must not sleep through a suspend that used them up.
      if (Number.isFinite(ms))
        waits.push(
          sleepUntil(clock, clock.now() + Math.max(0, ms), inner.signal).then(() => 'timeout' as const),
        );
      const aborted = new Promise<never>((_, reject) => {
        if (inner.signal.aborted) reject(inner.signal.reason);
        inner.signal.addEventListener('abort', () => reject(inner.signal.reason), { once: true });
      });
      return await Promise.race([...waits, aborted]);
    } finally {
      this.#resolve = undefined;
      signal.removeEventListener('abort', onAbort);
      inner.abort(new DOMException('wait settled', 'AbortError'));
    }
  }
}
