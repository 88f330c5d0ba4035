import { describe, expect, it } from 'vitest';
import { sleepUntil, WALL_CLOCK_CHECK_MS } from '../../../src/lib/sleep-until.js';
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
  it('waits with one timer until the moment, the wall clock read every WALL_CLOCK_CHECK_MS meanwhile', async () => {
    const clock = new FakeClock();
    const at = clock.now() + 2 * WALL_CLOCK_CHECK_MS + 1_234;
    const waiting = sleepUntil(clock, at);
    expect(await settled(waiting)).toBe(false);
    expect(clock.requested).toEqual([WALL_CLOCK_CHECK_MS, at - clock.now()]);
    clock.advanceTo(at - 1);
    expect(await settled(waiting)).toBe(false);
    clock.advanceTo(at);
    expect(await settled(waiting)).toBe(true);
    // Nothing waits any more: no check either, so nothing keeps a finished process alive.
    expect(clock.pending).toBe(0);
  });

  it('reads the wall clock once per check however many waits there are', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const waits = Array.from({ length: 1_000 }, (_, i) => sleepUntil(clock, start + 3_600_000 + i * 1000));
    expect(clock.pending).toBe(1_001);
    for (let check = 1; check <= 10; check++) {
      clock.advanceTo(start + check * WALL_CLOCK_CHECK_MS);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // 1,000 timers for the waits themselves, and one check every 30 s (not 1,000 of them).
    expect(clock.requested.filter((ms) => ms === WALL_CLOCK_CHECK_MS)).toHaveLength(11);
    expect(clock.requested).toHaveLength(1_011);
    clock.advanceTo(start + 3_600_000 + 1_000_000);
    await Promise.all(waits);
    expect(clock.pending).toBe(0);
  });

  it('resolves at once, without a timer, when the moment has passed', async () => {
    const clock = new FakeClock();
    await sleepUntil(clock, clock.now());
    await sleepUntil(clock, clock.now() - 60_000);
    expect(clock.requested).toEqual([]);
  });

  it('notices a wall clock that jumps past the moment within one check, for every wait', async () => {
    const clock = new JumpingClock(new FakeClock());
    const first = sleepUntil(clock, clock.now() + 40 * 60_000);
    const second = sleepUntil(clock, clock.now() + 45 * 60_000);
    const later = sleepUntil(clock, clock.now() + 3 * 60 * 60_000);
    clock.jump(50 * 60_000);
    clock.timers.advance(WALL_CLOCK_CHECK_MS - 1);
    expect(await settled(first)).toBe(false);
    clock.timers.advance(1);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    expect(await settled(later)).toBe(false);
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
