import type { DevClock } from '../../src/dev-server/types.js';
import type { Clock } from '../../src/lib/clock.js';

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * The one fake clock of the tests. Time moves only when the test says so: sleeps wait until `advanceTo` passes
 * their wake time, and a test learns that the code under test has started waiting through `nextSleep`,
 * `waitForSleeps` or `waitForPending`, so nothing needs a real sleep or a real-time poll.
 *
 * It is the agent's `Clock` and the dev server's `DevClock` at once, so an agent and an in-process dev server can
 * share it and agree on when a token or certificate expires. The dev server's clock type stays its own (it must
 * not depend on the agent): this class satisfies both structurally.
 */
export class FakeClock implements Clock, DevClock {
  #now: number;
  #sleepers: Sleeper[] = [];
  /** Woken (and dropped) on every change: a sleep asked for, a sleep woken or aborted. */
  #watchers: (() => void)[] = [];
  /** Every wait asked for, in ms, in order. */
  readonly requested: number[] = [];

  /** Starts at `start` ms since the epoch; the default is off the second on purpose, to catch rounding. */
  constructor(start = Date.UTC(2030, 0, 1, 0, 0, 0, 250)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        this.#changed();
        return reject(signal.reason);
      }
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
        this.#changed();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#changed();
    });
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /**
   * Resolves with the earliest wake time once a sleep is waiting (at once if one already is). With `withinMs`,
   * only a sleep due within that many ms of now counts: in a whole agent, where a certificate sleeps until its
   * renewal hours away, `nextSleep(30_000)` waits for the render loop's retry without skipping to the renewal.
   */
  async nextSleep(withinMs = Number.POSITIVE_INFINITY): Promise<number> {
    const due = (): number[] =>
      this.#sleepers.map((sleeper) => sleeper.wakeAt).filter((wakeAt) => wakeAt - this.#now <= withinMs);
    // Read in the same turn as the check: an await in between could let the sleep be aborted, leaving none.
    while (due().length === 0) await this.#nextChange();
    return Math.min(...due());
  }

  /** Resolves once at least `count` sleeps are waiting at the same time (several parts asleep on one clock). */
  waitForPending(count = 1): Promise<void> {
    return this.#until(() => this.#sleepers.length >= count);
  }

  /** Resolves once `count` sleeps have been asked for in all, since the clock was made (see `requested`). */
  waitForSleeps(count: number): Promise<void> {
    return this.#until(() => this.requested.length >= count);
  }

  /** Moves time to `ms` (never backwards) and wakes every sleep due by then. */
  advanceTo(ms: number): void {
    this.#now = Math.max(this.#now, ms);
    const due = this.#sleepers.filter((sleeper) => sleeper.wakeAt <= this.#now);
    if (due.length === 0) return;
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper.wakeAt > this.#now);
    for (const sleeper of due) sleeper.resolve();
    this.#changed();
  }

  /** Moves time forward by `ms` (milliseconds, as everything on this clock). */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Resolves once `done()` holds, checking it on every change of the sleepers rather than on a timer. */
  async #until(done: () => boolean): Promise<void> {
    while (!done()) await this.#nextChange();
  }

  #nextChange(): Promise<void> {
    return new Promise<void>((resolve) => this.#watchers.push(resolve));
  }

  #changed(): void {
    for (const watch of this.#watchers.splice(0)) watch();
  }
}
