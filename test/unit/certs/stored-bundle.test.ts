import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import { decodeStoredBundle, encodeStoredBundle } from '../../../src/certs/stored-bundle.js';
import { createTestCa } from '../../helpers/test-ca.js';
import { harness } from './support/source-harness.js';

let bundle: CertificateBundle;

beforeAll(async () => {
  const h = harness(await createTestCa());
  bundle = await h.source.ensure(new AbortController().signal);
});

function tampered(change: (json: { version: number; bundle: Record<string, unknown> }) => void): string {
  const json = JSON.parse(encodeStoredBundle(bundle));
  change(json);
  return JSON.stringify(json);
}

describe('stored bundle encoding', () => {
  it('round-trips a bundle exactly', () => {
    const decoded = decodeStoredBundle(encodeStoredBundle(bundle), 'web');
    expect(decoded).toEqual({ bundle: { ...bundle } });
  });

  it.each([
    ['text that is not JSON', () => '{"version":1,', 'not valid JSON'],
    ['another format version', () => tampered((json) => (json.version = 2)), 'version'],
    ['a missing field', () => tampered((json) => delete json.bundle.privateKey), 'bundle.privateKey'],
    ['an unknown field', () => tampered((json) => (json.bundle.extra = 1)), 'bundle'],
    [
      'a bad fingerprint',
      () => tampered((json) => (json.bundle.requestFingerprint = 'x')),
      'requestFingerprint',
    ],
    [
      'another certificate name',
      () => tampered((json) => (json.bundle.name = 'api')),
      'holds certificate "api"',
    ],
    [
      'a certificate that does not parse',
      () => tampered((json) => (json.bundle.certificate = 'junk')),
      'does not parse',
    ],
    [
      'an edited expiry',
      () => tampered((json) => (json.bundle.notAfter = Number(json.bundle.notAfter) + 86_400_000)),
      'disagrees',
    ],
    ['an edited serial', () => tampered((json) => (json.bundle.serialNumber = '01:02')), 'disagrees'],
  ])('refuses %s', (_label, text, reason) => {
    const decoded = decodeStoredBundle(text(), 'web');
    expect('reason' in decoded && decoded.reason).toContain(reason);
  });

  it('never repeats the file content in the reason', () => {
    const decoded = decodeStoredBundle(
      tampered((json) => (json.bundle.privateKey = 42)),
      'web',
    );
    expect('reason' in decoded && decoded.reason).not.toContain('PRIVATE');
  });
});
