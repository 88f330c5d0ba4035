// The system backend: `sys/…` paths other than the four with their own HTTP handlers (sys-health.ts). Each route
// says who may call it and whether Vault repeats its data at the top level of the reply (HTTPSysInjector).

import type { Access } from '../core/authenticate.js';
import { authenticate } from '../core/authenticate.js';
import type { ParsedRequest } from '../http/parse-request.js';
import type { DevResponse, Operation } from '../types.js';
import { unsupportedOperation, unsupportedPath } from '../types.js';
import type { SysContext } from './sys-context.js';
import { addFault, clearFaults, clearRequests, listFaults, readRequests } from './sys-dev.js';
import {
  disableMount,
  enableMount,
  listMounts,
  mountOfPath,
  readMount,
  readTune,
  writeTune,
} from './sys-mounts.js';
import { deletePolicy, listPolicies, readPolicy, writePolicy } from './sys-policies.js';
import { lookupWrapping, unwrap, wrapData } from './sys-wrapping.js';

type Handler = (context: SysContext, request: ParsedRequest, param: string) => DevResponse;

interface SysRoute {
  readonly pattern: RegExp;
  readonly access: Access;
  readonly inject: boolean;
  readonly handlers: Partial<Record<Operation, Handler>>;
}

/** A sys/ answer and how to render it. */
export interface SysResult {
  readonly response: DevResponse;
  readonly injectDataIntoTopLevel: boolean;
}

// As in Vault, enabling, tuning or disabling an auth method needs sudo (`sys/auth/*` is root-protected); listing
// does not, and neither does anything on `sys/mounts`.
const mountRoutes = (table: 'mounts' | 'auth'): SysRoute[] => {
  const mountClass = table === 'mounts' ? 'secret' : 'auth';
  const change: Access = table === 'auth' ? 'sudo' : 'token';
  return [
    route(`^${table}/?$`, 'token', true, { read: (c) => listMounts(c, mountClass) }),
    route(`^${table}/(.+?)/tune/?$`, change, true, {
      read: (c, _r, p) => readTune(c, mountClass, p),
      update: (c, r, p) => writeTune(c, mountClass, p, r.data),
    }),
    route(`^${table}/(.+?)/?$`, change, true, {
      read: (c, _r, p) => readMount(c, mountClass, p),
      update: (c, r, p) => enableMount(c, mountClass, p, r.data),
      delete: (c, _r, p) => disableMount(c, mountClass, p),
    }),
  ];
};

const ROUTES: SysRoute[] = [
  ...mountRoutes('mounts'),
  ...mountRoutes('auth'),
  route('^policy/?$', 'token', true, { read: (c) => listPolicies(c.policies, 'policy') }),
  route('^policies/acl/?$', 'token', true, { list: (c) => listPolicies(c.policies, 'policies/acl') }),
  ...(['policy', 'policies/acl'] as const).map((api) =>
    route(`^${api}/(.+?)/?$`, 'token', true, {
      read: (c, _r, p) => readPolicy(c.policies, api, p),
      update: (c, r, p) => writePolicy(c.policies, api, p, r.data),
      delete: (c, _r, p) => deletePolicy(c.policies, p),
    }),
  ),
  // Vault answers the mount preflight of `vault kv …` for any token (its own check looks at the target path).
  route('^internal/ui/mounts/(.+)$', 'live', false, { read: (c, _r, p) => mountOfPath(c, p) }),
  route('^wrapping/wrap$', 'token', true, { update: (_c, r) => wrapData(r.data, r.wrapTtl) }),
  route('^wrapping/unwrap$', 'none', false, {
    update: (c, r) => unwrap(c.wrapping, c.tokens, r.token, r.data),
  }),
  route('^wrapping/lookup$', 'none', false, {
    read: (c, r) => lookupWrapping(c.wrapping, r.token, r.data),
    update: (c, r) => lookupWrapping(c.wrapping, r.token, r.data),
  }),
  route('^dev/faults/?$', 'root', false, {
    read: (c) => listFaults(c.faults),
    update: (c, r) => addFault(c.faults, r.data),
    delete: (c) => clearFaults(c.faults),
  }),
  route('^dev/requests/?$', 'root', false, {
    read: (c, r) => readRequests(c.requests, r.data),
    delete: (c) => clearRequests(c.requests),
  }),
];

/** Handles `sys/<rest>`: token check per route, then the handler; unknown paths are Vault's 404 after the check. */
export function handleSys(context: SysContext, request: ParsedRequest): SysResult {
  const rest = request.path.slice('sys/'.length);
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(rest);
    if (match === null) continue;
    authenticate(context, request.token, candidate.access, request);
    const handler = candidate.handlers[request.operation];
    if (handler === undefined) throw unsupportedOperation();
    return {
      response: handler(context, request, match[1] ?? ''),
      injectDataIntoTopLevel: candidate.inject,
    };
  }
  authenticate(context, request.token, 'token', request);
  throw unsupportedPath();
}

function route(pattern: string, access: Access, inject: boolean, handlers: SysRoute['handlers']): SysRoute {
  return { pattern: new RegExp(pattern), access, inject, handlers };
}
