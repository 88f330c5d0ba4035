import type { PkiIssued, PkiIssueRequest, PkiSignRequest } from './pki-types.js';
import type { VaultClient } from './types.js';
import { VaultResponseError } from './vault-errors.js';

/** POST `{mount}/sign/{role}` with a CSR made here; the key never leaves the host. */
export async function signCertificate(
  client: VaultClient,
  token: string,
  request: PkiSignRequest,
  signal?: AbortSignal,
): Promise<PkiIssued> {
  const path = `${trimSlashes(request.mount)}/sign/${request.role}`;
  const envelope = await client.request({
    method: 'POST',
    path,
    token,
    operation: 'pki.sign',
    signal,
    body: { csr: request.csr, ...nameFields(request), format: 'pem' },
  });
  // The CSR carries exactly the names sent alongside it (they matter only for roles with use_csr_* off), so
  // Vault's notes that it used the CSR's names instead are expected on every issuance, not news for the operator.
  const warnings = (envelope?.warnings ?? []).filter((warning) => !EXPECTED_SIGN_WARNINGS.includes(warning));
  return issuedFrom(envelope?.data, warnings, path, false);
}

const EXPECTED_SIGN_WARNINGS = [
  'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
  'the alt_names field was provided but the role is set with "use_csr_sans" set to true',
];

/** POST `{mount}/issue/{role}`: Vault makes the key and returns it with the certificate. */
export async function issueCertificate(
  client: VaultClient,
  token: string,
  request: PkiIssueRequest,
  signal?: AbortSignal,
): Promise<PkiIssued> {
  const path = `${trimSlashes(request.mount)}/issue/${request.role}`;
  const envelope = await client.request({
    method: 'POST',
    path,
    token,
    operation: 'pki.issue',
    signal,
    body: { ...nameFields(request), format: 'pem', private_key_format: 'pkcs8' },
  });
  return issuedFrom(envelope?.data, envelope?.warnings, path, true);
}

function nameFields(request: PkiIssueRequest | PkiSignRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = { common_name: request.commonName };
  // Vault reads alt_names as a comma-separated string; the lists below accept arrays.
  if (request.altNames.length > 0) fields.alt_names = request.altNames.join(',');
  if (request.ipSans.length > 0) fields.ip_sans = [...request.ipSans];
  if (request.uriSans.length > 0) fields.uri_sans = [...request.uriSans];
  if (request.ttl !== undefined) fields.ttl = request.ttl;
  return fields;
}

/** Checks the §1.3 response shape; anything missing or mistyped is a VaultResponseError, never a guess. */
function issuedFrom(
  data: Record<string, unknown> | null | undefined,
  warnings: string[] | null | undefined,
  path: string,
  withKey: boolean,
): PkiIssued {
  const fail = (what: string): never => {
    throw new VaultResponseError(`vault ${path} answered without ${what}`);
  };
  if (!data) return fail('data');
  const text = (name: string): string => {
    const value = data[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fail(`a ${name} string`);
  };
  const certificate = text('certificate');
  const issuingCa = text('issuing_ca');
  const chain = data.ca_chain;
  if (
    chain !== undefined &&
    chain !== null &&
    (!Array.isArray(chain) || chain.some((c) => typeof c !== 'string'))
  ) {
    fail('ca_chain as an array of strings');
  }
  const expiration = data.expiration;
  if (typeof expiration !== 'number' || !Number.isInteger(expiration)) fail('expiration as an integer');
  return {
    certificate,
    issuingCa,
    caChain:
      Array.isArray(chain) && chain.length > 0 ? (chain as string[]).map((c) => c.trim()) : [issuingCa],
    serialNumber: text('serial_number'),
    expiration: expiration as number,
    privateKey: withKey ? text('private_key') : undefined,
    privateKeyType: withKey ? text('private_key_type') : undefined,
    warnings: warnings ?? [],
  };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
