// The PKI's read endpoints (reference/vault-api.md §1.7): the CA and its chain, the CRL, stored certificates.
// Raw endpoints answer 204 with an empty body before a CA exists, as Vault does.

import { formatRfc3339Nano } from '../token/time-format.js';
import type { DevResponse } from '../types.js';
import { notFound } from '../types.js';
import type { PkiState } from './pki-state.js';

const PEM_CHAIN = 'application/pem-certificate-chain';

/** Paths under the mount that need no token. */
export function isUnauthenticatedRead(path: string): boolean {
  return ['ca', 'ca/pem', 'ca_chain', 'crl', 'crl/pem'].includes(path) || path.startsWith('cert/');
}

/** Answers a read endpoint, or undefined when `path` is not one. */
export async function readEndpoint(
  state: PkiState,
  path: string,
  nowMs: number,
): Promise<DevResponse | undefined> {
  const issuer = state.defaultIssuer;
  switch (path) {
    case 'ca/pem':
      return issuer ? raw(PEM_CHAIN, issuer.pem) : { kind: 'empty' };
    case 'ca':
      return issuer ? raw('application/pkix-cert', Buffer.from(issuer.cert.rawData)) : { kind: 'empty' };
    case 'ca_chain':
      return issuer ? raw('application/pkix-cert', issuer.pem) : { kind: 'empty' };
    case 'crl/pem': {
      const crl = await state.crl(nowMs);
      return crl ? raw('application/x-pem-file', crlPem(crl.rawData)) : { kind: 'empty' };
    }
    case 'crl': {
      const crl = await state.crl(nowMs);
      return crl ? raw('application/pkix-crl', Buffer.from(crl.rawData)) : { kind: 'empty' };
    }
    default:
      return path.startsWith('cert/') ? readCert(state, path.slice('cert/'.length), nowMs) : undefined;
  }
}

async function readCert(state: PkiState, rest: string, nowMs: number): Promise<DevResponse> {
  const [serial = '', ...suffix] = rest.split('/');
  const rawForm = suffix.join('/');
  const pem = await pemFor(state, serial, nowMs);
  if (pem === undefined) throw notFound();
  if (rawForm === 'raw/pem') return raw(PEM_CHAIN, pem);
  if (rawForm === 'raw') {
    const der = Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return raw('application/pkix-cert', der);
  }
  if (rawForm !== '') throw notFound();
  const data: Record<string, unknown> = { certificate: pem, revocation_time: 0, revocation_time_rfc3339: '' };
  if (serial === 'ca_chain') data.ca_chain = pem;
  const entry = state.find(serial);
  if (entry?.revokedAtMs !== undefined) {
    data.revocation_time = Math.floor(entry.revokedAtMs / 1000);
    data.revocation_time_rfc3339 = formatRfc3339Nano(entry.revokedAtMs);
    data.issuer_id = entry.issuerId;
  }
  return { kind: 'logical', data };
}

async function pemFor(state: PkiState, serial: string, nowMs: number): Promise<string | undefined> {
  if (serial === 'ca' || serial === 'ca_chain') return state.defaultIssuer?.pem;
  if (serial === 'crl') {
    const crl = await state.crl(nowMs);
    return crl && crlPem(crl.rawData);
  }
  return state.find(serial)?.pem;
}

function raw(contentType: string, body: string | Uint8Array): DevResponse {
  return { kind: 'raw', contentType, body };
}

/** PEM with the `X509 CRL` label OpenSSL and Go expect (the library writes a bare `CRL`). */
export function crlPem(der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return ['-----BEGIN X509 CRL-----', ...lines, '-----END X509 CRL-----'].join('\n');
}
