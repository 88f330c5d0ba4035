// From an HTTP request to Vault's logical request: the operation the method stands for, the data (body or query),
// the caller's token and the requested wrap TTL, with Vault's status codes for everything that is refused before
// any handler runs (reference/vault-api.md §0.1, §0.2).

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { DurationParseError, parseVaultDurationMs } from '../../lib/duration.js';
import type { Operation } from '../types.js';
import { VaultApiError } from '../types.js';
import { mediaType, parseBody, parseJsonObject, queryData, readBody } from './read-body.js';

/** A request after the HTTP layer: what the core routes and what backends see (once authenticated). */
export interface ParsedRequest {
  readonly method: string;
  readonly operation: Operation;
  /** The path after `/v1/`. A list gets a trailing slash, as Vault adds one. */
  readonly path: string;
  readonly data: Record<string, unknown>;
  /** The client token: `X-Vault-Token`, else `Authorization: Bearer`. */
  readonly token: string | undefined;
  /** Seconds asked for with `X-Vault-Wrap-TTL`; 0 when the reply is not to be wrapped. */
  readonly wrapTtl: number;
  readonly remoteAddress: string;
  readonly headers: IncomingHttpHeaders;
  /** The client certificate of the TLS handshake, PEM (HTTPS only, when the client sent one). */
  readonly clientCertificate: string | undefined;
}

const MERGE_PATCH = 'application/merge-patch+json';
const PARSE_BOOL = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((w) => [w, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((w) => [w, false] as const),
]);

/** A bare error status (`{"errors":[]}`), as Vault's respondError(w, status, nil) writes it. */
export const bareError = (status: number): VaultApiError => new VaultApiError(status, []);

/** Builds the logical request, or throws the VaultApiError Vault answers before routing. */
export async function parseRequest(request: IncomingMessage, url: URL, path: string): Promise<ParsedRequest> {
  const { operation, data, logicalPath } = await operationAndData(request, url, path);
  return {
    method: request.method ?? 'GET',
    operation,
    path: logicalPath,
    data,
    token: requestToken(request.headers),
    wrapTtl: wrapTtlOf(request.headers),
    remoteAddress: remoteAddressOf(request),
    headers: request.headers,
    clientCertificate: (request.socket as { peerCertificatePem?: string }).peerCertificatePem,
  };
}

async function operationAndData(
  request: IncomingMessage,
  url: URL,
  path: string,
): Promise<{ operation: Operation; data: Record<string, unknown>; logicalPath: string }> {
  const query = new URLSearchParams(url.search);
  switch (request.method) {
    case 'GET': {
      const list = query.get('list');
      if (list === null || list === '')
        return { operation: 'read', data: queryData(query), logicalPath: path };
      const asList = PARSE_BOOL.get(list);
      if (asList === undefined) throw bareError(400);
      if (!asList) return { operation: 'read', data: queryData(query), logicalPath: path };
      query.delete('list');
      return { operation: 'list', data: queryData(query), logicalPath: withSlash(path) };
    }
    case 'LIST':
      return { operation: 'list', data: queryData(query), logicalPath: withSlash(path) };
    case 'DELETE':
      return { operation: 'delete', data: queryData(query), logicalPath: path };
    case 'POST':
    case 'PUT': {
      const body = await readBody(request);
      return {
        operation: 'update',
        data: parseBody(body, request.headers['content-type']),
        logicalPath: path,
      };
    }
    case 'PATCH': {
      checkMergePatch(request.headers['content-type']);
      const body = await readBody(request);
      return { operation: 'patch', data: parseJsonObject(body.toString('utf8')), logicalPath: path };
    }
    default:
      throw bareError(405);
  }
}

function checkMergePatch(contentType: string | undefined): void {
  const type = mediaType(contentType);
  if (type === '') throw new VaultApiError(400, ['mime: no media type']);
  if (type !== MERGE_PATCH) {
    throw new VaultApiError(415, [`PATCH requires Content-Type of ${MERGE_PATCH}, provided ${type}`]);
  }
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** `X-Vault-Token` wins over `Authorization: Bearer …`. */
export function requestToken(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers['x-vault-token'];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value !== undefined && value !== '') return value;
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  return undefined;
}

function wrapTtlOf(headers: IncomingHttpHeaders): number {
  const raw = headers['x-vault-wrap-ttl'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return 0;
  let ms: number;
  try {
    ms = parseVaultDurationMs(value);
  } catch (error) {
    const message = error instanceof DurationParseError ? error.message : String(error);
    throw new VaultApiError(400, [`error parsing X-Vault-Wrap-TTL header: ${message}`]);
  }
  if (ms < 0) {
    throw new VaultApiError(400, [
      'error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative',
    ]);
  }
  return Math.floor(ms / 1000);
}

function remoteAddressOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
