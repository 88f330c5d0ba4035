// PKI roles (reference/vault-api.md §1.1): every field with Vault's default, the write validation errors, and the
// read-back shape (TTLs as integer seconds, key_bits resolved).

import {
  boolField,
  commaListField,
  durationField,
  intField,
  stringField,
} from '../token/framework-fields.js';
import { badRequest } from '../types.js';
import { defaultKeyBits } from './pki-crypto.js';

type Data = Readonly<Record<string, unknown>>;

const BOOL_DEFAULTS = {
  allow_localhost: true,
  allowed_domains_template: false,
  allow_bare_domains: false,
  allow_subdomains: false,
  allow_glob_domains: false,
  allow_wildcard_certificates: true,
  allow_any_name: false,
  enforce_hostnames: true,
  allow_ip_sans: true,
  allowed_uri_sans_template: false,
  allow_token_displayname: false,
  server_flag: true,
  client_flag: true,
  code_signing_flag: false,
  email_protection_flag: false,
  use_pss: false,
  use_csr_common_name: true,
  use_csr_sans: true,
  generate_lease: false,
  no_store: false,
  require_cn: true,
  basic_constraints_valid_for_non_ca: false,
} as const;

const LIST_DEFAULTS = {
  allowed_domains: [] as string[],
  allowed_uri_sans: [] as string[],
  allowed_other_sans: [] as string[],
  allowed_serial_numbers: [] as string[],
  allowed_user_ids: [] as string[],
  key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
  ext_key_usage: [] as string[],
  ext_key_usage_oids: [] as string[],
  ou: [] as string[],
  organization: [] as string[],
  country: [] as string[],
  locality: [] as string[],
  province: [] as string[],
  street_address: [] as string[],
  postal_code: [] as string[],
  policy_identifiers: [] as string[],
  cn_validations: ['email', 'hostname'],
};

type BoolName = keyof typeof BOOL_DEFAULTS;
type ListName = keyof typeof LIST_DEFAULTS;

/** A stored role. Durations are whole seconds (0 = unset). */
export type PkiRole = { -readonly [K in BoolName]: boolean } & { -readonly [K in ListName]: string[] } & {
  issuer_ref: string;
  ttl: number;
  max_ttl: number;
  not_before_duration: number;
  key_type: string;
  key_bits: number;
  signature_bits: number;
  not_after: string;
};

/** Every field a role write knows (for the unrecognized-parameters warning). */
export const ROLE_FIELDS: readonly string[] = [
  ...Object.keys(BOOL_DEFAULTS),
  ...Object.keys(LIST_DEFAULTS),
  'issuer_ref',
  'ttl',
  'max_ttl',
  'not_before_duration',
  'key_type',
  'key_bits',
  'signature_bits',
  'not_after',
  'name',
  'lease',
];

const RSA_BITS = [2048, 3072, 4096, 8192];
const EC_BITS = [224, 256, 384, 521];

/** A role as Vault stores one written with no fields at all. */
export function defaultRole(): PkiRole {
  const lists = Object.fromEntries(Object.entries(LIST_DEFAULTS).map(([key, value]) => [key, [...value]]));
  return {
    ...BOOL_DEFAULTS,
    ...(lists as { [K in ListName]: string[] }),
    issuer_ref: 'default',
    ttl: 0,
    max_ttl: 0,
    not_before_duration: 30,
    key_type: 'rsa',
    key_bits: 2048,
    signature_bits: 256,
    not_after: '',
  };
}

/**
 * Builds the stored role from a write. `base` is the default role for POST/PUT (create or overwrite, no merge) and
 * the existing role for PATCH. Throws Vault's 400s for invalid combinations.
 */
export function writeRole(base: PkiRole, data: Data): PkiRole {
  const role: PkiRole = structuredClone(base);
  for (const name of Object.keys(BOOL_DEFAULTS) as BoolName[]) {
    const value = boolField(data, name);
    if (value !== undefined) role[name] = value;
  }
  for (const name of Object.keys(LIST_DEFAULTS) as ListName[]) {
    const value = commaListField(data, name);
    if (value !== undefined) role[name] = value.filter((item) => item !== '');
  }
  role.issuer_ref = stringField(data, 'issuer_ref') ?? role.issuer_ref;
  role.ttl = durationField(data, 'ttl') ?? role.ttl;
  role.max_ttl = durationField(data, 'max_ttl') ?? role.max_ttl;
  role.not_before_duration = durationField(data, 'not_before_duration') ?? role.not_before_duration;
  role.not_after = stringField(data, 'not_after') ?? role.not_after;
  const keyTypeGiven = stringField(data, 'key_type');
  role.key_type = keyTypeGiven ?? role.key_type;
  const bitsGiven = intField(data, 'key_bits');
  // A new key type without key_bits resolves to that type's default, not the old type's size.
  if (bitsGiven !== undefined) role.key_bits = bitsGiven;
  else if (keyTypeGiven !== undefined) role.key_bits = 0;
  role.signature_bits = intField(data, 'signature_bits') ?? role.signature_bits;
  if (role.no_store) role.generate_lease = false;
  validateRole(role);
  return role;
}

function validateRole(role: PkiRole): void {
  if (role.max_ttl > 0 && role.ttl > role.max_ttl) {
    throw badRequest(`"ttl" value must be less than "max_ttl" value`);
  }
  switch (role.key_type) {
    case 'rsa':
      if (role.key_bits === 0) role.key_bits = 2048;
      if (role.key_bits < 2048) {
        throw badRequest(`RSA keys < 2048 bits are unsafe and not supported: got ${role.key_bits}`);
      }
      if (!RSA_BITS.includes(role.key_bits)) {
        throw badRequest(`unsupported bit length for RSA key: ${role.key_bits}`);
      }
      break;
    case 'ec':
      if (role.key_bits === 0) role.key_bits = defaultKeyBits('ec');
      if (!EC_BITS.includes(role.key_bits))
        throw badRequest(`unsupported bit length for EC key: ${role.key_bits}`);
      break;
    case 'ed25519':
    case 'any':
      role.key_bits = 0;
      break;
    default:
      throw badRequest(`unknown key type ${role.key_type}`);
  }
  if (role.signature_bits === 0 && role.key_type === 'rsa') role.signature_bits = 256;
}

/** The read-back `data`: every field, TTLs as integer seconds. */
export function roleData(role: PkiRole): Record<string, unknown> {
  const sorted = Object.entries(role).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(sorted.map(([key, value]) => [key, Array.isArray(value) ? [...value] : value]));
}
