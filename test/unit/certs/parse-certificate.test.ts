import { describe, expect, it } from 'vitest';
import { formatSerial, normalizeIp, parseCertificate } from '../../../src/certs/parse-certificate.js';
import { generatePrivateKey } from '../../../src/certs/keys.js';
import { createTestCa, issueLeaf } from '../../helpers/test-ca.js';

describe('formatSerial', () => {
  it.each([
    ['00ff01', 'ff:01'],
    ['FF01', 'ff:01'],
    ['0a', '0a'],
    ['a', '0a'],
    ['00000a0b', '0a:0b'],
    ['4C:1E:9B', '4c:1e:9b'],
    ['00', '00'],
  ])('%s → %s', (hex, expected) => {
    expect(formatSerial(hex)).toBe(expected);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ])('%s → %s', (ip, expected) => {
    expect(normalizeIp(ip)).toBe(expected);
  });
});

describe('parseCertificate', () => {
  it('reads serial, validity, CN and every kind of SAN', async () => {
    const ca = await createTestCa();
    const notBefore = Date.UTC(2030, 0, 1, 0, 0, 0);
    const notAfter = Date.UTC(2030, 0, 2, 0, 0, 0);
    const pem = await issueLeaf(ca, {
      privateKeyPem: await generatePrivateKey('ec', 256),
      commonName: 'api.example.com',
      dns: ['api.example.com', 'api-v2.example.com'],
      emails: ['ops@example.com'],
      ips: ['10.0.0.10', '2001:db8::1'],
      uris: ['spiffe://example.com/web'],
      notBefore,
      notAfter,
      serial: '00a1b2c3',
    });
    const parsed = parseCertificate(`${pem}\n\n`);
    expect(parsed.pem).toBe(pem.trim());
    expect(parsed.serialNumber).toBe('a1:b2:c3');
    expect(parsed.notBefore).toBe(notBefore);
    expect(parsed.notAfter).toBe(notAfter);
    expect(parsed.commonName).toBe('api.example.com');
    expect(parsed.altNames).toEqual(['api.example.com', 'api-v2.example.com', 'ops@example.com']);
    expect(parsed.ipSans).toEqual(['10.0.0.10', '2001:db8::1']);
    expect(parsed.uriSans).toEqual(['spiffe://example.com/web']);
  });

  it('matches the serial node:crypto reads, in Vault form', async () => {
    const ca = await createTestCa();
    const pem = await issueLeaf(ca, { privateKeyPem: await generatePrivateKey('ec', 256), commonName: 'x' });
    const parsed = parseCertificate(pem);
    expect(parsed.serialNumber.replace(/:/g, '')).toBe(
      parsed.node.serialNumber.toLowerCase().replace(/^(00)+/, ''),
    );
    expect(parsed.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
  });

  it.each([
    ['garbage', 'not a certificate'],
    ['a key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----'],
    ['broken base64', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
  ])('refuses %s with a parse check error', (_label, text) => {
    expect(() => parseCertificate(text)).toThrow(
      expect.objectContaining({ code: 'CERT_CHECK_FAILED', check: 'parse' }),
    );
  });

  it('refuses two certificates where one is expected (a pem_bundle)', async () => {
    const ca = await createTestCa();
    expect(() => parseCertificate(`${ca.pem}\n${ca.pem}`)).toThrow(
      expect.objectContaining({ check: 'parse' }),
    );
  });
});
