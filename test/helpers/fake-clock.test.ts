// The one fake clock every agent and dev-server test leans on: if it woke a sleep early, never woke one, or
// resolved a wait-for-sleep before the sleep was asked for, those tests would pass or hang for the wrong reason.

import { describe, expect, it } from 'vitest';
import type { DevClock } from '../../src/dev-server/types.js';
import type { Clock } from '../../src/lib/clock.js';
import { FakeClock } from './fake-clock.js';

const START = Date.UTC(2030, 0, 1);

/** Whether `promise` has settled by the time already-queued microtasks and one macrotask turn have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('FakeClock', () => {
  it('is both the agent Clock and the dev server DevClock', () => {
    const clock = new FakeClock(START);
    const agent: Clock = clock;
    const dev: DevClock = clock;
    expect([agent.now(), dev.now()]).toEqual([START, START]);
  });

  it('moves only when told to, in milliseconds, and never backwards', () => {
    const clock = new FakeClock(START);
    clock.advance(1500);
    expect(clock.now()).toBe(START + 1500);
    clock.advanceTo(START);
    expect(clock.now()).toBe(START + 1500);
  });

  it('wakes a sleep once time reaches its wake time, not before', async () => {
    const clock = new FakeClock(START);
    const sleep = clock.sleep(1000);
    clock.advance(999);
    expect(await settled(sleep)).toBe(false);
    clock.advance(1);
    expect(await settled(sleep)).toBe(true);
    expect(clock.requested).toEqual([1000]);
    expect(clock.pending).toBe(0);
  });

  it('rejects an aborted sleep with the reason and forgets it', async () => {
    const clock = new FakeClock(START);
    const controller = new AbortController();
    const sleep = clock.sleep(1000, controller.signal);
    expect(clock.pending).toBe(1);
    controller.abort(new Error('stop'));
    await expect(sleep).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
  });

  it('nextSleep waits for a sleep to be asked for, then answers the earliest wake time', async () => {
    const clock = new FakeClock(START);
    const next = clock.nextSleep();
    expect(await settled(next)).toBe(false);
    void clock.sleep(5000);
    expect(await next).toBe(START + 5000);
    void clock.sleep(2000);
    expect(await clock.nextSleep()).toBe(START + 2000);
  });

  it('nextSleep(withinMs) ignores sleeps due later, and waits for one due within the horizon', async () => {
    const clock = new FakeClock(START);
    void clock.sleep(3_600_000);
    const soon = clock.nextSleep(30_000);
    expect(await settled(soon)).toBe(false);
    void clock.sleep(30_001);
    expect(await settled(soon)).toBe(false);
    void clock.sleep(29_000);
    expect(await soon).toBe(START + 29_000);
  });

  it('nextSleep answers from the sleeps waiting when it is called, even if one is aborted right after', async () => {
    // The token lifecycle aborts its sleep when woken early; a test that asked for the wake time first must get it.
    const clock = new FakeClock(START);
    const controller = new AbortController();
    clock.sleep(1000, controller.signal).catch(() => undefined);
    const next = clock.nextSleep();
    controller.abort();
    expect(await next).toBe(START + 1000);
  });

  it('waitForPending and waitForSleeps resolve on the sleep that reaches the count, not earlier', async () => {
    const clock = new FakeClock(START);
    const two = clock.waitForPending(2);
    const three = clock.waitForSleeps(3);
    void clock.sleep(1000);
    expect(await settled(two)).toBe(false);
    void clock.sleep(1000);
    expect(await settled(two)).toBe(true);
    clock.advance(1000);
    expect(clock.pending).toBe(0);
    expect(await settled(three)).toBe(false);
    void clock.sleep(1000);
    expect(await settled(three)).toBe(true);
  });
});
