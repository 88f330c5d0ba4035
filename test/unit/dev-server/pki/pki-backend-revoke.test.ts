// The PKI backend called directly: revocation, the CRL and the read endpoints.

import { describe, expect, it } from 'vitest';
import { x509 } from '../../../../src/dev-server/x509/x509.js';
import { START, failure, logical, serialOf, withRootAndRole } from './pki-test-backend.js';

describe('revoke and the read endpoints', () => {
  it('revokes idempotently, shows it on cert/:serial and in the CRL, and warns for an expired certificate', async () => {
    const { call, backend, advance } = await withRootAndRole();
    expect(await failure(call('update', 'revoke', {}))).toEqual({
      status: 400,
      errors: ['The serial number or certificate to revoke must be provided.'],
    });
    expect(await failure(call('update', 'revoke', { serial_number: '01:02' }))).toEqual({
      status: 400,
      errors: ['certificate with serial 01:02 not found.'],
    });
    const issued = logical(
      await call('update', 'issue/web', { common_name: 'a.example.test', ttl: '1h' }),
    ).data;
    const serial = String(issued.serial_number);
    expect(logical(await call('list', 'certs')).data.keys).toContain(serial.replaceAll(':', '-'));
    const before = logical(await call('read', `cert/${serial}`)).data;
    expect(before).toMatchObject({
      certificate: issued.certificate,
      revocation_time: 0,
      revocation_time_rfc3339: '',
    });

    const first = logical(
      await call('update', 'revoke', { serial_number: serial.replaceAll(':', '-') }),
    ).data;
    expect(first).toEqual({
      revocation_time: START / 1000,
      revocation_time_rfc3339: '2030-01-01T00:00:00Z',
      state: 'revoked',
    });
    advance(60_000);
    expect(logical(await call('update', 'revoke', { certificate: issued.certificate })).data).toEqual(first);
    expect(logical(await call('read', `cert/${serial}`)).data.revocation_time).toBe(START / 1000);
    const crl = await call('read', 'crl/pem');
    expect(crl.kind === 'raw' && crl.contentType).toBe('application/x-pem-file');
    const der = await call('read', 'crl');
    if (der.kind !== 'raw') throw new Error('expected a raw CRL');
    const parsed = new x509.X509Crl(Buffer.from(der.body));
    expect(parsed.entries.map((entry) => entry.serialNumber)).toEqual([serialOf(issued).replaceAll(':', '')]);

    const short = logical(
      await call('update', 'issue/web', { common_name: 'b.example.test', ttl: '1m' }),
    ).data;
    advance(120_000);
    expect(logical(await call('update', 'revoke', { serial_number: short.serial_number })).warnings).toEqual([
      `certificate with serial ${String(short.serial_number)} already expired; refusing to add to CRL`,
    ]);
    expect(backend.isUnauthenticated('ca/pem', 'read')).toBe(true);
    expect(backend.isUnauthenticated(`cert/${serial}`, 'read')).toBe(true);
    expect(backend.isUnauthenticated('issue/web', 'update')).toBe(false);
    expect(await failure(call('read', 'cert/de:ad'))).toEqual({ status: 404, errors: [] });
  });

  it('serves ca/pem as a chain without a trailing newline, and cert/ca as JSON', async () => {
    const { call } = await withRootAndRole();
    const pem = await call('read', 'ca/pem');
    if (pem.kind !== 'raw') throw new Error('expected raw');
    expect(pem.contentType).toBe('application/pem-certificate-chain');
    expect(String(pem.body).endsWith('-----END CERTIFICATE-----')).toBe(true);
    expect(logical(await call('read', 'cert/ca')).data.certificate).toBe(pem.body);
  });
});
