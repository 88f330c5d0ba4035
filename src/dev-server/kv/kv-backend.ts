// The `kv` backend type: version 2 when the mount's options say so (dev mode's `secret/`), version 1 otherwise,
// as Vault's kv plugin chooses.

import { parseVaultDurationMs } from '../../lib/duration.js';
import type { Backend, BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import { notFound, unsupportedOperation, unsupportedPath } from '../types.js';
import { KvV2Backend } from './kv-v2-backend.js';

/** Mounts a KV v1 or v2 backend according to `options.version`. */
export const createKvBackend: BackendFactory = (context) =>
  context.mount.options.version === '2' ? new KvV2Backend(context) : new KvV1Backend(context);

/** KV version 1: one unversioned map per path; reads carry the mount's default lease TTL. */
class KvV1Backend implements Backend {
  readonly type = 'kv';
  readonly #context: BackendContext;
  readonly #secrets = new Map<string, Record<string, unknown>>();

  constructor(context: BackendContext) {
    this.#context = context;
  }

  isUnauthenticated(): boolean {
    return false;
  }

  handle(request: DevRequest): DevResponse {
    const path = request.path;
    if (path === '' && request.operation !== 'list') throw unsupportedPath();
    switch (request.operation) {
      case 'read':
        return this.#read(path);
      case 'update':
        this.#secrets.set(path, { ...request.data });
        return { kind: 'empty' };
      case 'delete':
        this.#secrets.delete(path);
        return { kind: 'empty' };
      case 'list':
        return { kind: 'logical', data: { keys: this.#list(path) } };
      default:
        throw unsupportedOperation();
    }
  }

  #read(path: string): DevResponse {
    const data = this.#secrets.get(path);
    if (data === undefined) throw notFound();
    return {
      kind: 'logical',
      data: { ...data },
      secret: { leaseId: '', renewable: false, leaseDuration: this.#leaseDuration(data) },
    };
  }

  // Vault's kv v1 answers a lease of the stored `ttl` (or `lease`) when there is one, else the mount default.
  #leaseDuration(data: Record<string, unknown>): number {
    const raw = data.ttl ?? data.lease;
    if (typeof raw === 'string' || typeof raw === 'number') {
      try {
        return Math.floor(parseVaultDurationMs(raw) / 1000);
      } catch {
        // An unparsable ttl falls back to the default, as the plugin only honours values it can read.
      }
    }
    return this.#context.mount.config.defaultLeaseTtl || this.#context.system.defaultLeaseTtl;
  }

  #list(path: string): string[] {
    const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    const keys = new Set<string>();
    for (const key of this.#secrets.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...keys].sort();
  }
}
