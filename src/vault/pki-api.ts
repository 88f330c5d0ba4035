import type { PkiIssued, PkiIssueRequest, PkiSignRequest } from './pki-types.js';
import type { VaultClient } from './types.js';
import { responseFields } from './response-fields.js';

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
  const fields = responseFields(data, path);
  const issuingCa = fields.text('issuing_ca');
  // Vault leaves ca_chain out only when it is empty; the issuer is then the whole chain it knows.
  const chain = fields.optionalTextList('ca_chain');
  return {
    certificate: fields.text('certificate'),
    issuingCa,
    caChain: chain && chain.length > 0 ? chain : [issuingCa],
    serialNumber: fields.text('serial_number'),
    expiration: fields.integer('expiration'),
    privateKey: withKey ? fields.text('private_key') : undefined,
    privateKeyType: withKey ? fields.text('private_key_type') : undefined,
    warnings: warnings ?? [],
  };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
