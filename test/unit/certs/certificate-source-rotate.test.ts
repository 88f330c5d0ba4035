import { describe, expect, it } from 'vitest';
import { harness, useSourceSuite } from './support/source-harness.js';

const { ca, signal, stop } = useSourceSuite();

describe('CertificateSource.rotate', () => {
  it('re-issues at once instead of waiting for the renewal, then schedules from the new certificate', async () => {
    const h = harness(ca());
    const running = h.source.run(signal());
    const first = await h.events.waitFor('issued');
    const wakeAt = (await h.events.waitFor('scheduled')).renewAt;
    const rotated = await h.source.rotate();
    expect(h.clock.now()).toBeLessThan(wakeAt);
    expect(h.issuer.calls).toHaveLength(2);
    expect(rotated.serialNumber).not.toBe(first.serialNumber);
    expect(h.source.bundle.value).toBe(rotated);
    expect(h.events.of('issued')[1]).toMatchObject({ reason: 'forced', previousSerial: first.serialNumber });
    expect(h.logLines().join('')).toContain(
      `certificate web rotated: serial ${first.serialNumber} → ${rotated.serialNumber}, not after `,
    );
    // The next renewal is scheduled from the rotated certificate, not the old one.
    expect((await h.events.waitFor('scheduled', 2)).renewAt).toBe(h.source.renewAt);
    expect(h.source.renewAt).toBeGreaterThan(wakeAt - 1);
    stop();
    await running;
  });

  it('answers a burst of requests with one issuance', async () => {
    const h = harness(ca());
    const running = h.source.run(signal());
    await h.events.waitFor('issued');
    await h.clock.nextSleep();
    const bundles = await Promise.all([h.source.rotate(), h.source.rotate(), h.source.rotate()]);
    expect(new Set(bundles.map((bundle) => bundle.serialNumber)).size).toBe(1);
    expect(h.issuer.calls).toHaveLength(2);
    stop();
    await running;
  });

  it('rejects the caller when the forced issuance fails, and retries it with backoff', async () => {
    const h = harness(ca());
    const running = h.source.run(signal());
    const first = await h.events.waitFor('issued');
    await h.clock.nextSleep();
    h.issuer.faults.push(new Error('connection reset'));
    await expect(h.source.rotate()).rejects.toThrow('connection reset');
    expect(h.source.bundle.value?.serialNumber).toBe(first.serialNumber);
    expect(h.events.of('failed')[0]).toMatchObject({ reason: 'forced' });
    // The retry comes after the backoff, not at the (much later) scheduled renewal, and is still forced.
    const retryAt = await h.clock.nextSleep();
    expect(retryAt - h.clock.now()).toBeLessThanOrEqual(1_000);
    h.clock.advanceTo(retryAt);
    const second = await h.events.waitFor('issued', 2);
    expect(second).toMatchObject({ reason: 'forced', previousSerial: first.serialNumber });
    stop();
    await running;
  });

  it('a rotation asked for before the start skips adopting the stored certificate', async () => {
    const first = harness(ca());
    await first.source.ensure(signal());
    const restarted = harness(ca(), {}, { clock: first.clock, store: first.store, issuer: first.issuer });
    const rotated = restarted.source.rotate();
    const running = restarted.source.run(signal());
    const bundle = await rotated;
    expect(first.issuer.calls).toHaveLength(2);
    expect(restarted.events.events.map((event) => event.type)).toEqual(['issued']);
    expect(restarted.events.of('issued')[0]).toMatchObject({ reason: 'forced' });
    expect(bundle.serialNumber).not.toBe(first.source.bundle.value?.serialNumber);
    stop();
    await running;
  });
});
