// WakeUp is where the token lifecycle waits for its next renewal or login: an outside event ends the wait early,
// and a wall-clock jump (a VM resumed from suspend) is noticed within one slice instead of after the whole timer.

import { describe, expect, it } from 'vitest';
import { WakeUp } from '../../../src/auth/wake-up.js';
import { WALL_CLOCK_CHECK_MS } from '../../../src/lib/sleep-until.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { JumpingClock } from '../../helpers/jumping-clock.js';

describe('WakeUp', () => {
  it('times out when the wall clock jumps past the due time, within one slice of timers', async () => {
    const timers = new FakeClock(0);
    const clock = new JumpingClock(timers);
    const wake = new WakeUp<'changed'>();
    let result: string | undefined;
    const waiting = wake.wait(clock, 30 * 60_000, new AbortController().signal).then((r) => (result = r));
    await timers.nextSleep();
    clock.jump(60 * 60_000); // the machine slept for an hour
    timers.advance(WALL_CLOCK_CHECK_MS);
    await waiting;
    expect(result).toBe('timeout');
    expect(timers.now()).toBe(WALL_CLOCK_CHECK_MS);
  });

  it('waits the whole time when the clock does not jump, and an event ends it early', async () => {
    const clock = new FakeClock(0);
    const wake = new WakeUp<'changed'>();
    const signal = new AbortController().signal;
    const first = wake.wait(clock, 90_000, signal);
    await clock.nextSleep();
    clock.advance(60_000);
    let settled = false;
    void first.then(() => (settled = true));
    await clock.nextSleep();
    expect(settled).toBe(false);
    clock.advance(30_000);
    expect(await first).toBe('timeout');

    const second = wake.wait(clock, 90_000, signal);
    await clock.nextSleep();
    wake.wake('changed');
    expect(await second).toBe('changed');
  });
});
