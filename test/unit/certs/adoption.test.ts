import { beforeAll, describe, expect, it } from 'vitest';
import { judgeAdoption } from '../../../src/certs/adoption.js';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import { generatePrivateKey } from '../../../src/certs/keys.js';
import { requestFingerprint } from '../../../src/certs/request-fingerprint.js';
import { createTestCa } from '../../helpers/test-ca.js';
import { CONFIG, harness } from './support/source-harness.js';

let bundle: CertificateBundle;
const fingerprint = requestFingerprint(CONFIG);

beforeAll(async () => {
  const h = harness(await createTestCa());
  bundle = await h.source.ensure(new AbortController().signal);
});

function judge(change: Partial<CertificateBundle> = {}, now = bundle.obtainedAt + 1_000, config = CONFIG) {
  return judgeAdoption(
    { ...bundle, ...change },
    { config, fingerprint: requestFingerprint(config), now, random: () => 0 },
  );
}

describe('judgeAdoption', () => {
  it('adopts a bundle for the same request that passes its checks and is not due', () => {
    const lifetime = bundle.notAfter - bundle.obtainedAt;
    expect(judge()).toEqual({ adopt: true, renewAt: bundle.obtainedAt + 0.67 * lifetime });
    expect(fingerprint).toBe(bundle.requestFingerprint);
  });

  it('refuses a bundle for another request', () => {
    expect(judge({}, undefined, { ...CONFIG, role: 'other' })).toEqual({
      adopt: false,
      reason: 'the request changed',
    });
  });

  it('refuses a bundle that is due', () => {
    const due = bundle.obtainedAt + 0.67 * (bundle.notAfter - bundle.obtainedAt);
    expect(judge({}, due)).toMatchObject({
      adopt: false,
      reason: expect.stringContaining('due for renewal'),
    });
    expect(judge({}, due - 1)).toMatchObject({ adopt: true });
  });

  it('refuses an expired bundle', () => {
    expect(judge({}, bundle.notAfter)).toMatchObject({
      adopt: false,
      reason: expect.stringContaining('expired'),
    });
  });

  it('refuses a bundle whose key is not the certificate’s', async () => {
    const verdict = judge({ privateKey: await generatePrivateKey('ec', 256) });
    expect(verdict).toMatchObject({ adopt: false, reason: expect.stringContaining('(key)') });
  });

  it('refuses a bundle missing a name the config now asks for (even with a matching fingerprint)', () => {
    const config = { ...CONFIG, altNames: ['new.example.com'] };
    const verdict = judgeAdoption(
      { ...bundle, requestFingerprint: requestFingerprint(config) },
      { config, fingerprint: requestFingerprint(config), now: bundle.obtainedAt + 1_000, random: () => 0 },
    );
    expect(verdict).toMatchObject({ adopt: false, reason: expect.stringContaining('new.example.com') });
  });

  it('refuses a bundle obtained in the future (the clock moved back)', () => {
    expect(judge({}, bundle.obtainedAt - 1)).toMatchObject({
      adopt: false,
      reason: expect.stringContaining('future'),
    });
  });

  it('refuses a bundle whose recorded key type is wrong', () => {
    expect(judge({ privateKeyType: 'rsa' })).toMatchObject({
      adopt: false,
      reason: expect.stringContaining('type'),
    });
  });
});
