// When a certificate request fails: ensure() makes one attempt and says what failed; run() keeps the bundle it has
// and retries with a backoff that doubles, is capped by the time the certificate has left, resets after a success,
// and never lets a certificate that fails its checks, or a very short one, turn into a hot loop.

import { describe, expect, it } from 'vitest';
import { CertificateCheckError } from '../../../src/certs/cert-errors.js';
import { WALL_CLOCK_CHECK_MS } from '../../../src/lib/sleep-until.js';
import { CONFIG, harness, useSourceSuite } from './support/source-harness.js';

const { ca, signal, stop } = useSourceSuite();

describe('CertificateSource.ensure after a failure', () => {
  it('makes one attempt and throws what failed (no retry loop)', async () => {
    const h = harness(ca());
    h.issuer.faults.push(new Error('vault is sealed'));
    await expect(h.source.ensure(signal())).rejects.toThrow('vault is sealed');
    expect(h.issuer.calls).toHaveLength(1);
    expect(h.source.bundle.value).toBeUndefined();
    expect(h.clock.requested).toEqual([]);
  });
});

describe('CertificateSource.run: retries', () => {
  it('backs off exponentially on failure, capped by the time left, keeping the old bundle', async () => {
    const h = harness(ca(), { backoff: { minMs: 1_000, maxMs: 3_600_000 } });
    const running = h.source.run(signal());
    await h.events.waitFor('issued');
    const old = h.source.bundle.value;
    h.issuer.faults.push(...Array.from({ length: 20 }, () => new Error('connection reset')));
    h.clock.advanceTo((await h.events.waitFor('scheduled')).renewAt);
    const delays: number[] = [];
    const caps: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      const failed = await h.events.waitFor('failed', attempt);
      caps.push(Math.floor(((old?.notAfter ?? 0) - h.clock.now()) / 10));
      expect(h.source.bundle.value).toBe(old);
      delays.push(failed.retryInMs);
      const wakeAt = await h.clock.nextSleep();
      expect(wakeAt).toBe(h.clock.now() + failed.retryInMs);
      h.clock.advanceTo(wakeAt);
    }
    // Doubling from 1 s (random = 0: no jitter) until a tenth of the time left is the limit, about 2 minutes
    // for a 1-hour certificate renewed at 2/3 (the policy's own cap here is an hour).
    expect(delays.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
    expect(delays.slice(7)).toEqual(caps.slice(7));
    expect(Math.max(...delays)).toBeLessThan(120_000);
    expect(h.events.of('failed')[0]?.error).toBeInstanceOf(Error);
    expect(h.logLines().some((line) => line.includes('"msg":"certificate request failed"'))).toBe(true);
    stop();
    await running;
  });

  it('recovers after failures and resets the backoff', async () => {
    const h = harness(ca());
    h.issuer.faults.push(new Error('503'), new Error('503'));
    const running = h.source.run(signal());
    await h.events.waitFor('failed', 1);
    h.clock.advanceTo(await h.clock.nextSleep());
    await h.events.waitFor('failed', 2);
    expect(h.events.of('failed').map((event) => event.retryInMs)).toEqual([1_000, 2_000]);
    h.clock.advanceTo(await h.clock.nextSleep());
    await h.events.waitFor('issued');
    expect(h.issuer.calls).toHaveLength(3);
    // Back to waiting for the renewal, not for another retry.
    expect((await h.events.waitFor('scheduled')).renewAt).toBe(h.source.renewAt);
    expect(await h.clock.nextSleep()).toBe(h.clock.now() + WALL_CLOCK_CHECK_MS);
    stop();
    await running;
  });

  it('does not hot-loop on a certificate that fails its checks: it waits the longest backoff (30 s with nothing valid)', async () => {
    const h = harness(ca());
    h.issuer.faults.push((issued) => ({ ...issued, caChain: [], issuingCa: '' }));
    const running = h.source.run(signal());
    const failed = await h.events.waitFor('failed');
    expect(failed.error).toBeInstanceOf(CertificateCheckError);
    expect(failed.retryInMs).toBe(30_000);
    expect(await h.clock.nextSleep()).toBe(h.clock.now() + 30_000);
    expect(h.issuer.calls).toHaveLength(1);
    expect(h.logLines().some((line) => line.includes('"msg":"certificate rejected"'))).toBe(true);
    h.clock.advance(30_000);
    await h.events.waitFor('issued');
    expect(h.issuer.calls).toHaveLength(2);
    stop();
    await running;
  });

  it('never renews sooner than the minimum backoff after the last issuance', async () => {
    const h = harness(ca(), {
      config: { ...CONFIG, ttlMs: 1_000 },
      backoff: { minMs: 5_000, maxMs: 60_000 },
    });
    const running = h.source.run(signal());
    const issued = await h.events.waitFor('issued');
    const obtainedAt = h.source.bundle.value?.obtainedAt ?? 0;
    expect(issued.renewAt).toBeLessThan(obtainedAt + 5_000);
    expect(await h.clock.nextSleep()).toBe(obtainedAt + 5_000);
    stop();
    await running;
  });
});
