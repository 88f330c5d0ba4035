// The mount table: secrets engines (`pki/`, `secret/`) and auth methods (`auth/approle/`) by path, each with its
// backend instance, with Vault's rules for enabling and disabling and its longest-prefix routing.

import { randomBytes, randomUUID } from 'node:crypto';
import { DevServerError } from '../dev-server-error.js';
import type { Backend, BackendFactory, DevClock, MountEntry, TokenStore } from '../types.js';
import { badRequest } from '../types.js';

/** Which table a backend type belongs to: `sys/mounts` or `sys/auth`. */
export type MountClass = 'secret' | 'auth';

/** A backend type the server can mount. */
export interface RegisteredBackend {
  readonly class: MountClass;
  readonly factory: BackendFactory;
}

/** What enabling a mount takes; `path` is relative to its table (`pki`, `approle`), slash optional. */
export interface EnableSpec {
  readonly class: MountClass;
  readonly path: string;
  readonly type: string;
  readonly description?: string;
  readonly options?: Record<string, string>;
  readonly config?: { defaultLeaseTtl: number; maxLeaseTtl: number };
}

/** A request path resolved to its mount. `rest` is the path inside the mount. */
export interface Route {
  readonly entry: MountEntry;
  readonly backend: Backend;
  readonly rest: string;
}

const AUTH_PREFIX = 'auth/';
// Vault's protectedMounts: nothing may be mounted at or under these.
const PROTECTED = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/'];

/** Everything a backend's context needs besides its own mount. */
export interface MountTableDeps {
  readonly clock: DevClock;
  readonly tokens: TokenStore;
  readonly system: { readonly defaultLeaseTtl: number; readonly maxLeaseTtl: number };
  readonly registry: ReadonlyMap<string, RegisteredBackend>;
}

/** The server's mounts, both tables in one map keyed by full path (`auth/approle/`). */
export class MountTable {
  readonly #deps: MountTableDeps;
  readonly #mounts = new Map<string, { entry: MountEntry; backend: Backend }>();

  constructor(deps: MountTableDeps) {
    this.#deps = deps;
  }

  /** Enables a mount, or throws Vault's 400 (`path is already in use at …`, unknown type, protected path). */
  enable(spec: EnableSpec): MountEntry {
    const relative = withSlash(spec.path.replace(/^\/+/, ''));
    if (relative === '/') throw badRequest('backend path must be specified');
    if (spec.class === 'secret') checkNotProtected(relative);
    this.#checkConflicts(spec.class, relative);
    if (spec.class === 'auth' && spec.type === 'token') {
      throw badRequest('token credential backend cannot be instantiated');
    }
    const registered = this.#deps.registry.get(spec.type);
    if (registered === undefined || registered.class !== spec.class) {
      throw badRequest(`plugin not found in the catalog: ${spec.type}`);
    }
    return this.mountUnchecked(spec, registered);
  }

  /** Mounts without the API's checks (the dev server's own `auth/token/`). */
  mountUnchecked(spec: EnableSpec, registered = this.#deps.registry.get(spec.type)): MountEntry {
    if (registered === undefined) throw new DevServerError(`no backend registered for type ${spec.type}`);
    const relative = withSlash(spec.path);
    const entry: MountEntry = {
      path: spec.class === 'auth' ? `${AUTH_PREFIX}${relative}` : relative,
      type: spec.type,
      accessor: `${spec.class === 'auth' ? 'auth_' : ''}${spec.type}_${randomBytes(4).toString('hex')}`,
      uuid: randomUUID(),
      description: spec.description ?? '',
      options: { ...spec.options },
      config: { ...(spec.config ?? { defaultLeaseTtl: 0, maxLeaseTtl: 0 }) },
    };
    const backend = registered.factory({
      clock: this.#deps.clock,
      mount: entry,
      tokens: this.#deps.tokens,
      system: this.#deps.system,
      findMount: (path) => this.find(path),
    });
    this.#mounts.set(entry.path, { entry, backend });
    return entry;
  }

  /** Disables the mount at this table-relative path. Vault answers success for a path that is not mounted. */
  disable(mountClass: MountClass, path: string): void {
    const relative = withSlash(path.replace(/^\/+/, ''));
    if (mountClass === 'auth' && relative === 'token/') {
      throw badRequest('token credential backend cannot be disabled');
    }
    if (mountClass === 'secret' && PROTECTED.some((p) => relative.startsWith(p))) {
      throw badRequest(`cannot unmount ${JSON.stringify(relative)}`);
    }
    this.#mounts.delete(mountClass === 'auth' ? `${AUTH_PREFIX}${relative}` : relative);
  }

  /** The mount at exactly this full path (`pki/`, `auth/token/`); a missing trailing slash is added. */
  find(path: string): MountEntry | undefined {
    return this.#mounts.get(withSlash(path))?.entry;
  }

  /** The mounts of one table, sorted by path. */
  entries(mountClass: MountClass): MountEntry[] {
    return [...this.#mounts.values()]
      .map((m) => m.entry)
      .filter((e) => e.path.startsWith(AUTH_PREFIX) === (mountClass === 'auth'))
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Longest-prefix match; `pki` (no slash) routes to `pki/` as Vault's router retries with a slash. */
  route(path: string): Route | undefined {
    let best: { entry: MountEntry; backend: Backend } | undefined;
    for (const mount of this.#mounts.values()) {
      const p = mount.entry.path;
      const matches = path.startsWith(p) || `${path}/` === p;
      if (matches && (best === undefined || p.length > best.entry.path.length)) best = mount;
    }
    if (best === undefined) return undefined;
    return { ...best, rest: path.slice(Math.min(path.length, best.entry.path.length)) };
  }

  #checkConflicts(mountClass: MountClass, relative: string): void {
    for (const entry of this.entries(mountClass)) {
      const existing = mountClass === 'auth' ? entry.path.slice(AUTH_PREFIX.length) : entry.path;
      if (existing.startsWith(relative) || relative.startsWith(existing)) {
        throw badRequest(`path is already in use at ${existing}`);
      }
    }
  }
}

function checkNotProtected(relative: string): void {
  if (PROTECTED.some((p) => relative.startsWith(p)))
    throw badRequest(`cannot mount ${JSON.stringify(relative)}`);
}

/** Mount paths always end with a slash. */
export function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
