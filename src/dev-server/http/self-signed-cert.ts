// The dev server's TLS identity when started with `tls: true`: a throwaway CA made at start and a server
// certificate it signs for the loopback names (plus the listen host), so clients can verify TLS properly by
// trusting the CA PEM instead of turning verification off.

import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from '../x509/x509.js';

/** PEMs for node:https, and the CA clients should trust. */
export interface DevTlsIdentity {
  readonly cert: string;
  readonly key: string;
  readonly caPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** Makes a CA and a server certificate valid for 127.0.0.1, ::1, localhost and `host`, for 30 days from `now`. */
export async function createDevTlsIdentity(host: string, now: number = Date.now()): Promise<DevTlsIdentity> {
  const caKeys = await generateKeys();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 30 * DAY_MS) };
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity,
    serialNumber: serial(),
    name: [{ CN: ['certagent dev-server TLS CA'] }],
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await generateKeys();
  const server = await x509.X509CertificateGenerator.create({
    ...validity,
    serialNumber: serial(),
    subject: [{ CN: ['certagent dev-server'] }],
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(altNames(host)),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const key = KeyObject.from(serverKeys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert: server.toString('pem'), key, caPem: ca.toString('pem') };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

function altNames(host: string): { type: 'dns' | 'ip'; value: string }[] {
  const names = new Map<string, 'dns' | 'ip'>([
    ['127.0.0.1', 'ip'],
    ['::1', 'ip'],
    ['localhost', 'dns'],
  ]);
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare !== '' && bare !== '0.0.0.0' && bare !== '::') names.set(bare, isIP(bare) ? 'ip' : 'dns');
  return [...names].map(([value, type]) => ({ type, value }));
}

// A positive 16-byte serial (the top bit cleared so DER does not read it as negative).
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
