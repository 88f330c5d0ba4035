import type { KeyType } from '../config/runtime-config.js';
import type { CertificateBundle } from './bundle.js';
import type { IssuedMaterial } from './check-issued.js';
import type { ParsedCertificate } from './parse-certificate.js';

/** What a bundle is made of besides what the certificate itself says. */
export interface BundleParts {
  readonly name: string;
  readonly material: IssuedMaterial;
  readonly privateKeyType: KeyType;
  readonly obtainedAt: number;
  readonly requestFingerprint: string;
}

/**
 * Assembles a bundle. Serial, validity and names are taken from the parsed certificate, never from a response
 * field or a stored copy, so the bundle cannot disagree with the certificate it carries.
 */
export function buildBundle(parts: BundleParts, leaf: ParsedCertificate): CertificateBundle {
  const { material } = parts;
  const caChain = material.caChain.map((pem) => pem.trim());
  return Object.freeze({
    name: parts.name,
    certificate: leaf.pem,
    privateKey: material.privateKey.trim(),
    privateKeyType: parts.privateKeyType,
    issuingCa: material.issuingCa.trim() === '' ? (caChain[0] ?? '') : material.issuingCa.trim(),
    caChain: Object.freeze(caChain),
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    obtainedAt: parts.obtainedAt,
    commonName: leaf.commonName,
    altNames: Object.freeze([...leaf.altNames]),
    ipSans: Object.freeze([...leaf.ipSans]),
    uriSans: Object.freeze([...leaf.uriSans]),
    requestFingerprint: parts.requestFingerprint,
  });
}

/** Two bundles are the same issuance when they carry the same certificate and key. */
export function sameBundle(a: CertificateBundle, b: CertificateBundle): boolean {
  return a.certificate === b.certificate && a.privateKey === b.privateKey && a.name === b.name;
}
