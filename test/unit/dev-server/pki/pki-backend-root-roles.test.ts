// The PKI backend called directly: root generation and roles, with the §1.8 response shape and the 400/404/500
// answers a Vault client sees.

import { describe, expect, it } from 'vitest';
import { x509 } from '../../../../src/dev-server/x509/x509.js';
import { COLON_HEX, START, failure, logical, setup } from './pki-test-backend.js';

describe('root/generate', () => {
  it('refuses issue and sign before a root exists, and a bad type, with the exact errors', async () => {
    const { call } = setup();
    await call('update', 'roles/web', { allow_any_name: true, key_type: 'ec' });
    expect(await failure(call('update', 'issue/web', { common_name: 'a.test' }))).toEqual({
      status: 500,
      errors: ['could not fetch the CA certificate (was one set?): no default issuer currently configured'],
    });
    expect(await failure(call('update', 'root/generate/bogus', {}))).toEqual({
      status: 400,
      errors: ['the "exported" path parameter must be "internal", "existing", exported" or "kms"'],
    });
  });

  it('answers the §1.8 data, caps the ttl at the mount max with the warning, and exports the key', async () => {
    const { call } = setup({ defaultLeaseTtl: 0, maxLeaseTtl: 3600 });
    const { data, warnings } = logical(
      await call('update', 'root/generate/exported', {
        common_name: 'Dev Root',
        key_type: 'ec',
        key_bits: 384,
        ttl: '2h',
      }),
    );
    expect(Object.keys(data).sort()).toEqual(
      [
        'certificate',
        'expiration',
        'issuer_id',
        'issuer_name',
        'issuing_ca',
        'key_id',
        'key_name',
        'private_key',
        'private_key_type',
        'serial_number',
      ].sort(),
    );
    expect(data.certificate).toBe(data.issuing_ca);
    expect(String(data.certificate).endsWith('-----END CERTIFICATE-----')).toBe(true);
    expect(data.serial_number).toMatch(COLON_HEX);
    expect(data.expiration).toBe((START + 3600_000) / 1000);
    expect(data.private_key_type).toBe('ec');
    expect(String(data.private_key)).toMatch(
      /^-----BEGIN EC PRIVATE KEY-----[\s\S]+-----END EC PRIVATE KEY-----$/,
    );
    expect(warnings[0]).toBe(
      'TTL "2h0m0s" is longer than permitted maxTTL "1h0m0s", so maxTTL is being used',
    );
    expect(warnings.at(-1)).toMatch(/^This mount hasn't configured any authority information access \(AIA\)/);
    const cert = new x509.X509Certificate(String(data.certificate));
    expect(cert.subject).toBe('CN=Dev Root');
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    const internal = logical(await call('update', 'root/generate/internal', { key_type: 'ec' })).data;
    expect(internal.private_key).toBeUndefined();
  });

  it('refuses a key size the type does not have', async () => {
    const { call } = setup();
    expect(
      await failure(call('update', 'root/generate/internal', { key_type: 'ec', key_bits: 2048 })),
    ).toEqual({ status: 400, errors: ['unsupported bit length for EC key: 2048'] });
  });
});

describe('roles', () => {
  it('lists, reads, deletes, and answers 404 with no errors when there is nothing', async () => {
    const { call } = setup();
    expect(await failure(call('list', 'roles'))).toEqual({ status: 404, errors: [] });
    const written = logical(await call('update', 'roles/web', { allowed_domains: ['a.test'], ttl: '1h' }));
    expect(written.data.ttl).toBe(3600);
    expect(written.data.allowed_domains).toEqual(['a.test']);
    expect(logical(await call('list', 'roles')).data).toEqual({ keys: ['web'] });
    expect(logical(await call('read', 'roles/web')).data.key_bits).toBe(2048);
    expect(await call('delete', 'roles/web')).toEqual({ kind: 'empty' });
    expect(await failure(call('read', 'roles/web'))).toEqual({ status: 404, errors: [] });
    expect(await failure(call('update', 'issue/web', { common_name: 'a.test' }))).toEqual({
      status: 400,
      errors: ['unknown role: web'],
    });
  });
});
