// What the AppRole, JWT, Kubernetes and cert methods have in common: one unauthenticated `login`, a table of roles
// (under `role/` or `certs/`), for JWT and Kubernetes a `config` endpoint, and roles re-read when a token is
// renewed. A method supplies its codecs and checks its own credential; routing and renewal limits live here once.
// AppRole also serves paths below a role (`role/<name>/secret-id`, …) and drops its secret IDs with the role.

import type { MemoryTokenStore, RoleLimits } from '../token/token-store.js';
import { effectiveTtls } from '../token/ttl-math.js';
import type { Backend, BackendContext, DevRequest, DevResponse } from '../types.js';
import { VaultApiError, multierror, unsupportedOperation, unsupportedPath } from '../types.js';
import type { ConfigCodec } from './auth-config.js';
import { ConfigSlot } from './auth-config.js';
import type { RoleCodec } from './role-table.js';
import { RoleTable, parseRolePath } from './role-table.js';
import type { TokenParams } from './token-fields.js';
import { roleLimitsOf } from './token-fields.js';

/** How a method's roles and (optional) configuration are parsed. */
export interface RoleLoginCodecs<R, C> {
  /**
   * Builds the role codec; `maxLeaseTtl` reads the mount's effective max TTL when a role is written, `roles` the
   * roles stored then (AppRole keeps role IDs unique).
   */
  readonly role: (maxLeaseTtl: () => number, roles: () => R[]) => RoleCodec<R>;
  /** The `config` endpoint's codec; without one the method has no `config` path. */
  readonly config?: ConfigCodec<C>;
  /** The folder roles live in: `role` (JWT, Kubernetes) or `certs` (cert). */
  readonly rolePrefix?: string;
}

export abstract class RoleLoginBackend<
  R extends { readonly token: TokenParams },
  C = never,
> implements Backend {
  abstract readonly type: string;
  protected readonly store: MemoryTokenStore;
  protected readonly context: BackendContext;
  protected readonly roles: RoleTable<R>;
  readonly #config: ConfigSlot<C> | undefined;
  readonly #rolePrefix: string;

  constructor(store: MemoryTokenStore, context: BackendContext, codecs: RoleLoginCodecs<R, C>) {
    this.store = store;
    this.context = context;
    this.roles = new RoleTable(
      codecs.role(
        () => effectiveTtls(context.mount.config, context.system).maxLeaseTtl,
        () => this.roles.values(),
      ),
    );
    this.#config = codecs.config === undefined ? undefined : new ConfigSlot(codecs.config);
    this.#rolePrefix = codecs.rolePrefix ?? 'role';
  }

  isUnauthenticated(path: string): boolean {
    return path === 'login';
  }

  handle(request: DevRequest): DevResponse {
    if (request.path === 'login') {
      if (request.operation !== 'update') throw unsupportedOperation();
      return this.login(request);
    }
    if (request.path === 'config' && this.#config !== undefined) return this.#config.handle(request);
    const path = parseRolePath(request.path, this.#rolePrefix);
    if (path === undefined) throw unsupportedPath();
    if (path.name !== undefined && path.rest !== '') return this.roleSubpath(request, path.name, path.rest);
    return this.roles.handle(request, path, (name) => this.roleDeleted(name));
  }

  /** A path below a role (`role/<name>/<rest>`); none but AppRole's exist. */
  protected roleSubpath(_request: DevRequest, _name: string, _rest: string): DevResponse {
    throw unsupportedPath();
  }

  /** Called once a role is deleted, for what hangs off it (AppRole's secret IDs). */
  protected roleDeleted(_name: string): void {
    // Nothing hangs off the roles of most methods.
  }

  /** The mount's configuration, once written (undefined until then, or for a method without one). */
  protected get config(): C | undefined {
    return this.#config?.value;
  }

  /** Checks the credential in `request` and mints the token (loginResponse). */
  protected abstract login(request: DevRequest): DevResponse;
}

/**
 * The limits a renewal applies: Vault re-reads the role that issued the token, and a role deleted since fails the
 * renewal with a Go error (a 500). `shown` is the name as the method's message writes it (AppRole quotes it).
 */
export function renewalLimits<R extends { readonly token: TokenParams }>(
  roles: RoleTable<R>,
  name: string,
  shown = name,
): () => RoleLimits {
  return () => {
    const current = roles.get(name);
    if (current === undefined)
      throw new VaultApiError(500, [multierror(`role ${shown} does not exist during renewal`)]);
    return roleLimitsOf(current.token);
  };
}
