// The DER name reader against @peculiar/x509's parse of the same certificates (what parseCertificate used before).
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readDerNames } from '../../../src/certs/der-names.js';
import { parseCertificate, parseOpenSslTime } from '../../../src/certs/parse-certificate.js';
import { x509 } from '../../../src/certs/x509.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function selfSigned(name: x509.JsonName | string, sans: x509.JsonGeneralName[] = []) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  return x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    serialNumber: '01',
    notBefore: new Date(Date.UTC(2030, 0, 1)),
    notAfter: new Date(Date.UTC(2030, 0, 2)),
    signingAlgorithm: ALGORITHM,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : [],
  });
}

function reference(cert: x509.X509Certificate) {
  const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const of = (type: string) => names.filter((name) => name.type === type).map((name) => name.value);
  return {
    commonName: cert.subjectName.getField('CN')[0] ?? '',
    dns: of('dns'),
    emails: of('email'),
    uris: of('url'),
  };
}

describe('readDerNames', () => {
  it.each([
    ['a plain CN', [{ CN: ['api.example.com'] }]],
    ['a CN with , + " and = in it', [{ CN: ['a,b+c="d"=e'] }]],
    ['a unicode CN', [{ CN: ['ünïcødé.example'] }]],
    ['a CN after other attributes', [{ O: ['Example Org'] }, { OU: ['Web'] }, { CN: ['late.example.com'] }]],
    ['no CN at all', [{ O: ['Only an org'] }]],
  ])('reads %s as @peculiar/x509 does', async (_label, name) => {
    const cert = await selfSigned(name as unknown as x509.JsonName, [
      { type: 'dns', value: 'a.example.com' },
      { type: 'email', value: 'ops@example.com' },
      { type: 'url', value: 'spiffe://example.com/web' },
      { type: 'dns', value: 'b.example.com' },
    ]);
    const ours = readDerNames(new Uint8Array(cert.rawData));
    const expected = reference(cert);
    expect({ commonName: ours.commonName, dns: ours.dns, emails: ours.emails, uris: ours.uris }).toEqual(
      expected,
    );
  });

  it('reads IPv4 and IPv6 SANs, and a certificate without a SAN extension', async () => {
    const cert = await selfSigned(
      [{ CN: ['ip'] }],
      [
        { type: 'ip', value: '10.0.0.10' },
        { type: 'ip', value: '2001:db8::1' },
      ],
    );
    expect(parseCertificate(cert.toString('pem')).ipSans).toEqual(['10.0.0.10', '2001:db8::1']);
    const bare = parseCertificate((await selfSigned([{ CN: ['bare'] }])).toString('pem'));
    expect([bare.commonName, bare.altNames, bare.ipSans, bare.uriSans]).toEqual(['bare', [], [], []]);
  });

  it('refuses truncated DER', async () => {
    const der = new Uint8Array((await selfSigned([{ CN: ['x'] }])).rawData);
    expect(() => readDerNames(der.subarray(0, der.length - 40))).toThrow(/truncated|overruns/);
  });
});

describe('parseOpenSslTime', () => {
  it.each([
    ['Dec  1 21:10:17 2026 GMT', Date.UTC(2026, 11, 1, 21, 10, 17)],
    ['Jan 31 00:00:00 2050 GMT', Date.UTC(2050, 0, 31)],
  ])('%s', (text, expected) => {
    expect(parseOpenSslTime(text)).toBe(expected);
  });

  it('refuses another shape', () => {
    expect(() => parseOpenSslTime('2026-12-01T21:10:17Z')).toThrow(/unexpected certificate time/);
  });
});
