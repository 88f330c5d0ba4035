// Turns what Node and undici throw when a connection to Vault fails into words an operator can act on:
// "Vault unreachable at https://vault:8200 (connection refused)" rather than a bare ECONNREFUSED.

import { codeInCauses } from '../lib/errors.js';

/** Error codes, as Node, OpenSSL and undici spell them, and what they mean to an operator. */
const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ENOTFOUND: 'DNS: no such host',
  EAI_AGAIN: 'DNS lookup failed, temporarily',
  EAI_FAIL: 'DNS lookup failed',
  EAI_NONAME: 'DNS: no such host',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  EADDRNOTAVAIL: 'address not available',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the server certificate is not trusted (set vault.ca_cert)',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS: the server certificate is not trusted (set vault.ca_cert)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the server certificate is not trusted (set vault.ca_cert)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: the server certificate is not trusted (set vault.ca_cert)',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'TLS: the server certificate is self-signed and not trusted (set vault.ca_cert)',
  CERT_HAS_EXPIRED: 'TLS: the server certificate has expired',
  CERT_NOT_YET_VALID: 'TLS: the server certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'TLS: the server certificate does not name this host (check the address or vault.tls_server_name)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: the server does not speak TLS there (http:// vs https://?)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'TLS: the server does not speak TLS there (http:// vs https://?)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'TLS: the server refused our client certificate (unknown CA)',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'TLS: the server refused our client certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'TLS: the server requires a client certificate',
  EPROTO: 'TLS or protocol error',
  HPE_INVALID_CONSTANT: 'the server did not answer in HTTP (https:// to a plain listener?)',
};

/** The first error code found on `error` or its causes (undici wraps the socket's error). */
export function transportCode(error: unknown): string | undefined {
  return codeInCauses(error, (code) => code !== '' && code !== 'UND_ERR', 4);
}

/**
 * What went wrong, in words, with the code in brackets when it is not self-evident; never the error's free-form
 * message, which may echo a request (and so a secret).
 */
export function transportReason(error: unknown): string {
  const code = transportCode(error);
  if (code === undefined) return 'connection failed';
  const reason = REASONS[code];
  if (reason !== undefined)
    return reason.startsWith('TLS') || reason.startsWith('DNS') ? `${reason} [${code}]` : reason;
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /CERT/.test(code))
    return `TLS failure [${code}]`;
  return `connection failed [${code}]`;
}

/** The address without credentials or a path: what an operator compares with `vault.address`. */
export function displayAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'the configured address';
  }
}
