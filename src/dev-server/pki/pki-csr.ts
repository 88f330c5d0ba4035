// Reading a CSR for `sign/:role` (reference/vault-api.md §1.2): Vault's CSR errors, the key checks against the
// role, and the names it asks for.

import { x509 } from '../x509/x509.js';
import { badRequest } from '../types.js';
import { describePublicKey } from './pki-crypto.js';
import type { PkiRole } from './pki-roles.js';

/** What a CSR carries that signing uses. */
export interface CsrContents {
  readonly commonName: string;
  readonly dnsNames: string[];
  readonly emails: string[];
  readonly ipSans: string[];
  readonly uriSans: string[];
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Buffer;
}

/** Parses the `csr` field or throws Vault's 400. */
export function parseCsr(pem: string | undefined): CsrContents {
  if (pem === undefined || pem.trim() === '') throw badRequest('"csr" is empty');
  const block =
    /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]*?-----END (NEW )?CERTIFICATE REQUEST-----/.exec(pem);
  if (!block) throw badRequest('csr contains no data');
  let csr: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    csr = new x509.Pkcs10CertificateRequest(
      block[0].replace(/NEW CERTIFICATE REQUEST/g, 'CERTIFICATE REQUEST'),
    );
  } catch (error) {
    throw badRequest(`certificate request could not be parsed: ${(error as Error).message}`);
  }
  const san = csr.extensions.find(
    (extension): extension is InstanceType<typeof x509.SubjectAlternativeNameExtension> =>
      extension instanceof x509.SubjectAlternativeNameExtension,
  );
  const names = san?.names.items ?? [];
  const valuesOf = (type: string): string[] =>
    names.filter((name) => name.type === type).map((name) => name.value);
  return {
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    dnsNames: valuesOf('dns'),
    emails: valuesOf('email'),
    ipSans: valuesOf('ip'),
    uriSans: valuesOf('url'),
    publicKey: Buffer.from(csr.publicKey.rawData),
  };
}

/** The role's key type and minimum size, checked against the CSR's key. */
export function checkCsrKey(role: PkiRole, publicKey: Buffer): void {
  const found = describePublicKey(publicKey);
  if (!found || !['rsa', 'ec', 'ed25519'].includes(found.keyType)) {
    throw badRequest(`Unknown key type in CSR: ${found?.keyType ?? 'unknown'}`);
  }
  if (found.keyType === 'rsa' && found.keyBits < 2048) {
    throw badRequest(`Vault requires a minimum of a 2048-bit key, but CSR's key is ${found.keyBits} bits`);
  }
  if (role.key_type === 'any') return;
  if (found.keyType !== role.key_type) throw badRequest(`role requires keys of type ${role.key_type}`);
  if (role.key_bits > 0 && found.keyBits < role.key_bits) {
    throw badRequest(
      `role requires a minimum of a ${role.key_bits}-bit key, but CSR's key is ${found.keyBits} bits`,
    );
  }
}
