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

const mountRoutes = (table: 'mounts' | 'auth'): SysRoute[] => {
  const mountClass = table === 'mounts' ? 'secret' : 'auth';
  return [
    route(`^${table}/?$`, 'root', true, { read: (c) => listMounts(c, mountClass) }),
    route(`^${table}/(.+?)/tune/?$`, 'root', true, {
      read: (c, _r, p) => readTune(c, mountClass, p),
      update: (c, r, p) => writeTune(c, mountClass, p, r.data),
    }),
    route(`^${table}/(.+?)/?$`, 'root', true, {
      read: (c, _r, p) => readMount(c, mountClass, p),
      update: (c, r, p) => enableMount(c, mountClass, p, r.data),
      delete: (c, _r, p) => disableMount(c, mountClass, p),
    }),
  ];
};

const ROUTES: SysRoute[] = [
  ...mountRoutes('mounts'),
  ...mountRoutes('auth'),
  route('^internal/ui/mounts/(.+)$', 'token', false, { read: (c, _r, p) => mountOfPath(c, p) }),
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
    authenticate(context.tokens, request.token, candidate.access);
    const handler = candidate.handlers[request.operation];
    if (handler === undefined) throw unsupportedOperation();
    return {
      response: handler(context, request, match[1] ?? ''),
      injectDataIntoTopLevel: candidate.inject,
    };
  }
  authenticate(context.tokens, request.token, 'token');
  throw unsupportedPath();
}

function route(pattern: string, access: Access, inject: boolean, handlers: SysRoute['handlers']): SysRoute {
  return { pattern: new RegExp(pattern), access, inject, handlers };
}
