import { describe, expect, it } from 'vitest';
import { sleepUntil, WALL_CLOCK_SLICE_MS } from '../../../src/lib/sleep-until.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { JumpingClock } from '../../helpers/jumping-clock.js';

/** Whether the promise has settled, once every pending continuation has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('sleepUntil', () => {
  it('waits in slices of at most WALL_CLOCK_SLICE_MS and resolves when the moment is reached', async () => {
    const clock = new FakeClock();
    const at = clock.now() + 2 * WALL_CLOCK_SLICE_MS + 1_234;
    const waiting = sleepUntil(clock, at);
    for (let slice = 0; slice < 3; slice++) {
      expect(await settled(waiting)).toBe(false);
      clock.advanceTo(await clock.nextSleep());
    }
    await waiting;
    expect(clock.now()).toBe(at);
    expect(clock.requested).toEqual([WALL_CLOCK_SLICE_MS, WALL_CLOCK_SLICE_MS, 1_234]);
  });

  it('resolves at once, without a timer, when the moment has passed', async () => {
    const clock = new FakeClock();
    await sleepUntil(clock, clock.now());
    await sleepUntil(clock, clock.now() - 60_000);
    expect(clock.requested).toEqual([]);
  });

  it('notices a wall clock that jumps past the moment within one slice', async () => {
    const clock = new JumpingClock(new FakeClock());
    const waiting = sleepUntil(clock, clock.now() + 40 * 60_000);
    await clock.timers.nextSleep();
    clock.jump(50 * 60_000);
    clock.timers.advance(WALL_CLOCK_SLICE_MS);
    expect(await settled(waiting)).toBe(true);
    expect(clock.timers.pending).toBe(0);
  });

  it('waits longer by as much when the wall clock is set back', async () => {
    const timers = new FakeClock();
    const clock = new JumpingClock(timers);
    const start = timers.now();
    const at = clock.now() + 60_000;
    const waiting = sleepUntil(clock, at);
    await timers.nextSleep();
    clock.jump(-60_000);
    while (!(await settled(waiting))) timers.advanceTo(await timers.nextSleep());
    expect(timers.now() - start).toBe(120_000);
    expect(clock.now()).toBe(at);
  });

  it("rejects with the signal's reason when it aborts, leaving no timer behind", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const waiting = sleepUntil(clock, clock.now() + 3_600_000, controller.signal);
    await clock.nextSleep();
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(clock.pending).toBe(0);
  });
});
