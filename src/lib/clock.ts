import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the agent sees it. Decisions take `now()` from here and waits go through `sleep()`, so tests can
 * swap in a fake clock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    // setTimeout's delay is a 32-bit integer: longer waits are split so a 30-day certificate still works.
    const MAX = 2 ** 31 - 1;
    let left = Math.max(0, ms);
    do {
      const step = Math.min(left, MAX);
      await delay(step, undefined, { signal });
      left -= step;
    } while (left > 0);
  },
};
