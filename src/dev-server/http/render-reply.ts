// From a backend's answer (or error) to the exact bytes Vault sends: the §0.4 envelope with every key present,
// `{"errors":[…]}` bodies, 204 for empty writes and 404 for empty reads and lists (reference/vault-api.md §0.4, §0.7).

import { randomUUID } from 'node:crypto';
import type { DevResponse, Operation } from '../types.js';
import { VaultApiError, multierror } from '../types.js';

/** What goes on the wire. `contentType` undefined sends none (a HEAD that failed, as Vault does). */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string | Uint8Array;
}

/** The logical (envelope) variant of DevResponse. */
export type LogicalResponse = Extract<DevResponse, { kind: 'logical' }>;

/** How a logical answer is to be rendered. */
export interface RenderOptions {
  readonly operation: Operation;
  readonly mountType: string;
  /** Vault's HTTPSysInjector: `data` keys repeated at the top level (sys/mounts, sys/auth, sys/wrapping/wrap). */
  readonly injectDataIntoTopLevel?: boolean;
}

export const JSON_TYPE = 'application/json';

/** A JSON body as Go's json.Encoder writes it: compact, ending with a newline. */
export function jsonReply(status: number, body: unknown): HttpReply {
  return { status, contentType: JSON_TYPE, body: `${JSON.stringify(body)}\n` };
}

/** `{"errors":[…]}` with this status. */
export function errorReply(status: number, errors: readonly string[]): HttpReply {
  return jsonReply(status, { errors });
}

/** Vault's respondOk(w, nil): 204, no body, still labelled JSON. */
export const noContent = (): HttpReply => ({ status: 204, contentType: JSON_TYPE, body: '' });

/** The §0.4 envelope of a logical answer, with a fresh request id. */
export function envelope(response: LogicalResponse, mountType: string): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: response.secret?.leaseId ?? '',
    renewable: response.secret?.renewable ?? false,
    lease_duration: response.secret?.leaseDuration ?? 0,
    data: response.data ?? null,
    wrap_info: null,
    warnings: response.warnings !== undefined && response.warnings.length > 0 ? response.warnings : null,
    auth: response.auth ?? null,
    mount_type: mountType,
  };
}

/** Renders any backend answer as Vault's HTTP layer would. */
export function renderResponse(response: DevResponse, options: RenderOptions): HttpReply {
  switch (response.kind) {
    case 'empty':
      return isReadLike(options.operation) ? errorReply(404, []) : noContent();
    case 'raw':
      return { status: response.status ?? 200, contentType: response.contentType, body: response.body };
    case 'json':
      return jsonReply(response.status ?? 200, response.body);
    case 'logical':
      if (options.operation === 'list' && !hasKeys(response)) return errorReply(404, []);
      return jsonReply(response.status ?? 200, logicalBody(response, options));
  }
}

function logicalBody(response: LogicalResponse, options: RenderOptions): Record<string, unknown> {
  const body = envelope(response, options.mountType);
  if (!options.injectDataIntoTopLevel || !response.data) return body;
  return { ...response.data, ...body };
}

/** A thrown VaultApiError as its status and errors; anything else is Vault's 500 with a multierror message. */
export function renderError(error: unknown): HttpReply {
  if (error instanceof VaultApiError) return errorReply(error.status, error.errors);
  const message = error instanceof Error ? error.message : String(error);
  return errorReply(500, [multierror(message)]);
}

function isReadLike(operation: Operation): boolean {
  return operation === 'read' || operation === 'list';
}

// Vault's handler: a list answer without a non-empty `keys` array is a 404, for consistency with GET.
function hasKeys(response: LogicalResponse): boolean {
  const keys = response.data?.keys;
  return Array.isArray(keys) && keys.length > 0;
}
