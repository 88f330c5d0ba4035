// Waiting for a moment on the wall clock (a certificate or token renewal) with timers, which measure elapsed
// (monotonic) time: when the wall clock jumps forward (a VM resumed from suspend, an NTP step), a timer still runs
// its full length and the renewal time (perhaps notAfter too) passes unnoticed. Each wait keeps its one timer; one
// watcher per clock reads the wall clock every WALL_CLOCK_CHECK_MS and ends every wait whose moment has passed. So a
// jump is noticed within that long, and an agent with 1,000 certificates wakes once per check, not 1,000 times.

import type { Clock } from './clock.js';

/**
 * How often the wall clock is read while anything waits on it. Half a minute: a 1-hour certificate jumped to 10
 * minutes before notAfter is renewed well within a minute, and one wake-up per 30 s is nothing for an idle agent.
 */
export const WALL_CLOCK_CHECK_MS = 30_000;

interface Waiter {
  readonly at: number;
  readonly wake: () => void;
}

/** The waits on one clock and the single timer that checks them against its wall time. */
class WallClockWatch {
  readonly #clock: Clock;
  readonly #waiters = new Set<Waiter>();
  #ticker: AbortController | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  add(waiter: Waiter): void {
    this.#waiters.add(waiter);
    if (this.#ticker === undefined) void this.#tick((this.#ticker = new AbortController()).signal);
  }

  delete(waiter: Waiter): void {
    this.#waiters.delete(waiter);
    if (this.#waiters.size > 0) return;
    // Nothing waits: no timer either, so a finished `run --once` exits and a test's clock has nothing pending.
    this.#ticker?.abort();
    this.#ticker = undefined;
  }

  async #tick(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(WALL_CLOCK_CHECK_MS, signal);
      } catch {
        return; // aborted: the last waiter left
      }
      const now = this.#clock.now();
      for (const waiter of this.#waiters) if (now >= waiter.at) waiter.wake();
    }
  }
}

const watches = new WeakMap<Clock, WallClockWatch>();
const WOKEN = Symbol('the wall clock passed the moment');

/**
 * Resolves once `clock.now()` has reached `at` (ms since the epoch); at once if it already has. Rejects with the
 * signal's reason if it aborts first. A clock set back makes the wait longer by as much: certificate and token times
 * are wall-clock times, so the renewal time is still when it should happen.
 */
export async function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  let watch = watches.get(clock);
  if (watch === undefined) watches.set(clock, (watch = new WallClockWatch(clock)));
  while (clock.now() < at) {
    signal?.throwIfAborted();
    const inner = new AbortController();
    const onAbort = (): void => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const waiter: Waiter = { at, wake: () => inner.abort(WOKEN) };
    watch.add(waiter);
    try {
      await clock.sleep(at - clock.now(), inner.signal);
    } catch (error) {
      if (inner.signal.reason !== WOKEN) throw error;
    } finally {
      watch.delete(waiter);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
