// Runs a lifecycle's fake clock forward one wake-up at a time until `end`, or until the lifecycle waits for a new
// token (it then has no timer left to advance to). Shared by the tests that follow a token over hours or an outage.

import { withDeadline } from '../../../helpers/deadline.js';
import type { FakeClock } from '../../../helpers/fake-clock.js';
import type { LogLines } from '../../../helpers/log-lines.js';

/** True when the lifecycle logged "waiting for a new token" before `end`. */
export async function runUntilWaiting(clock: FakeClock, log: LogLines, end: number): Promise<boolean> {
  const waiting = log.line((line) => line.msg === 'waiting for a new token', 'waiting for a new token');
  let waited = false;
  void waiting.then(() => (waited = true)).catch(() => undefined);
  while (clock.now() < end && !waited) {
    // Each wait is the wait itself and the wall-clock check beside it: two pending sleeps.
    const wake = await withDeadline(
      Promise.race([clock.waitForPending(2).then(() => clock.nextSleep()), waiting.then(() => undefined)]),
      3000,
      'a wait',
    );
    if (wake === undefined || waited) break;
    clock.advanceTo(Math.min(wake, end));
  }
  return waited;
}
