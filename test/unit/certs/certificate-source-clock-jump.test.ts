import { describe, expect, it } from 'vitest';
import { WALL_CLOCK_CHECK_MS } from '../../../src/lib/sleep-until.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeIssuer } from './support/fake-issuer.js';
import { JumpingClock } from '../../helpers/jumping-clock.js';
import { harness, useSourceSuite } from './support/source-harness.js';

// The wall clock jumps forward while a source waits for its renewal (a VM resumed from suspend, an NTP step):
// timers keep running their length, so only a source that reads the clock again notices the renewal is due.

const { ca, signal, stop } = useSourceSuite();

describe('CertificateSource.run and a wall clock that jumps', () => {
  it('renews within one wall-clock check of timer time when the clock jumps past the renewal time', async () => {
    const timers = new FakeClock();
    const clock = new JumpingClock(timers);
    const h = harness(ca(), { clock }, { clock: timers, issuer: new FakeIssuer(ca(), () => clock.now()) });
    const running = h.source.run(signal());
    const first = await h.events.waitFor('issued');
    await timers.nextSleep();
    const waitingSince = timers.now();
    // A 1-hour certificate due at about 40 minutes: 50 minutes on is past renewAt, 10 minutes before notAfter.
    clock.jump(50 * 60_000);
    expect(clock.now()).toBeGreaterThan(first.renewAt);
    expect(clock.now()).toBeLessThan(first.notAfter);
    timers.advance(WALL_CLOCK_CHECK_MS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.issuer.calls).toHaveLength(1);
    timers.advance(1);
    // The wall-clock check ends the wait; a source that only trusted its 40-minute timer would never renew here.
    await withDeadline(h.events.waitFor('issued', 2), 3000, 'the renewal after the jump');
    expect(h.issuer.calls).toHaveLength(2);
    expect(h.events.of('issued')[1]).toMatchObject({ reason: 'renewal', previousSerial: first.serialNumber });
    expect(timers.now() - waitingSince).toBe(WALL_CLOCK_CHECK_MS);
    expect(h.source.renewAt).toBeGreaterThan(clock.now());
    stop();
    await running;
  });
});
