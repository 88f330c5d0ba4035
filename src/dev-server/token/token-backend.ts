// The `auth/token/` mount: create, lookup, renew and revoke, by token, by accessor or for the caller itself,
// answering with Vault's shapes and error texts (reference/vault-api.md §2).

import type {
  Backend,
  BackendContext,
  BackendFactory,
  DevRequest,
  DevResponse,
  TokenEntry,
} from '../types.js';
import {
  VaultApiError,
  badRequest,
  notFound,
  permissionDenied,
  unsupportedOperation,
  unsupportedPath,
} from '../types.js';
import { durationField, ignoredFieldsWarning, stringField } from './framework-fields.js';
import { handleTokenCreate } from './token-create.js';
import type { PolicyNames } from './policy-warnings.js';
import { hasSudo, withPolicyWarnings } from './policy-warnings.js';
import type { MemoryTokenStore } from './token-store.js';
import { lookupData } from './token-views.js';

type Handler = (request: DevRequest) => DevResponse;

/** The token backend's factory, mounted by the core at `auth/token/`; all tokens live in `store`. */
export function createTokenBackendFactory(store: MemoryTokenStore, policies: PolicyNames): BackendFactory {
  return (context) => new TokenBackend(store, context, policies);
}

class TokenBackend implements Backend {
  readonly type = 'token';
  // Vault's token store lists these as root paths: the core wants sudo on them before the handler runs (and spends
  // the caller's use either way). revoke-orphan without a token in the path is not one; its handler checks sudo.
  readonly rootPaths = ['revoke-orphan/*', 'accessors*'];
  readonly #store: MemoryTokenStore;
  readonly #policies: PolicyNames;
  readonly #context: BackendContext;
  readonly #routes: Record<string, Partial<Record<DevRequest['operation'], Handler>>>;

  constructor(store: MemoryTokenStore, context: BackendContext, policies: PolicyNames) {
    this.#store = store;
    this.#policies = policies;
    this.#context = context;
    const lookupSelf: Handler = (r) => this.#lookup(r, caller(r));
    const lookup: Handler = (r) => {
      const id = stringField(r.data, 'token') ?? '';
      return this.#lookup(r, id === '' || id === caller(r).id ? caller(r) : this.#store.lookup(id));
    };
    this.#routes = {
      create: { update: (r) => this.#create(r, false) },
      'create-orphan': { update: (r) => this.#create(r, true) },
      'lookup-self': { read: lookupSelf, update: lookupSelf },
      lookup: { read: lookup, update: lookup },
      'lookup-accessor': { update: (r) => this.#lookupAccessor(r) },
      'renew-self': { update: (r) => this.#renew(r, caller(r)) },
      renew: { update: (r) => this.#renew(r, this.#renewTarget(r)) },
      'renew-accessor': { update: (r) => this.#renewAccessor(r) },
      'revoke-self': { update: (r) => this.#revoke(r, caller(r).id, []) },
      revoke: { update: (r) => this.#revoke(r, requiredToken(r), ['token']) },
      'revoke-accessor': { update: (r) => this.#revokeAccessor(r) },
      'revoke-orphan': { update: (r) => this.#revokeOrphan(r) },
      accessors: { list: () => this.#listAccessors() },
    };
  }

  isUnauthenticated(): boolean {
    return false;
  }

  handle(request: DevRequest): DevResponse {
    const path = request.path.replace(/\/$/, '');
    if (path.startsWith('create/')) {
      if (request.operation !== 'update') throw unsupportedOperation();
      throw badRequest(`unknown role ${path.slice('create/'.length)}`);
    }
    if (path === 'roles' && request.operation === 'list') throw notFound();
    const route = this.#routes[path];
    if (route === undefined) throw unsupportedPath();
    const handler = route[request.operation];
    if (handler === undefined) throw unsupportedOperation();
    return handler(request);
  }

  // The caller's own entry is used as is: on its last use it is already revoked, yet Vault still answers.
  #lookup(request: DevRequest, entry: TokenEntry | undefined): DevResponse {
    // handleLookup answers a token it cannot find with ErrPermissionDenied and the plain text "bad token".
    if (entry === undefined) throw new VaultApiError(403, ['bad token']);
    const data = lookupData(entry, this.#store.hasLease(entry), this.#context.clock.now());
    return { kind: 'logical', data, warnings: ignoredFieldsWarning(request.data, ['token']) };
  }

  #lookupAccessor(request: DevRequest): DevResponse {
    const entry = this.#byAccessor(request);
    const data = lookupData(entry, this.#store.hasLease(entry), this.#context.clock.now());
    data.id = '';
    return { kind: 'logical', data, warnings: ignoredFieldsWarning(request.data, ['accessor']) };
  }

  #renewTarget(request: DevRequest): TokenEntry {
    const entry = this.#store.lookup(requiredToken(request));
    if (entry === undefined) throw badRequest('token not found');
    return entry;
  }

  #renew(request: DevRequest, entry: TokenEntry, fields = ['token', 'increment']): DevResponse {
    const increment = durationField(request.data, 'increment') ?? 0;
    const mount = this.#context.findMount(this.#store.mountPathOf(entry))?.config;
    const renewed = this.#store.renew(entry, increment, mount);
    const warnings = [...renewed.warnings, ...ignoredFieldsWarning(request.data, fields)];
    return { kind: 'logical', data: null, auth: renewed.auth, warnings };
  }

  #renewAccessor(request: DevRequest): DevResponse {
    const response = this.#renew(request, this.#byAccessor(request), ['accessor', 'increment']);
    if (response.kind === 'logical' && response.auth) response.auth.client_token = '';
    return response;
  }

  #revoke(request: DevRequest, id: string, fields: string[]): DevResponse {
    const entry = this.#store.lookup(id);
    if (entry !== undefined) {
      if (entry.type === 'batch') throw badRequest('batch tokens cannot be revoked');
      this.#store.revoke(entry.id);
    }
    return emptyOr(ignoredFieldsWarning(request.data, fields));
  }

  #create(request: DevRequest, orphan: boolean): DevResponse {
    const created = handleTokenCreate(this.#store, request, orphan, hasSudo(this.#policies, request));
    return withPolicyWarnings(created, this.#policies);
  }

  #revokeAccessor(request: DevRequest): DevResponse {
    const accessor = stringField(request.data, 'accessor') ?? '';
    if (accessor === '') throw badRequest('missing accessor');
    const entry = this.#store.lookupByAccessor(accessor);
    if (entry === undefined) {
      return { kind: 'logical', data: null, warnings: ['No token found with this accessor'] };
    }
    return this.#revoke(request, entry.id, ['accessor']);
  }

  #revokeOrphan(request: DevRequest): DevResponse {
    const id = requiredToken(request);
    if (!hasSudo(this.#policies, request)) {
      throw badRequest('root or sudo privileges required to revoke and orphan');
    }
    const entry = this.#store.lookup(id);
    if (entry === undefined) throw badRequest('token to revoke not found');
    if (entry.type === 'batch') throw badRequest('batch tokens cannot be revoked');
    this.#store.revokeOrphan(entry.id);
    return emptyOr(ignoredFieldsWarning(request.data, ['token']));
  }

  // Needs sudo, which the core has checked: `accessors*` is one of rootPaths.
  #listAccessors(): DevResponse {
    const keys = this.#store.accessors();
    if (keys.length === 0) throw notFound();
    return { kind: 'logical', data: { keys } };
  }

  #byAccessor(request: DevRequest): TokenEntry {
    const accessor = stringField(request.data, 'accessor') ?? '';
    if (accessor === '') throw badRequest('missing accessor');
    const entry = this.#store.lookupByAccessor(accessor);
    if (entry === undefined) throw badRequest('invalid accessor');
    return entry;
  }
}

// The core authenticates every path of this mount; a missing token here means the core let one through.
function caller(request: DevRequest): TokenEntry {
  if (request.token === undefined) throw permissionDenied();
  return request.token;
}

function requiredToken(request: DevRequest): string {
  const id = stringField(request.data, 'token') ?? '';
  if (id === '') throw badRequest('missing token ID');
  return id;
}

// A write with nothing to say is a 204; Vault still answers 200 when it has a warning to carry.
function emptyOr(warnings: string[]): DevResponse {
  return warnings.length === 0 ? { kind: 'empty' } : { kind: 'logical', data: null, warnings };
}
