// POST {mount}/root/generate/:type (reference/vault-api.md §1.8): a self-signed root that becomes the default
// issuer when it is the first.

import { randomUUID } from 'node:crypto';
import { vaultSerial } from '../x509/serial.js';
import {
  boolField,
  commaListField,
  durationField,
  intField,
  stringField,
} from '../token/framework-fields.js';
import { effectiveTtls } from '../token/ttl-math.js';
import type { BackendContext, DevRequest, DevResponse } from '../types.js';
import { badRequest } from '../types.js';
import { createRootCertificate } from './pki-certificate.js';
import type { PkiKeyType } from './pki-crypto.js';
import { generateKeyMaterial, privateKeyDer, privateKeyPem, signingKeyOf } from './pki-crypto.js';
import type { PkiState } from './pki-state.js';
import { computeNotAfter } from './pki-ttl.js';

const AIA_WARNING =
  "This mount hasn't configured any authority information access (AIA) fields; this may make it harder for systems to find missing certificates in the chain or to validate revocation status of certificates. Consider updating /config/urls or the newly generated issuer with this information.";

const ROOT_KEY_BITS: Readonly<Record<string, readonly number[]>> = {
  rsa: [2048, 3072, 4096],
  ec: [256, 384, 521],
};

/** Answers `root/generate/<type>`. */
export async function generateRoot(
  context: BackendContext,
  state: PkiState,
  type: string,
  request: DevRequest,
): Promise<DevResponse> {
  if (!['internal', 'exported', 'existing', 'kms'].includes(type)) {
    throw badRequest(`the "exported" path parameter must be "internal", "existing", exported" or "kms"`);
  }
  if (type === 'existing' || type === 'kms') {
    throw badRequest(`the dev server only supports "internal" and "exported" root generation`);
  }
  const data = request.data;
  const keyType = (stringField(data, 'key_type') ?? 'rsa') as PkiKeyType;
  const keyBits = resolveRootKeyBits(keyType, intField(data, 'key_bits') ?? 0);
  const commonName = stringField(data, 'common_name') ?? '';
  const now = context.clock.now();
  const ttls = effectiveTtls(context.mount.config, context.system);
  const { notAfterMs, warnings } = computeNotAfter({
    nowMs: now,
    requestTtl: durationField(data, 'ttl'),
    requestNotAfter: stringField(data, 'not_after'),
    roleTtl: 0,
    roleMaxTtl: 0,
    roleNotAfter: '',
    mountDefaultTtl: ttls.defaultLeaseTtl,
    mountMaxTtl: ttls.maxLeaseTtl,
    caNotAfterMs: Number.POSITIVE_INFINITY,
  });
  const key = await generateKeyMaterial(keyType, keyBits);
  const signing = await signingKeyOf(key);
  const altNames = commaListField(data, 'alt_names') ?? [];
  const dnsNames = altNames.filter((name) => name !== '' && !name.includes('@'));
  if (commonName !== '' && !boolField(data, 'exclude_cn_from_sans') && !commonName.includes(' ')) {
    if (!dnsNames.includes(commonName) && !commonName.includes('@')) dnsNames.unshift(commonName);
  }
  const built = await createRootCertificate({
    subject: {
      commonName,
      organization: commaListField(data, 'organization'),
      ou: commaListField(data, 'ou'),
      country: commaListField(data, 'country'),
      locality: commaListField(data, 'locality'),
      province: commaListField(data, 'province'),
    },
    sans: {
      dnsNames,
      emails: altNames.filter((name) => name.includes('@')),
      ipSans: commaListField(data, 'ip_sans') ?? [],
      uriSans: commaListField(data, 'uri_sans') ?? [],
    },
    key,
    signing,
    notBeforeMs: now - (durationField(data, 'not_before_duration') ?? 30) * 1000,
    notAfterMs,
    maxPathLength: intField(data, 'max_path_length') ?? -1,
  });
  const serial = vaultSerial(built.serialHex);
  const issuer = {
    id: randomUUID(),
    name: stringField(data, 'issuer_name') ?? '',
    keyId: randomUUID(),
    keyName: stringField(data, 'key_name') ?? '',
    pem: built.pem,
    cert: built.cert,
    key,
    signing,
    serial,
  };
  state.addIssuer(issuer);
  const out: Record<string, unknown> = {
    certificate: built.pem,
    issuing_ca: built.pem,
    serial_number: serial,
    expiration: Math.floor(built.cert.notAfter.getTime() / 1000),
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    key_name: issuer.keyName,
  };
  if (type === 'exported') {
    const format = stringField(data, 'private_key_format') === 'pkcs8' ? 'pkcs8' : 'der';
    out.private_key =
      stringField(data, 'format') === 'der' ? privateKeyDer(key, format) : privateKeyPem(key, format);
    out.private_key_type = keyType;
  }
  const allWarnings = [...warnings, AIA_WARNING];
  if (commonName === '') allWarnings.unshift('no common name was provided');
  return { kind: 'logical', data: out, warnings: allWarnings };
}

function resolveRootKeyBits(keyType: string, keyBits: number): number {
  const allowed = ROOT_KEY_BITS[keyType];
  if (!allowed) throw badRequest(`unknown key type ${keyType}`);
  const bits = keyBits === 0 ? (allowed[0]! === 2048 ? 2048 : 256) : keyBits;
  if (!allowed.includes(bits)) {
    throw badRequest(`unsupported bit length for ${keyType === 'rsa' ? 'RSA' : 'EC'} key: ${bits}`);
  }
  return bits;
}
