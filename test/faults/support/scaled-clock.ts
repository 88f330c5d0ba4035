// Time compression for long fault scenarios: a clock that runs `factor` times faster than the wall clock, shared
// by the agent and the in-process dev server, so a 60 s outage takes 60/factor real seconds while every part
// still sees a consistent, monotonic time. Everything that is not timed through it (HTTP round trips, key
// generation, exec timeouts) keeps its real duration, which the scaled clock magnifies: scenarios that depend on
// such real durations run with factor 1.

import type { Clock } from '../../../src/lib/clock.js';
import { systemClock } from '../../../src/lib/clock.js';

/**
 * How much faster than real time the time-compressed scenarios run. 5 keeps a loaded two-core machine's
 * scheduling delays (magnified by the factor) well inside every bound the scenarios check.
 */
export const TIME_FACTOR = 5;

export class ScaledClock implements Clock {
  readonly factor: number;
  readonly #realStart = performance.now();
  #offsetMs: number;

  constructor(factor: number, start = Date.now()) {
    this.factor = factor;
    this.#offsetMs = start;
  }

  now(): number {
    return Math.floor(this.#offsetMs + (performance.now() - this.#realStart) * this.factor);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms / this.factor, signal);
  }

  /** Waits `ms` of this clock's time (for the test itself). */
  wait(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /**
   * Moves the wall-clock reading forward by `ms` without touching the timers already running, as an NTP step or
   * a resumed VM does to a process: sleeps keep their monotonic duration, `now()` jumps.
   */
  jump(ms: number): void {
    this.#offsetMs += ms;
  }
}

/**
 * Polls `probe` every `intervalMs` of real time until it returns a value (not undefined/false), or throws after
 * `timeoutMs` of the clock's time; returns the value and when (clock time) it was seen.
 */
export async function pollUntil<T>(
  clock: Clock,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<{ value: T; at: number }> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    const at = clock.now();
    if (value !== undefined && value !== false) return { value, at };
    if (at > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s (agent time) waiting for ${what}`);
    await systemClock.sleep(intervalMs);
  }
}
