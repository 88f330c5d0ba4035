// Waiting for a moment on the wall clock (a certificate or token renewal) with timers, which measure elapsed
// (monotonic) time: when the wall clock jumps forward (a VM resumed from suspend, an NTP step), one long timer still
// runs its full length and the renewal time (perhaps notAfter too) passes unnoticed. Waiting in short slices and
// reading the clock again after each notices a jump within one slice.

import type { Clock } from './clock.js';

/**
 * The longest single timer while waiting for a wall-clock moment, so a jump is noticed within this long. Half a
 * minute, not a whole one: a 1-hour certificate jumped to 10 minutes before notAfter is then renewed well within
 * a minute, and a wakeup every 30 s per certificate costs nothing.
 */
export const WALL_CLOCK_SLICE_MS = 30_000;

/**
 * Resolves once `clock.now()` has reached `at` (ms since the epoch); at once if it already has. Rejects with the
 * signal's reason if it aborts first. A clock set back makes the wait longer by as much: certificate times are
 * wall-clock times, so the renewal time is still when it should happen.
 */
export async function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  for (let left = at - clock.now(); left > 0; left = at - clock.now()) {
    await clock.sleep(Math.min(left, WALL_CLOCK_SLICE_MS), signal);
  }
}
