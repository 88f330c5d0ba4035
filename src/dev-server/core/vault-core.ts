// The dev server's request pipeline, in Vault's order: URL outside /v1/ → 404; the dedicated sys handlers
// (health, seal-status, unseal, seal); method, body and headers; sealed → 503; sys/ or the mount table; token check
// (with sudo on the backend's root-protected paths); the backend; response wrapping; rendering (reference/vault-api.md §0).

import type { IncomingMessage } from 'node:http';
import type { ParsedRequest } from '../http/parse-request.js';
import { bareError, parseRequest } from '../http/parse-request.js';
import type { HttpReply, RenderOptions } from '../http/render-reply.js';
import { envelope, errorReply, jsonReply, renderError, renderResponse } from '../http/render-reply.js';
import type { SysContext } from '../sys/sys-context.js';
import { healthReply, sealReply, sealStatusBody, unsealReply } from '../sys/sys-health.js';
import { handleSys } from '../sys/sys-router.js';
import type { DevResponse, Operation } from '../types.js';
import { VaultApiError } from '../types.js';
import type { Access } from './authenticate.js';
import { authenticate } from './authenticate.js';
import type { Route } from './mount-table.js';

const SEALED = (): VaultApiError => new VaultApiError(503, ['Vault is sealed']);

/** Answers one request; never throws (errors become Vault's error replies). */
export async function produceReply(
  context: SysContext,
  request: IncomingMessage,
  url: URL,
  path: string | undefined,
): Promise<HttpReply> {
  try {
    if (path === undefined || path === '') return errorReply(404, []);
    const special = await specialReply(context, request, url, path);
    if (special !== undefined) return special;
    const parsed = await parseRequest(request, url, path);
    if (path === 'sys/seal') return sealWithToken(context, parsed);
    if (context.seal.sealed && !path.startsWith('sys/dev/')) throw SEALED();
    return await routeLogical(context, parsed);
  } catch (error) {
    return renderError(error);
  }
}

// Vault serves these with their own handlers, outside the logical router (they work while sealed).
async function specialReply(
  context: SysContext,
  request: IncomingMessage,
  url: URL,
  path: string,
): Promise<HttpReply | undefined> {
  const method = request.method ?? 'GET';
  switch (path) {
    case 'sys/health':
      if (method !== 'GET' && method !== 'HEAD') return errorReply(405, []);
      return healthReply(context, method, url.searchParams);
    case 'sys/seal-status':
      return method === 'GET' ? jsonReply(200, sealStatusBody(context)) : errorReply(405, []);
    case 'sys/unseal':
      return method === 'PUT' || method === 'POST' ? unsealReply(context, request) : errorReply(405, []);
    default:
      return undefined;
  }
}

function sealWithToken(context: SysContext, request: ParsedRequest): HttpReply {
  if (request.operation !== 'update') throw bareError(405);
  if (context.seal.sealed) return sealReply(context);
  authenticate(context, request.token, 'sudo', { path: 'sys/seal', operation: 'update' });
  return sealReply(context);
}

async function routeLogical(context: SysContext, request: ParsedRequest): Promise<HttpReply> {
  if (request.path.startsWith('sys/')) {
    const { response, injectDataIntoTopLevel } = handleSys(context, request);
    return finish(context, request, response, {
      operation: request.operation,
      mountType: 'system',
      injectDataIntoTopLevel,
    });
  }
  const route = context.mounts.route(request.path);
  const token = authenticate(context, request.token, accessOf(route, request.operation), request);
  if (route === undefined) {
    throw new VaultApiError(404, [
      `no handler for route ${JSON.stringify(request.path)}. route entry not found.`,
    ]);
  }
  const response = await route.backend.handle({
    operation: request.operation,
    path: route.rest,
    data: request.data,
    token,
    mount: route.entry,
    remoteAddress: request.remoteAddress,
    clientCertificate: request.clientCertificate,
    headers: request.headers,
  });
  return finish(context, request, response, { operation: request.operation, mountType: route.entry.type });
}

// Who may call a mounted path: anyone on its unauthenticated paths; a token with sudo on its root-protected ones,
// matched as Vault's Router.RootPath does (a trailing `*` by prefix, otherwise exactly); elsewhere any token its
// policies allow. An unmounted path is checked as an ordinary one, so the 404 comes after the token check.
function accessOf(route: Route | undefined, operation: Operation): Access {
  if (route === undefined) return 'token';
  if (route.backend.isUnauthenticated(route.rest, operation)) return 'none';
  const rest = route.rest;
  const rootPath = (route.backend.rootPaths ?? []).some((p) =>
    p.endsWith('*') ? rest.startsWith(p.slice(0, -1)) : rest === p,
  );
  return rootPath ? 'sudo' : 'token';
}

// A logical reply is wrapped when X-Vault-Wrap-TTL asked for it: the client gets wrap_info only.
function finish(
  context: SysContext,
  request: ParsedRequest,
  response: DevResponse,
  options: RenderOptions,
): HttpReply {
  const reply = renderResponse(response, options);
  if (request.wrapTtl <= 0 || response.kind !== 'logical' || reply.status !== 200) return reply;
  const original = JSON.parse(String(reply.body)) as Record<string, unknown>;
  const wrapInfo = context.wrapping.wrap(original, reply.status, request.wrapTtl, request.path);
  const wrapped = envelope({ kind: 'logical' }, '');
  return jsonReply(200, { ...wrapped, request_id: '', wrap_info: wrapInfo });
}
