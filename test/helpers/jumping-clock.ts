import type { Clock } from '../../src/lib/clock.js';
import type { FakeClock } from './fake-clock.js';

/**
 * A FakeClock seen through a wall clock that can jump, as a resumed VM or an NTP step makes it: timers keep
 * their length (they measure elapsed time, which `timers` drives), while `now()` moves by every jump.
 */
export class JumpingClock implements Clock {
  readonly timers: FakeClock;
  #offsetMs = 0;

  constructor(timers: FakeClock) {
    this.timers = timers;
  }

  now(): number {
    return this.timers.now() + this.#offsetMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.timers.sleep(ms, signal);
  }

  /** Moves the wall clock by `ms` (negative: back) without touching the running timers. */
  jump(ms: number): void {
    this.#offsetMs += ms;
  }
}
