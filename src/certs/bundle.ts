import type { KeyType } from '../config/runtime-config.js';

/**
 * One issuance of one declared certificate: the leaf, its private key and its chain, checked to belong together.
 * Every template bound to the certificate renders from the same bundle, so a key never lands beside another
 * certificate. Immutable once made.
 */
export interface CertificateBundle {
  /** The `certificates:` key. */
  readonly name: string;
  /** Leaf certificate, PEM, no trailing newline. */
  readonly certificate: string;
  /** PKCS#8 (ours, sign mode) or whatever Vault sent (issue mode), PEM, no trailing newline. A secret. */
  readonly privateKey: string;
  readonly privateKeyType: KeyType;
  readonly issuingCa: string;
  /** Issuer first, root last; never the leaf. */
  readonly caChain: readonly string[];
  /** Colon-separated lowercase hex, as Vault writes it. */
  readonly serialNumber: string;
  /** Milliseconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** When certagent received it; lifetimes are measured from here, as Vault back-dates notBefore. */
  readonly obtainedAt: number;
  readonly commonName: string;
  /** DNS names and emails in the certificate's SAN extension. */
  readonly altNames: readonly string[];
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
  /** A digest of the request that produced it; a changed request means the bundle must be re-obtained. */
  readonly requestFingerprint: string;
}
