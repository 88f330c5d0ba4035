import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { KeyGenerationError } from './cert-errors.js';
import { readPrivateKey, signingAlgorithms } from './keys.js';
import type { x509 as X509Namespace } from './x509.js';

type X509 = typeof X509Namespace;

/** The names a CSR asks for, as the certificate config declares them. */
export interface CsrNames {
  readonly commonName: string;
  /** DNS names; entries containing `@` are emails, as Vault reads `alt_names`. */
  readonly altNames: readonly string[];
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
}

/** Makes a PKCS#10 CSR (PEM, trimmed) for the private key, with the common name and SANs, signed by that key. */
export async function createCsr(privateKeyPem: string, names: CsrNames): Promise<string> {
  try {
    // @peculiar/x509 is only needed here, so it is loaded at the first CSR: an agent that adopts its certificates
    // or lets Vault make the keys (issue mode) never loads it.
    const { x509 } = await import('./x509.js');
    const keys = await importKeyPair(privateKeyPem);
    const extensions = subjectAltNames(x509, names);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      // The JSON form, not a "CN=…" string, so a comma or `+` in a name cannot change the subject's structure.
      name: names.commonName === '' ? [] : [{ CN: [names.commonName] }],
      extensions: extensions ? [extensions] : [],
      keys,
      signingAlgorithm: signingAlgorithms(keys.nodeKey).signParams,
    });
    return csr.toString('pem').trim();
  } catch (error) {
    if (error instanceof KeyGenerationError) throw error;
    throw new KeyGenerationError('could not create the certificate signing request', { cause: error });
  }
}

function subjectAltNames(
  x509: X509,
  names: CsrNames,
): InstanceType<X509['SubjectAlternativeNameExtension']> | undefined {
  const entries: { type: 'dns' | 'email' | 'ip' | 'url'; value: string }[] = [
    ...names.altNames.map((value) => ({
      type: value.includes('@') ? ('email' as const) : ('dns' as const),
      value,
    })),
    ...names.ipSans.map((value) => ({ type: 'ip' as const, value })),
    ...names.uriSans.map((value) => ({ type: 'url' as const, value })),
  ];
  return entries.length === 0 ? undefined : new x509.SubjectAlternativeNameExtension(entries);
}

// WebCrypto cannot read PEM or the PKCS#1/SEC1 forms, so the key goes through node:crypto and crosses over as
// PKCS#8/SPKI DER. The private half is imported non-extractable: it only ever signs this CSR.
async function importKeyPair(pem: string): Promise<webcrypto.CryptoKeyPair & { nodeKey: KeyObject }> {
  const nodeKey = readPrivateKey(pem);
  const { importParams } = signingAlgorithms(nodeKey);
  const pkcs8 = nodeKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(nodeKey).export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, importParams, true, ['verify']),
  ]);
  return { privateKey, publicKey, nodeKey };
}
