// Building the dev PKI's certificates with @peculiar/x509: self-signed roots and leaves signed by an issuer, with
// the extensions Vault puts in them (SANs, key usage, extended key usage from the role's flags, SKI/AKI).

import { x509 } from '../x509/x509.js';
import type { KeyMaterial, SigningKey } from './pki-crypto.js';
import { randomSerialHex } from './pki-crypto.js';

type Extension = InstanceType<typeof x509.Extension>;
type JsonName = { [type: string]: string[] }[];

/** The subject of a certificate: the CN and the role's subject fields. */
export interface SubjectFields {
  readonly commonName: string;
  readonly organization?: readonly string[];
  readonly ou?: readonly string[];
  readonly country?: readonly string[];
  readonly locality?: readonly string[];
  readonly province?: readonly string[];
  readonly streetAddress?: readonly string[];
  readonly postalCode?: readonly string[];
}

/** The SANs of a certificate, by kind. */
export interface SanFields {
  readonly dnsNames: readonly string[];
  readonly emails: readonly string[];
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
}

/** An issued certificate: PEM (trimmed) and its serial in hex. */
export interface BuiltCertificate {
  readonly pem: string;
  readonly serialHex: string;
  readonly cert: InstanceType<typeof x509.X509Certificate>;
}

const KEY_USAGES: Readonly<Record<string, number>> = {
  digitalsignature: x509.KeyUsageFlags.digitalSignature,
  contentcommitment: x509.KeyUsageFlags.nonRepudiation,
  keyencipherment: x509.KeyUsageFlags.keyEncipherment,
  dataencipherment: x509.KeyUsageFlags.dataEncipherment,
  keyagreement: x509.KeyUsageFlags.keyAgreement,
  certsign: x509.KeyUsageFlags.keyCertSign,
  crlsign: x509.KeyUsageFlags.cRLSign,
  encipheronly: x509.KeyUsageFlags.encipherOnly,
  decipheronly: x509.KeyUsageFlags.decipherOnly,
};

const EXT_KEY_USAGES: Readonly<Record<string, string>> = {
  any: '2.5.29.37.0',
  serverauth: x509.ExtendedKeyUsage.serverAuth,
  clientauth: x509.ExtendedKeyUsage.clientAuth,
  codesigning: x509.ExtendedKeyUsage.codeSigning,
  emailprotection: x509.ExtendedKeyUsage.emailProtection,
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  ocspsigning: x509.ExtendedKeyUsage.ocspSigning,
};

/** The subject as @peculiar/x509's JSON form, so commas or `+` in a CN cannot change its structure. */
export function subjectName(fields: SubjectFields): JsonName {
  const rdns: JsonName = [];
  const add = (type: string, values: readonly string[] | undefined): void => {
    for (const value of values ?? []) if (value !== '') rdns.push({ [type]: [value] });
  };
  add('C', fields.country);
  add('ST', fields.province);
  add('L', fields.locality);
  add('street', fields.streetAddress);
  add('postalCode', fields.postalCode);
  add('O', fields.organization);
  add('OU', fields.ou);
  add('CN', fields.commonName === '' ? [] : [fields.commonName]);
  return rdns;
}

/** The SAN extension, or nothing when there are no names. */
export function sanExtension(sans: SanFields): Extension[] {
  const names = [
    ...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...sans.emails.map((value) => ({ type: 'email' as const, value })),
    ...sans.ipSans.map((value) => ({ type: 'ip' as const, value })),
    ...sans.uriSans.map((value) => ({ type: 'url' as const, value })),
  ];
  return names.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(names)];
}

/** Key usage bits from the role's names (case-insensitive, as Vault reads them); unknown names are skipped. */
export function keyUsageFlags(names: readonly string[]): number {
  return names.reduce((flags, name) => flags | (KEY_USAGES[name.toLowerCase()] ?? 0), 0);
}

/** Extended key usage OIDs from the role's flags, names and OIDs. */
export function extKeyUsageOids(role: {
  server_flag: boolean;
  client_flag: boolean;
  code_signing_flag: boolean;
  email_protection_flag: boolean;
  ext_key_usage: readonly string[];
  ext_key_usage_oids: readonly string[];
}): string[] {
  const oids = new Set<string>();
  if (role.server_flag) oids.add(x509.ExtendedKeyUsage.serverAuth);
  if (role.client_flag) oids.add(x509.ExtendedKeyUsage.clientAuth);
  if (role.code_signing_flag) oids.add(x509.ExtendedKeyUsage.codeSigning);
  if (role.email_protection_flag) oids.add(x509.ExtendedKeyUsage.emailProtection);
  for (const name of role.ext_key_usage) {
    const oid = EXT_KEY_USAGES[name.toLowerCase().replace(/^extkeyusage/, '')];
    if (oid) oids.add(oid);
  }
  for (const oid of role.ext_key_usage_oids) oids.add(oid);
  return [...oids];
}

/** A self-signed CA certificate. */
export async function createRootCertificate(options: {
  readonly subject: SubjectFields;
  readonly sans: SanFields;
  readonly key: KeyMaterial;
  readonly signing: SigningKey;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly maxPathLength: number;
}): Promise<BuiltCertificate> {
  const name = subjectName(options.subject);
  const extensions: Extension[] = [
    new x509.BasicConstraintsExtension(
      true,
      options.maxPathLength >= 0 ? options.maxPathLength : undefined,
      true,
    ),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(options.key.spki),
    await x509.AuthorityKeyIdentifierExtension.create(options.key.spki),
    ...sanExtension(options.sans),
  ];
  return build({ ...options, subjectJson: name, issuerJson: name, extensions, publicKey: options.key.spki });
}

/** A leaf signed by an issuer. */
export async function createLeafCertificate(options: {
  readonly subject: SubjectFields;
  readonly sans: SanFields;
  readonly publicKey: Buffer;
  readonly issuer: { readonly cert: InstanceType<typeof x509.X509Certificate>; readonly key: KeyMaterial };
  readonly signing: SigningKey;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly keyUsage: number;
  readonly extKeyUsage: readonly string[];
  readonly basicConstraints: boolean;
}): Promise<BuiltCertificate> {
  const extensions: Extension[] = [];
  if (options.basicConstraints) extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  if (options.keyUsage !== 0) extensions.push(new x509.KeyUsagesExtension(options.keyUsage, true));
  if (options.extKeyUsage.length > 0)
    extensions.push(new x509.ExtendedKeyUsageExtension([...options.extKeyUsage]));
  extensions.push(
    await x509.SubjectKeyIdentifierExtension.create(options.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(options.issuer.key.spki),
    ...sanExtension(options.sans),
  );
  return build({
    subjectJson: subjectName(options.subject),
    issuerJson: options.issuer.cert.subjectName,
    extensions,
    publicKey: options.publicKey,
    signing: options.signing,
    notBeforeMs: options.notBeforeMs,
    notAfterMs: options.notAfterMs,
  });
}

async function build(options: {
  readonly subjectJson: JsonName | InstanceType<typeof x509.Name>;
  readonly issuerJson: JsonName | InstanceType<typeof x509.Name>;
  readonly extensions: Extension[];
  readonly publicKey: Buffer;
  readonly signing: SigningKey;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}): Promise<BuiltCertificate> {
  const serialHex = randomSerialHex();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex,
    subject: options.subjectJson,
    issuer: options.issuerJson,
    // X.509 times have whole seconds; Go truncates the same way.
    notBefore: new Date(Math.floor(options.notBeforeMs / 1000) * 1000),
    notAfter: new Date(Math.floor(options.notAfterMs / 1000) * 1000),
    publicKey: options.publicKey,
    signingKey: options.signing.key,
    signingAlgorithm: options.signing.algorithm,
    extensions: options.extensions,
  });
  return { pem: cert.toString('pem').trim(), serialHex, cert };
}
