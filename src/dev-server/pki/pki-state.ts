// What one PKI mount holds: its issuers (the first is the default), the certificates it issued (unless no_store),
// their revocations, and the CRL signed by the default issuer, rebuilt after every revocation.

import { vaultSerial } from '../x509/serial.js';
import { x509 } from '../x509/x509.js';
import type { KeyMaterial, SigningKey } from './pki-crypto.js';

/** Vault's default CRL lifetime. */
const CRL_EXPIRY_MS = 72 * 3600 * 1000;

/** A CA certificate with its key. */
export interface Issuer {
  readonly id: string;
  readonly name: string;
  readonly keyId: string;
  readonly keyName: string;
  readonly pem: string;
  readonly cert: InstanceType<typeof x509.X509Certificate>;
  readonly key: KeyMaterial;
  readonly signing: SigningKey;
  readonly serial: string;
}

/** A stored certificate; `revokedAtMs` once revoked. */
export interface StoredCertificate {
  readonly serial: string;
  readonly pem: string;
  readonly notAfterMs: number;
  revokedAtMs: number | undefined;
  issuerId: string;
}

/** One PKI mount's state. */
export class PkiState {
  readonly issuers: Issuer[] = [];
  readonly #certs = new Map<string, StoredCertificate>();
  #crl: Promise<InstanceType<typeof x509.X509Crl>> | undefined;

  /** The default issuer (the first one generated), if any. */
  get defaultIssuer(): Issuer | undefined {
    return this.issuers[0];
  }

  addIssuer(issuer: Issuer): void {
    this.issuers.push(issuer);
    this.store({
      serial: issuer.serial,
      pem: issuer.pem,
      notAfterMs: issuer.cert.notAfter.getTime(),
      issuerId: issuer.id,
    });
    this.#crl = undefined;
  }

  /** Keeps a certificate for `cert/:serial` and `certs`. */
  store(entry: { serial: string; pem: string; notAfterMs: number; issuerId: string }): void {
    this.#certs.set(entry.serial, { ...entry, revokedAtMs: undefined });
  }

  /** A stored certificate by serial, colon or hyphen separated, any case. */
  find(serial: string): StoredCertificate | undefined {
    return this.#certs.get(normalizeSerial(serial));
  }

  /** Serials of every stored certificate, hyphen separated as Vault lists them. */
  serials(): string[] {
    return [...this.#certs.keys()].map((serial) => serial.replace(/:/g, '-')).sort();
  }

  /** Marks a certificate revoked (keeping the first revocation time) and drops the cached CRL. */
  revoke(entry: StoredCertificate, nowMs: number): void {
    entry.revokedAtMs ??= nowMs;
    this.#crl = undefined;
  }

  /** The CRL of the default issuer, signed now and cached until the next revocation. */
  crl(nowMs: number): Promise<InstanceType<typeof x509.X509Crl>> | undefined {
    const issuer = this.defaultIssuer;
    if (!issuer) return undefined;
    this.#crl ??= x509.X509CrlGenerator.create({
      issuer: issuer.cert.subjectName,
      thisUpdate: new Date(nowMs),
      nextUpdate: new Date(nowMs + CRL_EXPIRY_MS),
      signingKey: issuer.signing.key,
      signingAlgorithm: issuer.signing.algorithm,
      entries: [...this.#certs.values()]
        .filter((entry) => entry.revokedAtMs !== undefined && entry.issuerId === issuer.id)
        .map((entry) => ({
          serialNumber: entry.serial.replace(/:/g, ''),
          revocationDate: new Date(entry.revokedAtMs!),
        })),
    });
    return this.#crl;
  }
}

/** Colon-separated lowercase hex, from colon or hyphen separated input. */
export function normalizeSerial(serial: string): string {
  return vaultSerial(serial.trim().replace(/-/g, ':'));
}
