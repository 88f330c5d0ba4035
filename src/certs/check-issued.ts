import { CertificateCheckError } from './cert-errors.js';
import type { CsrNames } from './csr.js';
import { publicKeySpki, readPrivateKey } from './keys.js';
import { normalizeIp, parseCertificate, type ParsedCertificate } from './parse-certificate.js';

/** A certificate with the key and chain it came with: a Vault answer, or a bundle read back from state_dir. */
export interface IssuedMaterial {
  readonly certificate: string;
  /** Ours in sign mode, Vault's in issue mode (PKCS#8, PKCS#1 or SEC1 PEM). */
  readonly privateKey: string;
  readonly issuingCa: string;
  /** Issuer first. */
  readonly caChain: readonly string[];
}

/**
 * Checks a certificate before anything uses it: it parses, its public key is the private key's, the chain is
 * leaf-first and each certificate is signed by the next, every requested name is present, and it has not expired.
 * Returns the parsed leaf; throws CertificateCheckError naming the failed check (never the key itself).
 */
export function checkIssued(material: IssuedMaterial, requested: CsrNames, now: number): ParsedCertificate {
  const leaf = parseCertificate(material.certificate);
  checkKey(leaf, material.privateKey);
  checkChain(leaf, material);
  checkNames(leaf, requested);
  if (leaf.notAfter <= now) {
    throw new CertificateCheckError('expired', `expired at ${new Date(leaf.notAfter).toISOString()}`);
  }
  return leaf;
}

function checkKey(leaf: ParsedCertificate, privateKeyPem: string): void {
  let ours: Buffer;
  try {
    ours = publicKeySpki(readPrivateKey(privateKeyPem));
  } catch {
    // The cause is dropped on purpose: a parser's message may quote the key material.
    throw new CertificateCheckError('key', 'the private key does not parse');
  }
  const theirs = leaf.node.publicKey.export({ type: 'spki', format: 'der' });
  if (!ours.equals(theirs)) {
    throw new CertificateCheckError('key', "the certificate's public key does not match the private key");
  }
}

function checkChain(leaf: ParsedCertificate, material: IssuedMaterial): void {
  const chain = material.caChain.map((pem, index) => parseChainEntry(pem, `ca_chain[${index}]`));
  if (material.issuingCa.trim() !== '') {
    const issuingCa = parseChainEntry(material.issuingCa, 'issuing_ca');
    const first = chain[0];
    if (first && !first.node.raw.equals(issuingCa.node.raw)) {
      throw new CertificateCheckError('chain', 'issuing_ca is not the first certificate of ca_chain');
    }
    if (!first) chain.push(issuingCa);
  }
  if (chain.length === 0) throw new CertificateCheckError('chain', 'no issuing CA was returned');
  let child = leaf;
  for (const [index, parent] of chain.entries()) {
    if (!signedBy(child, parent, index > 0)) {
      const what = index === 0 ? 'the certificate' : `ca_chain[${index - 1}]`;
      throw new CertificateCheckError(
        'chain',
        `${what} is not signed by ca_chain[${index}] (chain not leaf-first)`,
      );
    }
    child = parent;
  }
}

// Every certificate of an agent usually shares one CA chain: each distinct CA is parsed once, and each CA-to-CA
// signature verified once, instead of once per certificate and renewal. Bounded, oldest first out, so a CA that
// rotates does not leave its predecessors behind forever. Failures are not cached.
const CACHE_LIMIT = 64;
const parsedCas = new Map<string, ParsedCertificate>();
const verifiedCaPairs = new Set<string>();

function remember<K>(cache: Map<K, unknown> | Set<K>, key: K): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as K);
  if (cache instanceof Set) cache.add(key);
}

function parseChainEntry(pem: string, label: string): ParsedCertificate {
  const key = pem.trim();
  const cached = parsedCas.get(key);
  if (cached) return cached;
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(key);
  } catch (error) {
    throw new CertificateCheckError('chain', `${label} does not parse`, { cause: error });
  }
  remember(parsedCas, key);
  parsedCas.set(key, parsed);
  return parsed;
}

function signedBy(child: ParsedCertificate, parent: ParsedCertificate, childIsCa: boolean): boolean {
  const pair = `${child.pem}\n${parent.pem}`;
  if (childIsCa && verifiedCaPairs.has(pair)) return true;
  let ok: boolean;
  try {
    ok = child.node.checkIssued(parent.node) && child.node.verify(parent.node.publicKey);
  } catch {
    ok = false;
  }
  if (ok && childIsCa) remember(verifiedCaPairs, pair);
  return ok;
}

function checkNames(leaf: ParsedCertificate, requested: CsrNames): void {
  const missing: string[] = [];
  if (requested.commonName !== '' && leaf.commonName.toLowerCase() !== requested.commonName.toLowerCase()) {
    missing.push(`common name ${requested.commonName}`);
  }
  const altNames = new Set(leaf.altNames.map((name) => name.toLowerCase()));
  missing.push(...requested.altNames.filter((name) => !altNames.has(name.toLowerCase())));
  const ipSans = new Set(leaf.ipSans);
  missing.push(...requested.ipSans.filter((ip) => !ipSans.has(normalizeIp(ip))));
  const uriSans = new Set(leaf.uriSans);
  missing.push(...requested.uriSans.filter((uri) => !uriSans.has(uri)));
  if (missing.length > 0) {
    throw new CertificateCheckError(
      'names',
      `requested names missing from the certificate: ${missing.join(', ')}`,
    );
  }
}
