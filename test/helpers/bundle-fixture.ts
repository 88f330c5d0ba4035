// Realistic bundles for tests of what consumes them (templates, files, the agent): a real EC key and a leaf
// issued by a throwaway CA, so what is rendered is real PEM that openssl and node:crypto accept.

import { generatePrivateKey } from '../../src/certs/keys.js';
import { parseCertificate } from '../../src/certs/parse-certificate.js';
import type { CertificateBundle } from '../../src/certs/bundle.js';
import type { TestCa } from './test-ca.js';
import { createTestCa, issueLeaf } from './test-ca.js';

let sharedCa: Promise<TestCa> | undefined;

/** A bundle named `name` for `commonName`, from a CA shared by the whole test file. */
export async function makeBundle(name = 'web', commonName = 'web.example.test'): Promise<CertificateBundle> {
  sharedCa ??= createTestCa();
  const ca = await sharedCa;
  const privateKey = await generatePrivateKey('ec', 256);
  const now = Date.now();
  const certificate = await issueLeaf(ca, {
    privateKeyPem: privateKey,
    commonName,
    dns: [commonName],
    notBefore: now - 30_000,
    notAfter: now + 3_600_000,
  });
  const leaf = parseCertificate(certificate);
  return Object.freeze({
    name,
    certificate: leaf.pem,
    privateKey,
    privateKeyType: 'ec' as const,
    issuingCa: ca.pem.trim(),
    caChain: Object.freeze([ca.pem.trim()]),
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    obtainedAt: now,
    commonName,
    altNames: leaf.altNames,
    ipSans: leaf.ipSans,
    uriSans: leaf.uriSans,
    requestFingerprint: 'test',
  });
}
