import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePrivateKey } from '../../../src/certs/keys.js';
import { WALL_CLOCK_CHECK_MS } from '../../../src/lib/sleep-until.js';
import { withDeadline } from '../../helpers/deadline.js';
import { issueLeaf } from '../../helpers/test-ca.js';
import { CONFIG, harness, useSourceSuite } from './support/source-harness.js';

const { ca, signal, stop } = useSourceSuite();

describe('CertificateSource.ensure', () => {
  it('obtains, checks, saves and publishes a bundle in sign mode with one request', async () => {
    const h = harness(ca());
    const bundle = await h.source.ensure(signal());
    expect(h.issuer.calls.map((call) => call.kind)).toEqual(['sign']);
    const request = h.issuer.calls[0]?.request;
    expect(request).toMatchObject({ mount: 'pki', role: 'dev', commonName: 'web.example.com', ttl: '3600s' });
    expect(request && 'csr' in request && request.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(h.source.bundle.value).toBe(bundle);
    expect(h.store.bundles.get('web')).toBe(bundle);
    expect(bundle.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(bundle.privateKeyType).toBe('ec');
    expect(bundle.obtainedAt).toBe(h.clock.now());
    expect(bundle.altNames).toEqual(['web.example.com', 'web2.example.com']);
    expect(bundle.caChain).toEqual([ca().pem.trim()]);
    // random = 0: exactly 0.67 of the lifetime measured from obtainedAt.
    expect(h.source.renewAt).toBeCloseTo(bundle.obtainedAt + 0.67 * (bundle.notAfter - bundle.obtainedAt), 6);
    expect(h.events.events).toEqual([
      {
        type: 'issued',
        certificate: 'web',
        serialNumber: bundle.serialNumber,
        notAfter: bundle.notAfter,
        renewAt: h.source.renewAt,
        reason: 'initial',
      },
    ]);
  });

  it('logs short phrases with certificate, serial, not_after and renew_at, and never the private key', async () => {
    const h = harness(ca());
    const bundle = await h.source.ensure(signal());
    const issued = h
      .logLines()
      .map((line) => JSON.parse(line))
      .find((line) => String(line.msg).startsWith('certificate web issued: serial '));
    expect(issued).toMatchObject({
      certificate: 'web',
      serial: bundle.serialNumber,
      not_after: new Date(bundle.notAfter).toISOString(),
      renew_at: new Date(h.source.renewAt ?? 0).toISOString(),
    });
    const body = bundle.privateKey.split('\n')[1] ?? 'unreachable';
    expect(h.logLines().join('')).not.toContain(body);
    expect(h.logLines().join('')).not.toContain('PRIVATE KEY');
  });

  it('uses the key Vault made in issue mode, in the form Vault sent it', async () => {
    const h = harness(ca(), { config: { ...CONFIG, mode: 'issue' } });
    const bundle = await h.source.ensure(signal());
    expect(h.issuer.calls.map((call) => call.kind)).toEqual(['issue']);
    expect(bundle.privateKey).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(bundle.privateKeyType).toBe('ec');
  });

  it('adopts a stored bundle after a restart without calling the issuer', async () => {
    const first = harness(ca());
    const obtained = await first.source.ensure(signal());
    first.clock.advance(60_000);
    const second = harness(ca(), {}, { clock: first.clock, store: first.store, issuer: first.issuer });
    const adopted = await second.source.ensure(signal());
    expect(first.issuer.calls).toHaveLength(1);
    expect(adopted.certificate).toBe(obtained.certificate);
    expect(adopted.privateKey).toBe(obtained.privateKey);
    expect(second.source.bundle.value).toBe(adopted);
    expect(second.events.events.map((event) => event.type)).toEqual(['adopted']);
    expect(second.source.renewAt).toBe(first.source.renewAt);
  });

  it.each([
    ['the request changed', { config: { ...CONFIG, altNames: ['other.example.com'] } }, 0],
    ['it is due', {}, 0.7 * 3_600_000],
  ])('does not adopt when %s, and obtains instead', async (reason, overrides, laterMs) => {
    const first = harness(ca());
    await first.source.ensure(signal());
    first.clock.advance(laterMs);
    const second = harness(ca(), overrides, { clock: first.clock, store: first.store, issuer: first.issuer });
    await second.source.ensure(signal());
    expect(first.issuer.calls).toHaveLength(2);
    expect(second.events.events.map((event) => event.type)).toEqual(['issued']);
    const line = second
      .logLines()
      .map((text) => JSON.parse(text))
      .find((entry) => entry.msg === 'stored certificate not adopted');
    expect(line.reason).toContain(reason === 'it is due' ? 'due for renewal' : 'request changed');
  });

  it('logs why an unreadable stored bundle is not adopted and obtains a new one', async () => {
    const h = harness(ca());
    h.store.invalid.set('web', 'not valid JSON');
    await h.source.ensure(signal());
    expect(h.issuer.calls).toHaveLength(1);
    const line = h
      .logLines()
      .map((text) => JSON.parse(text))
      .find((entry) => entry.msg === 'stored certificate unreadable');
    expect(line).toMatchObject({ certificate: 'web', reason: 'not valid JSON', level: 40 });
  });

  it('returns the current bundle while it is not due, without asking again', async () => {
    const h = harness(ca());
    const first = await h.source.ensure(signal());
    h.clock.advance(60_000);
    expect(await h.source.ensure(signal())).toBe(first);
    expect(h.issuer.calls).toHaveLength(1);
  });

  it('refuses an answer whose certificate is for another key', async () => {
    const h = harness(ca());
    const stranger = await issueLeaf(ca(), {
      privateKeyPem: await generatePrivateKey('ec', 256),
      commonName: 'web.example.com',
    });
    h.issuer.faults.push((issued) => ({ ...issued, certificate: stranger.trim() }));
    await expect(h.source.ensure(signal())).rejects.toMatchObject({
      code: 'CERT_CHECK_FAILED',
      check: 'key',
    });
    expect(h.source.bundle.value).toBeUndefined();
    expect(h.store.saves).toBe(0);
  });

  it('publishes the bundle even when it cannot be saved, and says so', async () => {
    const h = harness(ca());
    h.store.failSaves = true;
    const bundle = await h.source.ensure(signal());
    expect(h.source.bundle.value).toBe(bundle);
    expect(h.logLines().some((line) => line.includes('certificate not saved to state_dir'))).toBe(true);
  });
});

describe('CertificateSource.run', () => {
  it('renews at renewAt, with a new key each time by default', async () => {
    const h = harness(ca());
    const running = h.source.run(signal());
    const first = (await h.events.waitFor('issued')).serialNumber;
    const firstKey = h.source.bundle.value?.privateKey;
    const wakeAt = (await h.events.waitFor('scheduled')).renewAt;
    expect(wakeAt).toBe(h.source.renewAt);
    expect(h.events.of('scheduled')).toEqual([{ type: 'scheduled', certificate: 'web', renewAt: wakeAt }]);
    // While it waits, the wall clock is read every WALL_CLOCK_CHECK_MS (a jump is noticed within one check).
    expect(await h.clock.nextSleep()).toBe(h.clock.now() + WALL_CLOCK_CHECK_MS);
    h.clock.advanceTo(wakeAt - 1);
    expect(await h.clock.nextSleep()).toBe(wakeAt);
    expect(h.issuer.calls).toHaveLength(1);
    h.clock.advanceTo(wakeAt);
    const second = await h.events.waitFor('issued', 2);
    expect(second.serialNumber).not.toBe(first);
    expect(h.source.bundle.value?.serialNumber).toBe(second.serialNumber);
    expect(h.source.bundle.value?.privateKey).not.toBe(firstKey);
    expect(h.source.bundle.version).toBe(2);
    expect(h.store.saves).toBe(2);
    await h.clock.nextSleep();
    stop();
    await running;
  });

  it('reuses the key when reuse_key is set, also across a restart', async () => {
    const first = harness(ca(), { config: { ...CONFIG, reuseKey: true } });
    const key = (await first.source.ensure(signal())).privateKey;
    first.clock.advance(0.7 * 3_600_000);
    const restarted = harness(
      ca(),
      { config: { ...CONFIG, reuseKey: true } },
      { clock: first.clock, store: first.store, issuer: first.issuer },
    );
    const renewed = await restarted.source.ensure(signal());
    expect(first.issuer.calls).toHaveLength(2);
    expect(renewed.privateKey).toBe(key);
    expect(renewed.serialNumber).not.toBe(first.source.bundle.value?.serialNumber);
  });

  it('stops promptly when aborted while waiting for renewal', async () => {
    const h = harness(ca());
    const controller = new AbortController();
    const running = h.source.run(controller.signal);
    await h.events.waitFor('issued');
    await h.clock.nextSleep();
    controller.abort();
    await expect(withDeadline(running, 3000, 'the source to stop')).resolves.toBeUndefined();
    expect(h.clock.pending).toBe(0);
  });

  it('stops promptly when aborted during a request, aborting the request', async () => {
    const h = harness(ca());
    h.issuer.hold = new Promise<void>(() => {});
    const controller = new AbortController();
    const running = h.source.run(controller.signal);
    await h.issuer.called();
    controller.abort();
    await expect(withDeadline(running, 3000, 'the source to stop')).resolves.toBeUndefined();
    expect(h.issuer.aborted).toBe(1);
    expect(h.events.of('failed')).toEqual([]);
  });

  it('keeps running when an event listener throws', async () => {
    const h = harness(ca(), {
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await h.source.ensure(signal());
    expect(h.source.bundle.value).toBeDefined();
    expect(h.logLines().some((line) => line.includes('certificate event listener failed'))).toBe(true);
    expect(createPrivateKey(h.source.bundle.value?.privateKey ?? '').asymmetricKeyType).toBe('ec');
  });
});
