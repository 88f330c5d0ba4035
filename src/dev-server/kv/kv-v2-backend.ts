// A KV version 2 mount (`secret/` in dev mode): `data/`, `metadata/`, `delete/`, `undelete/`, `destroy/` and
// `config`, with check-and-set and soft deletion as Vault's kv plugin answers them (reference/vault-api.md §4).

import type { Backend, BackendContext, DevRequest, DevResponse } from '../types.js';
import { badRequest, notFound, unsupportedOperation, unsupportedPath } from '../types.js';
import type { KvSecret, KvVersion } from './kv-v2-store.js';
import { KvV2Store, isGone, secretMetadata, versionMetadata } from './kv-v2-store.js';

type Data = Record<string, unknown>;
type Handler = (request: DevRequest, path: string) => DevResponse;

/** The KV v2 backend of one mount. */
export class KvV2Backend implements Backend {
  readonly type = 'kv';
  readonly #context: BackendContext;
  readonly #store = new KvV2Store();
  readonly #routes: Record<string, Partial<Record<DevRequest['operation'], Handler>>>;

  constructor(context: BackendContext) {
    this.#context = context;
    this.#routes = {
      data: {
        read: (r, p) => this.#read(p, r.data),
        update: (r, p) => this.#write(p, r.data),
        patch: (r, p) => this.#patch(p, r.data),
        delete: (_r, p) => this.#deleteLatest(p),
      },
      metadata: {
        read: (_r, p) => this.#readMetadata(p),
        list: (_r, p) => this.#list(p),
        update: (r, p) => this.#writeMetadata(p, r.data),
        delete: (_r, p) => this.#removeAll(p),
      },
      delete: { update: (r, p) => this.#versions(p, r.data, (v) => (v.deletionTime ??= this.#now())) },
      undelete: { update: (r, p) => this.#versions(p, r.data, (v) => (v.deletionTime = null)) },
      destroy: {
        update: (r, p) =>
          this.#versions(p, r.data, (v) => {
            v.destroyed = true;
            v.data = null;
          }),
      },
    };
  }

  isUnauthenticated(): boolean {
    return false;
  }

  handle(request: DevRequest): DevResponse {
    if (request.path.replace(/\/$/, '') === 'config') return this.#config(request);
    const slash = request.path.indexOf('/');
    const area = slash === -1 ? request.path : request.path.slice(0, slash);
    const path = slash === -1 ? '' : request.path.slice(slash + 1);
    const route = this.#routes[area];
    if (route === undefined || (path === '' && request.operation !== 'list')) throw unsupportedPath();
    const handler = route[request.operation];
    if (handler === undefined) throw unsupportedOperation();
    return handler(request, path);
  }

  #now(): number {
    return this.#context.clock.now();
  }

  #read(path: string, data: Data): DevResponse {
    const secret = this.#store.get(path);
    if (secret === undefined || secret.currentVersion === 0) throw notFound();
    const version = integer(data.version, 'version') || secret.currentVersion;
    const entry = secret.versions.get(version);
    if (entry === undefined) throw notFound();
    const metadata = versionMetadata(secret, version);
    // A deleted or destroyed version is a 404 whose body is still the full envelope (RespondWithStatusCode).
    if (isGone(entry, this.#now())) return { kind: 'logical', status: 404, data: { data: null, metadata } };
    return { kind: 'logical', data: { data: entry.data, metadata } };
  }

  #write(path: string, body: Data): DevResponse {
    const data = body.data;
    if (data === undefined || data === null) throw badRequest('no data provided');
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw badRequest(`Field validation failed: error converting input ${String(data)} for field "data"`);
    }
    this.#checkCas(this.#store.get(path), body.options);
    const version = this.#store.write(path, { ...(data as Data) }, this.#now());
    return { kind: 'logical', data: versionMetadata(this.#store.get(path)!, version) };
  }

  // JSON merge patch (RFC 7396) over the current version's data, written as a new version.
  #patch(path: string, body: Data): DevResponse {
    const secret = this.#store.get(path);
    const current = secret?.versions.get(secret.currentVersion);
    if (secret === undefined || current === undefined || isGone(current, this.#now())) throw notFound();
    const patch = body.data;
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
      throw badRequest('no data provided');
    return this.#write(path, { data: mergePatch(current.data ?? {}, patch as Data), options: body.options });
  }

  #checkCas(secret: KvSecret | undefined, options: unknown): void {
    const cas = (options as Data | undefined)?.cas;
    const required = this.#store.config.casRequired || (secret?.casRequired ?? false);
    if (cas === undefined || cas === null) {
      if (required) throw badRequest('check-and-set parameter required for this call');
      return;
    }
    if (integer(cas, 'cas') !== (secret?.currentVersion ?? 0)) {
      throw badRequest('check-and-set parameter did not match the current version');
    }
  }

  #deleteLatest(path: string): DevResponse {
    const secret = this.#store.get(path);
    const latest = secret?.versions.get(secret.currentVersion);
    if (latest !== undefined && latest.deletionTime === null) latest.deletionTime = this.#now();
    return { kind: 'empty' };
  }

  #versions(path: string, body: Data, change: (version: KvVersion) => void): DevResponse {
    const versions = Array.isArray(body.versions) ? body.versions : [body.versions];
    if (body.versions === undefined || versions.length === 0) throw badRequest('no version number provided');
    const secret = this.#store.get(path);
    for (const n of versions) {
      const entry = secret?.versions.get(integer(n, 'versions'));
      if (entry !== undefined && !entry.destroyed) change(entry);
    }
    return { kind: 'empty' };
  }

  #readMetadata(path: string): DevResponse {
    const secret = this.#store.get(path);
    if (secret === undefined) throw notFound();
    return { kind: 'logical', data: secretMetadata(secret) };
  }

  #list(path: string): DevResponse {
    const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    return { kind: 'logical', data: { keys: this.#store.list(prefix) } };
  }

  #writeMetadata(path: string, body: Data): DevResponse {
    const secret = this.#store.getOrCreate(path, this.#now());
    if (body.max_versions !== undefined) secret.maxVersions = integer(body.max_versions, 'max_versions');
    if (body.cas_required !== undefined)
      secret.casRequired = body.cas_required === true || body.cas_required === 'true';
    if (typeof body.delete_version_after === 'string') secret.deleteVersionAfter = body.delete_version_after;
    if (body.custom_metadata !== undefined) secret.customMetadata = stringMap(body.custom_metadata);
    secret.updatedTime = this.#now();
    return { kind: 'empty' };
  }

  #removeAll(path: string): DevResponse {
    this.#store.remove(path);
    return { kind: 'empty' };
  }

  #config(request: DevRequest): DevResponse {
    const config = this.#store.config;
    if (request.operation === 'read') {
      return {
        kind: 'logical',
        data: {
          cas_required: config.casRequired,
          delete_version_after: config.deleteVersionAfter,
          max_versions: config.maxVersions,
        },
      };
    }
    if (request.operation !== 'update') throw unsupportedOperation();
    const body = request.data;
    if (body.max_versions !== undefined) config.maxVersions = integer(body.max_versions, 'max_versions');
    if (body.cas_required !== undefined)
      config.casRequired = body.cas_required === true || body.cas_required === 'true';
    if (typeof body.delete_version_after === 'string') config.deleteVersionAfter = body.delete_version_after;
    return { kind: 'empty' };
  }
}

function integer(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw badRequest(
      `Field validation failed: error converting input ${String(value)} for field "${field}": ` +
        `strconv.ParseInt: parsing ${JSON.stringify(String(value))}: invalid syntax`,
    );
  }
  return n;
}

function stringMap(value: unknown): Record<string, string> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function mergePatch(target: Data, patch: Data): Data {
  const out: Data = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof out[key] === 'object' &&
      out[key] !== null
    ) {
      out[key] = mergePatch(out[key] as Data, value as Data);
    } else out[key] = value;
  }
  return out;
}
