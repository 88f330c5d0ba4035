// POST {mount}/issue/:role and {mount}/sign/:role (reference/vault-api.md §1.2–1.5): names checked against the
// role, NotAfter computed with Vault's clamping, the leaf signed by the default issuer, and the §1.3 response.

import { vaultSerial } from '../x509/serial.js';
import { boolField, commaListField, durationField, stringField } from '../token/framework-fields.js';
import { effectiveTtls } from '../token/ttl-math.js';
import type { BackendContext, DevRequest, DevResponse } from '../types.js';
import { VaultApiError, badRequest } from '../types.js';
import type { RequestedNames } from './name-policy.js';
import { checkRequestedNames } from './name-policy.js';
import { createLeafCertificate, extKeyUsageOids, keyUsageFlags } from './pki-certificate.js';
import type { KeyMaterial, PkiKeyType } from './pki-crypto.js';
import { generateKeyMaterial, privateKeyDer, privateKeyPem } from './pki-crypto.js';
import { checkCsrKey, parseCsr } from './pki-csr.js';
import type { PkiRole } from './pki-roles.js';
import type { Issuer, PkiState } from './pki-state.js';
import { computeNotAfter } from './pki-ttl.js';

const FORMATS = ['pem', 'der', 'pem_bundle'];

/** Answers `issue/:role` (mode issue) or `sign/:role` (mode sign) for an existing role. */
export async function issueOrSign(
  context: BackendContext,
  state: PkiState,
  role: PkiRole,
  request: DevRequest,
  mode: 'issue' | 'sign',
): Promise<DevResponse> {
  const issuer = state.defaultIssuer;
  if (!issuer) {
    throw new VaultApiError(500, [
      'could not fetch the CA certificate (was one set?): no default issuer currently configured',
    ]);
  }
  const data = request.data;
  const format = stringField(data, 'format') ?? 'pem';
  if (!FORMATS.includes(format)) {
    throw badRequest('the "format" path parameter must be "pem", "der", or "pem_bundle"');
  }
  if (mode === 'issue' && role.key_type === 'any') {
    throw badRequest('role key type "any" not allowed for issuing certificates, only signing');
  }
  const warnings: string[] = [];
  const csr = mode === 'sign' ? parseCsr(stringField(data, 'csr')) : undefined;
  if (csr) checkCsrKey(role, csr.publicKey);
  const { names, source } = requestedNames(role, data, csr, warnings);
  checkRequestedNames(role, names, source);

  const now = context.clock.now();
  const ttls = effectiveTtls(context.mount.config, context.system);
  const notAfter = computeNotAfter({
    nowMs: now,
    requestTtl: durationField(data, 'ttl'),
    requestNotAfter: stringField(data, 'not_after'),
    roleTtl: role.ttl,
    roleMaxTtl: role.max_ttl,
    roleNotAfter: role.not_after,
    mountDefaultTtl: ttls.defaultLeaseTtl,
    mountMaxTtl: ttls.maxLeaseTtl,
    caNotAfterMs: issuer.cert.notAfter.getTime(),
  });
  warnings.push(...notAfter.warnings);

  const key = csr ? undefined : await generateKeyMaterial(role.key_type as PkiKeyType, role.key_bits);
  const built = await createLeafCertificate({
    subject: {
      commonName: names.commonName,
      organization: role.organization,
      ou: role.ou,
      country: role.country,
      locality: role.locality,
      province: role.province,
      streetAddress: role.street_address,
      postalCode: role.postal_code,
    },
    sans: names,
    publicKey: csr ? csr.publicKey : key!.spki,
    issuer,
    signing: issuer.signing,
    notBeforeMs: now - role.not_before_duration * 1000,
    notAfterMs: notAfter.notAfterMs,
    keyUsage: keyUsageFlags(role.key_usage),
    extKeyUsage: extKeyUsageOids(role),
    basicConstraints: role.basic_constraints_valid_for_non_ca,
  });
  const serial = vaultSerial(built.serialHex);
  if (!role.no_store) {
    state.store({ serial, pem: built.pem, notAfterMs: built.cert.notAfter.getTime(), issuerId: issuer.id });
  }
  return {
    kind: 'logical',
    data: responseData(built.pem, serial, built.cert.notAfter.getTime(), issuer, key, data, format),
    warnings: warnings.length > 0 ? warnings : undefined,
  };
}

function requestedNames(
  role: PkiRole,
  data: DevRequest['data'],
  csr: ReturnType<typeof parseCsr> | undefined,
  warnings: string[],
): { names: RequestedNames; source: 'api' | 'csr' } {
  const requestCn = stringField(data, 'common_name') ?? '';
  const altNames = (commaListField(data, 'alt_names') ?? []).filter((name) => name !== '');
  let commonName = requestCn;
  if (csr && role.use_csr_common_name) {
    if (requestCn !== '') {
      warnings.push(
        'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
      );
    }
    commonName = csr.commonName;
  }
  let dnsNames = altNames.filter((name) => !name.includes('@'));
  let emails = altNames.filter((name) => name.includes('@'));
  let ipSans = (commaListField(data, 'ip_sans') ?? []).filter((ip) => ip !== '');
  let uriSans = (commaListField(data, 'uri_sans') ?? []).filter((uri) => uri !== '');
  let source: 'api' | 'csr' = 'api';
  if (csr && role.use_csr_sans) {
    if (altNames.length > 0) {
      warnings.push('the alt_names field was provided but the role is set with "use_csr_sans" set to true');
    }
    ({ dnsNames, emails, ipSans, uriSans } = csr);
    source = 'csr';
  }
  if (commonName !== '' && !boolField(data, 'exclude_cn_from_sans')) {
    if (commonName.includes('@')) {
      if (!emails.includes(commonName)) emails = [commonName, ...emails];
    } else if (!dnsNames.includes(commonName) && !commonName.includes(' ')) {
      dnsNames = [commonName, ...dnsNames];
    }
  }
  return {
    names: { commonName, dnsNames: dedupe(dnsNames), emails: dedupe(emails), ipSans, uriSans },
    source,
  };
}

function responseData(
  pem: string,
  serial: string,
  notAfterMs: number,
  issuer: Issuer,
  key: KeyMaterial | undefined,
  data: DevRequest['data'],
  format: string,
): Record<string, unknown> {
  const keyFormat = stringField(data, 'private_key_format') === 'pkcs8' ? 'pkcs8' : 'der';
  const der = (text: string): string => text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const out: Record<string, unknown> = {
    certificate: format === 'der' ? der(pem) : pem,
    issuing_ca: format === 'der' ? der(issuer.pem) : issuer.pem,
    ca_chain: [format === 'der' ? der(issuer.pem) : issuer.pem],
    serial_number: serial,
    expiration: Math.floor(notAfterMs / 1000),
  };
  if (key) {
    out.private_key = format === 'der' ? privateKeyDer(key, keyFormat) : privateKeyPem(key, keyFormat);
    out.private_key_type = key.keyType;
  }
  if (format === 'pem_bundle') {
    out.certificate = [...(key ? [privateKeyPem(key, keyFormat)] : []), pem, issuer.pem].join('\n');
  }
  return out;
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}
