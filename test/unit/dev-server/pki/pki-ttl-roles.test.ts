import { describe, expect, it } from 'vitest';
import { defaultRole, roleData, writeRole } from '../../../../src/dev-server/pki/pki-roles.js';
import { computeNotAfter } from '../../../../src/dev-server/pki/pki-ttl.js';
import type { VaultApiError } from '../../../../src/dev-server/types.js';

const NOW = Date.UTC(2030, 0, 1, 0, 0, 0, 123);
const base = {
  nowMs: NOW,
  requestTtl: undefined,
  requestNotAfter: undefined,
  roleTtl: 0,
  roleMaxTtl: 0,
  roleNotAfter: '',
  mountDefaultTtl: 2_764_800,
  mountMaxTtl: 2_764_800,
  caNotAfterMs: NOW + 10 * 365 * 86_400_000,
};

describe('computeNotAfter (GetCertificateNotAfter)', () => {
  it('takes the request ttl, else the role ttl, else the mount default', () => {
    expect(computeNotAfter({ ...base, requestTtl: 60, roleTtl: 120 }).notAfterMs).toBe(NOW + 60_000);
    expect(computeNotAfter({ ...base, roleTtl: 120 }).notAfterMs).toBe(NOW + 120_000);
    expect(computeNotAfter(base).notAfterMs).toBe(NOW + 2_764_800_000);
  });

  it("clamps to the role max (else the mount max) with Vault's warning", () => {
    const clamped = computeNotAfter({ ...base, requestTtl: 720 * 3600, roleMaxTtl: 72 * 3600 });
    expect(clamped.notAfterMs).toBe(NOW + 72 * 3_600_000);
    expect(clamped.warnings).toEqual([
      'TTL "720h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used',
    ]);
    const mount = computeNotAfter({ ...base, requestTtl: 7200, mountMaxTtl: 3600 });
    expect(mount.warnings).toEqual([
      'TTL "2h0m0s" is longer than permitted maxTTL "1h0m0s", so maxTTL is being used',
    ]);
  });

  it('honours not_after, and refuses it together with a ttl', () => {
    expect(computeNotAfter({ ...base, requestNotAfter: '2030-02-01T00:00:00Z' }).notAfterMs).toBe(
      Date.UTC(2030, 1, 1),
    );
    expect(() =>
      computeNotAfter({ ...base, requestTtl: 60, requestNotAfter: '2030-02-01T00:00:00Z' }),
    ).toThrow('Either ttl or not_after should be provided. Both should not be provided in the same request.');
  });

  it("refuses a NotAfter past the CA's with the exact text", () => {
    const caNotAfterMs = Date.UTC(2030, 0, 1, 1, 0, 0);
    try {
      computeNotAfter({ ...base, requestTtl: 7200, caNotAfterMs });
      throw new Error('expected a 400');
    } catch (error) {
      expect((error as VaultApiError).status).toBe(400);
      expect((error as VaultApiError).errors).toEqual([
        'cannot satisfy request, as TTL would result in notAfter of 2030-01-01T02:00:00.123Z that is beyond the expiration of the CA certificate at 2030-01-01T01:00:00Z',
      ]);
    }
  });
});

describe('PKI roles', () => {
  it("reads back Vault's defaults, TTLs as integer seconds and key_bits resolved", () => {
    const data = roleData(writeRole(defaultRole(), { ttl: '1h', max_ttl: '72h' }));
    expect(data).toMatchObject({
      ttl: 3600,
      max_ttl: 259_200,
      not_before_duration: 30,
      key_type: 'rsa',
      key_bits: 2048,
      signature_bits: 256,
      allow_localhost: true,
      allow_wildcard_certificates: true,
      enforce_hostnames: true,
      allow_ip_sans: true,
      server_flag: true,
      client_flag: true,
      use_csr_common_name: true,
      use_csr_sans: true,
      require_cn: true,
      cn_validations: ['email', 'hostname'],
      key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
      issuer_ref: 'default',
      not_after: '',
    });
    expect(writeRole(defaultRole(), { key_type: 'ec' }).key_bits).toBe(256);
  });

  it.each([
    [{ ttl: '2h', max_ttl: '1h' }, '"ttl" value must be less than "max_ttl" value'],
    [{ key_type: 'rsa', key_bits: 1024 }, 'RSA keys < 2048 bits are unsafe and not supported: got 1024'],
    [{ key_type: 'rsa', key_bits: 2050 }, 'unsupported bit length for RSA key: 2050'],
    [{ key_type: 'ec', key_bits: 300 }, 'unsupported bit length for EC key: 300'],
    [{ key_type: 'foo' }, 'unknown key type foo'],
  ])('refuses %j', (fields, message) => {
    expect(() => writeRole(defaultRole(), fields)).toThrow(message);
  });

  it('accepts lists as comma strings or arrays', () => {
    expect(writeRole(defaultRole(), { allowed_domains: 'a.com, b.com' }).allowed_domains).toEqual([
      'a.com',
      'b.com',
    ]);
    expect(writeRole(defaultRole(), { allowed_domains: ['a.com'] }).allowed_domains).toEqual(['a.com']);
  });
});
