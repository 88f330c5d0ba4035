// The dev server's own entry into @peculiar/x509: usable on its own (the reflect-metadata stand-in installed, the
// WebCrypto provider set), without the agent's certs/x509.ts ever being loaded.

import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { x509 } from '../../../../src/dev-server/x509/x509.js';
import { vaultSerial } from '../../../../src/dev-server/x509/serial.js';

describe('dev-server x509', () => {
  it('installs the Reflect metadata functions tsyringe needs', () => {
    const api = Reflect as unknown as Record<string, unknown>;
    expect(typeof api.getMetadata).toBe('function');
    expect(typeof api.defineMetadata).toBe('function');
    expect(typeof api.getOwnMetadata).toBe('function');
  });

  it('makes and parses a self-signed certificate, with a serial in Vault form', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '00a1b2',
      name: 'CN=dev-server x509 test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-02T00:00:00Z'),
      keys,
      signingAlgorithm: alg,
    });
    const parsed = new x509.X509Certificate(cert.toString('pem'));
    expect(parsed.subject).toBe('CN=dev-server x509 test');
    expect(vaultSerial(parsed.serialNumber)).toBe('a1:b2');
    expect(await parsed.verify({ signatureOnly: true })).toBe(true);
  });
});
