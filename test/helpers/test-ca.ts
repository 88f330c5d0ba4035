// A tiny certificate authority for tests: roots, intermediates and leaves made in process with @peculiar/x509, so
// tests can build exactly the right (or exactly the wrong) certificate without a Vault.
import { createPublicKey, webcrypto } from 'node:crypto';
import { x509 } from '../../src/certs/x509.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A CA: its certificate (PEM and parsed) and the key pair that signs with it. */
export interface TestCa {
  readonly pem: string;
  readonly cert: InstanceType<typeof x509.X509Certificate>;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly name: string;
}

/** What a leaf should say. Times are ms since the epoch. */
export interface LeafOptions {
  /** The private key (any PEM form node:crypto reads) whose public half goes into the certificate. */
  readonly privateKeyPem: string;
  readonly commonName: string;
  readonly dns?: readonly string[];
  readonly emails?: readonly string[];
  readonly ips?: readonly string[];
  readonly uris?: readonly string[];
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** Hex; random when omitted. */
  readonly serial?: string;
}

/** Makes a self-signed root, or an intermediate signed by `parent`. */
export async function createTestCa(name = 'Test Root CA', parent?: TestCa): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const common = {
    serialNumber: randomSerial(),
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALGORITHM,
  };
  const cert = parent
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: [{ CN: [name] }],
        issuer: parent.cert.subject,
        publicKey: keys.publicKey,
        signingKey: parent.keys.privateKey,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(parent.keys.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name: [{ CN: [name] }],
        keys,
        extensions,
      });
  return { pem: cert.toString('pem'), cert, keys, name };
}

/** Issues a leaf for the given key and names, signed by `ca`. Returns PEM. */
export async function issueLeaf(ca: TestCa, options: LeafOptions): Promise<string> {
  const spki = createPublicKey(options.privateKeyPem).export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const names = [
    ...(options.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serial ?? randomSerial(),
    subject: [{ CN: [options.commonName] }],
    issuer: ca.cert.subject,
    notBefore: new Date(options.notBefore ?? now - 30_000),
    notAfter: new Date(options.notAfter ?? now + DAY),
    publicKey: new Uint8Array(spki),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return cert.toString('pem');
}

/** Reads a CSR's subject CN, SANs and public key, and whether its signature is valid. */
export async function readCsr(pem: string) {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const san = csr.getExtensions('2.5.29.17')[0] as
    InstanceType<typeof x509.SubjectAlternativeNameExtension> | undefined;
  const items = san?.names.items ?? [];
  return {
    commonName: csr.subjectName.getField('CN')[0],
    sans: items.map((item) => ({ type: item.type, value: item.value })),
    signatureValid: await csr.verify(),
    publicKeySpki: Buffer.from(csr.publicKey.rawData),
    signatureAlgorithm: csr.signatureAlgorithm,
  };
}

function randomSerial(): string {
  // A positive serial (top bit clear) of 16 random bytes, as CAs make them.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
