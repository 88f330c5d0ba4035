// `sys/health`, `sys/seal-status`, `sys/unseal` and `sys/seal`: the endpoints Vault serves with dedicated HTTP
// handlers rather than through the system backend, so they answer while sealed and use bare JSON bodies
// (reference/vault-api.md §5).

import type { IncomingMessage } from 'node:http';
import type { HttpReply } from '../http/render-reply.js';
import { errorReply, jsonReply, noContent } from '../http/render-reply.js';
import { parseJsonObject, readBody } from '../http/read-body.js';
import { unixSeconds } from '../token/time-format.js';
import type { SysContext } from './sys-context.js';
import { VAULT_BUILD_DATE, VAULT_VERSION } from './sys-context.js';

const PARSE_BOOL = new Map<string, boolean>([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((w) => [w, true] as [string, boolean]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((w) => [w, false] as [string, boolean]),
]);

// Every status-code override Vault reads, with its default; the dev server is never a standby, DR secondary,
// uninitialised or removed node, but a bad value in any of them is still a 400.
const CODE_PARAMS = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  haunhealthycode: 474,
  uninitcode: 501,
  sealedcode: 503,
  removedcode: 530,
} as const;

/** `GET`/`HEAD sys/health`: the status matrix with its query overrides; HEAD sends the status alone. */
export function healthReply(context: SysContext, method: string, query: URLSearchParams): HttpReply {
  const code = healthCode(context.seal.sealed, query);
  if (code === undefined) {
    return method === 'HEAD' ? { status: 400, contentType: undefined, body: '' } : errorReply(400, []);
  }
  return jsonReply(code, healthBody(context));
}

function healthCode(sealed: boolean, query: URLSearchParams): number | undefined {
  for (const flag of ['standbyok', 'perfstandbyok']) {
    const value = query.get(flag);
    if (value !== null && !PARSE_BOOL.has(value)) return undefined;
  }
  const codes: Record<string, number> = {};
  for (const [name, fallback] of Object.entries(CODE_PARAMS)) {
    const value = query.get(name);
    if (value === null) codes[name] = fallback;
    else if (/^[+-]?\d+$/.test(value) && Number(value) >= 100 && Number(value) <= 999)
      codes[name] = Number(value);
    else return undefined;
  }
  return sealed ? codes.sealedcode : codes.activecode;
}

function healthBody(context: SysContext): Record<string, unknown> {
  const sealed = context.seal.sealed;
  return {
    initialized: true,
    sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: unixSeconds(context.clock.now()),
    version: VAULT_VERSION,
    ...(sealed ? {} : { cluster_name: context.cluster.name, cluster_id: context.cluster.id }),
  };
}

/** The `sys/seal-status` body (also what `sys/unseal` answers). */
export function sealStatusBody(context: SysContext): Record<string, unknown> {
  const sealed = context.seal.sealed;
  return {
    type: 'shamir',
    initialized: true,
    sealed,
    t: 1,
    n: 1,
    progress: 0,
    nonce: '',
    version: VAULT_VERSION,
    build_date: VAULT_BUILD_DATE,
    migration: false,
    ...(sealed ? {} : { cluster_name: context.cluster.name, cluster_id: context.cluster.id }),
    recovery_seal: false,
    storage_type: 'inmem',
  };
}

/** `PUT sys/unseal` `{"key": …}` or `{"reset": true}`; answers the seal status. */
export async function unsealReply(context: SysContext, request: IncomingMessage): Promise<HttpReply> {
  const body = parseJsonObject((await readBody(request)).toString('utf8'));
  // Go decodes the untagged struct fields Key and Reset case-insensitively.
  const field = (name: string): unknown => Object.entries(body).find(([k]) => k.toLowerCase() === name)?.[1];
  if (field('reset') === true) {
    if (!context.seal.sealed) return errorReply(400, ['vault is unsealed']);
    return jsonReply(200, sealStatusBody(context));
  }
  const key = field('key');
  if (typeof key !== 'string' || key === '') {
    return errorReply(400, ["'key' must be specified in request body as JSON, or 'reset' set to true"]);
  }
  context.seal.unseal(key);
  return jsonReply(200, sealStatusBody(context));
}

/** `PUT sys/seal` once the caller's token has been checked: 204, also when already sealed. */
export function sealReply(context: SysContext): HttpReply {
  context.seal.seal();
  return noContent();
}
