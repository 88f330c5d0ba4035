import { describe, expect, it } from 'vitest';
import { requestFingerprint, ttlParameter } from '../../../src/certs/request-fingerprint.js';
import type { CertificateConfig } from '../../../src/config/runtime-config.js';

const BASE: CertificateConfig = {
  name: 'web',
  mount: 'pki_int',
  role: 'web-server',
  mode: 'sign',
  commonName: 'api.example.com',
  altNames: ['b.example.com', 'a.example.com'],
  ipSans: ['10.0.0.2', '10.0.0.1'],
  uriSans: ['spiffe://example.com/web'],
  ttlMs: 86_400_000,
  keyType: 'ec',
  keyBits: 256,
  renewThreshold: 0.67,
  renewBeforeMs: undefined,
  reuseKey: false,
};

describe('requestFingerprint', () => {
  const base = requestFingerprint(BASE);

  it('is a stable sha256 hex digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ ...BASE })).toBe(base);
  });

  it('ignores the order of SAN lists', () => {
    const reordered = {
      ...BASE,
      altNames: ['a.example.com', 'b.example.com'],
      ipSans: ['10.0.0.1', '10.0.0.2'],
    };
    expect(requestFingerprint(reordered)).toBe(base);
  });

  it.each([
    ['renew_threshold', { renewThreshold: 0.5 }],
    ['renew_before', { renewThreshold: undefined, renewBeforeMs: 3_600_000 }],
    ['reuse_key', { reuseKey: true }],
    ['name', { name: 'web2' }],
    ['a TTL that asks for the same whole seconds', { ttlMs: 86_399_500 }],
  ])('does not change with %s', (_label, change) => {
    expect(requestFingerprint({ ...BASE, ...change })).toBe(base);
  });

  it.each([
    ['mount', { mount: 'pki' }],
    ['role', { role: 'other' }],
    ['mode', { mode: 'issue' as const }],
    ['common_name', { commonName: 'x.example.com' }],
    ['alt_names', { altNames: ['a.example.com'] }],
    ['ip_sans', { ipSans: ['10.0.0.1'] }],
    ['uri_sans', { uriSans: [] }],
    ['ttl', { ttlMs: 3_600_000 }],
    ['no ttl', { ttlMs: undefined }],
    ['key_type', { keyType: 'rsa' as const, keyBits: 2048 }],
    ['key_bits', { keyBits: 384 }],
  ])('changes with %s', (_label, change) => {
    expect(requestFingerprint({ ...BASE, ...change })).not.toBe(base);
  });

  it('ignores key settings in issue mode, where the role picks the key', () => {
    const issue = requestFingerprint({ ...BASE, mode: 'issue' });
    expect(requestFingerprint({ ...BASE, mode: 'issue', keyType: 'rsa', keyBits: 4096 })).toBe(issue);
  });

  it('does not let a list boundary move (["a,b"] differs from ["a","b"])', () => {
    expect(requestFingerprint({ ...BASE, altNames: ['a,b'] })).not.toBe(
      requestFingerprint({ ...BASE, altNames: ['a', 'b'] }),
    );
  });
});

describe('ttlParameter', () => {
  it.each([
    [undefined, undefined],
    [8000, '8s'],
    [8001, '9s'],
    [86_400_000, '86400s'],
    [1, '1s'],
  ])('%s ms → %s', (ms, expected) => {
    expect(ttlParameter(ms)).toBe(expected);
  });
});

describe('requestFingerprint and the Vault address', () => {
  it('differs for another Vault, so its bundles are not adopted', () => {
    expect(requestFingerprint(BASE, 'https://vault-a:8200')).not.toBe(
      requestFingerprint(BASE, 'https://vault-b:8200'),
    );
    expect(requestFingerprint(BASE, 'https://vault-a:8200')).toBe(
      requestFingerprint(BASE, 'https://vault-a:8200'),
    );
  });
});
