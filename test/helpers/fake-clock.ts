import type { Clock } from '../../src/lib/clock.js';

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * A clock that moves only when the test says so. Sleeps wait until `advanceTo` passes their wake time; a test
 * learns that the code under test has started waiting through `nextSleep`, so nothing needs a real sleep.
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #watchers: (() => void)[] = [];
  /** Every wait asked for, in ms, in order. */
  readonly requested: number[] = [];

  constructor(start = Date.UTC(2030, 0, 1, 0, 0, 0, 250)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = {
        wakeAt: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((entry) => entry !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      for (const watch of this.#watchers.splice(0)) watch();
    });
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** Resolves with the earliest wake time once at least one sleep is waiting (at once if one already is). */
  async nextSleep(): Promise<number> {
    while (this.#sleepers.length === 0) await new Promise<void>((resolve) => this.#watchers.push(resolve));
    return Math.min(...this.#sleepers.map((sleeper) => sleeper.wakeAt));
  }

  /** Moves time to `ms` (never backwards) and wakes every sleep due by then. */
  advanceTo(ms: number): void {
    this.#now = Math.max(this.#now, ms);
    const due = this.#sleepers.filter((sleeper) => sleeper.wakeAt <= this.#now);
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper.wakeAt > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }
}
