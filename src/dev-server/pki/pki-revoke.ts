// POST {mount}/revoke (reference/vault-api.md §1.6): by serial (colon or hyphen) or by certificate, idempotent,
// the CRL rebuilt; an expired certificate is not added, with Vault's warning.

import { vaultSerial } from '../x509/serial.js';
import { x509 } from '../x509/x509.js';
import { stringField } from '../token/framework-fields.js';
import { formatRfc3339Nano } from '../token/time-format.js';
import type { DevRequest, DevResponse } from '../types.js';
import { badRequest } from '../types.js';
import type { PkiState } from './pki-state.js';

/** Answers `revoke`. */
export function revoke(state: PkiState, request: DevRequest, nowMs: number): DevResponse {
  const serialField = stringField(request.data, 'serial_number') ?? '';
  const certificate = stringField(request.data, 'certificate') ?? '';
  if (serialField === '' && certificate === '') {
    throw badRequest('The serial number or certificate to revoke must be provided.');
  }
  if (serialField !== '' && certificate !== '') {
    throw badRequest('Must provide either the certificate or the serial to revoke; not both.');
  }
  const serial = serialField !== '' ? serialField : serialOf(certificate);
  const entry = state.find(serial);
  if (!entry) throw badRequest(`certificate with serial ${serial} not found.`);
  const issuer = state.issuers.find((candidate) => candidate.serial === entry.serial);
  if (issuer) throw badRequest(`adding issuer (id: ${issuer.id}) to its own CRL is not allowed`);
  if (entry.revokedAtMs === undefined && entry.notAfterMs <= nowMs) {
    return {
      kind: 'logical',
      data: null,
      warnings: [`certificate with serial ${serial} already expired; refusing to add to CRL`],
    };
  }
  state.revoke(entry, nowMs);
  const at = entry.revokedAtMs!;
  return {
    kind: 'logical',
    data: {
      revocation_time: Math.floor(at / 1000),
      revocation_time_rfc3339: formatRfc3339Nano(at),
      state: 'revoked',
    },
  };
}

function serialOf(pem: string): string {
  try {
    return vaultSerial(new x509.X509Certificate(pem.trim()).serialNumber);
  } catch (error) {
    throw badRequest(`certificate could not be parsed: ${(error as Error).message}`);
  }
}
