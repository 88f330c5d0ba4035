// An AppRole auth mount (`auth/<path>/`): roles, role IDs, secret IDs and the unauthenticated login
// (reference/vault-api.md §3).

import { ignoredFieldsWarning, stringField } from '../token/framework-fields.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import type { BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import {
  VaultApiError,
  badRequest,
  multierror,
  notFound,
  unsupportedOperation,
  unsupportedPath,
} from '../types.js';
import type { AppRole } from './approle-roles.js';
import { appRoleCodec } from './approle-roles.js';
import type { SecretId } from './approle-secret-ids.js';
import { SecretIdStore, secretIdData, secretIdOptions } from './approle-secret-ids.js';
import { addressInCidrs } from './cidr.js';
import { loginResponse } from './login-token.js';
import { RoleLoginBackend, renewalLimits } from './role-login-backend.js';

const SECRET_ID_FIELDS = ['role_name', 'metadata', 'cidr_list', 'token_bound_cidrs', 'ttl', 'num_uses'];

/** The AppRole backend's factory; tokens it mints go into `store`. */
export function createAppRoleBackendFactory(store: MemoryTokenStore): BackendFactory {
  return (context) => new AppRoleBackend(store, context);
}

class AppRoleBackend extends RoleLoginBackend<AppRole> {
  readonly type = 'approle';
  readonly #secretIds: SecretIdStore;

  constructor(store: MemoryTokenStore, context: BackendContext) {
    super(store, context, {
      role: (maxLeaseTtl, roles) =>
        appRoleCodec(
          (roleId, name) => roles().some((r) => r.roleId === roleId && r.name !== name),
          maxLeaseTtl,
        ),
    });
    this.#secretIds = new SecretIdStore(() => context.clock.now());
  }

  protected override roleDeleted(name: string): void {
    this.#secretIds.destroyRole(name);
  }

  // The role's role ID and secret IDs.
  protected override roleSubpath(request: DevRequest, name: string, rest: string): DevResponse {
    const role = this.roles.get(name);
    const op = request.operation;
    switch (`${op} ${rest}`) {
      case 'read role-id':
        if (role === undefined) throw notFound();
        return { kind: 'logical', data: { role_id: role.roleId } };
      case 'update role-id':
        return this.#setRoleId(request, existing(role, name));
      case 'update secret-id':
        return this.#issueSecretId(request, existing(role, name, 404), false);
      case 'update custom-secret-id':
        return this.#issueSecretId(request, existing(role, name, 404), true);
      case 'list secret-id':
        return listed(this.#secretIds.accessors(existing(role, name).name));
      case 'update secret-id/lookup':
        return this.#lookupSecretId(request, existing(role, name), 'secret_id');
      case 'update secret-id-accessor/lookup':
        return this.#lookupSecretId(request, existing(role, name), 'secret_id_accessor');
      case 'update secret-id/destroy':
      case 'delete secret-id/destroy':
        return this.#destroySecretId(request, existing(role, name), 'secret_id');
      case 'update secret-id-accessor/destroy':
      case 'delete secret-id-accessor/destroy':
        return this.#destroySecretId(request, existing(role, name), 'secret_id_accessor');
      default:
        throw ['role-id', 'secret-id', 'custom-secret-id'].includes(rest)
          ? unsupportedOperation()
          : unsupportedPath();
    }
  }

  protected login(request: DevRequest): DevResponse {
    const roleId = (stringField(request.data, 'role_id') ?? '').trim();
    if (roleId === '') throw badRequest('missing role_id');
    const role = this.roles.values().find((r) => r.roleId === roleId);
    if (role === undefined) throw badRequest('invalid role or secret ID');
    let metadata: Record<string, string> = {};
    if (role.bindSecretId) metadata = this.#checkSecretId(request, role);
    const source = request.remoteAddress;
    if (
      (role.secretIdBoundCidrs ?? []).length > 0 &&
      !addressInCidrs(source, role.secretIdBoundCidrs ?? [])
    ) {
      throw badRequest(
        `source address ${JSON.stringify(source)} unauthorized by CIDR restrictions on the role: %!w(<nil>)`,
      );
    }
    const name = role.name;
    return loginResponse(this.store, request, {
      params: role.token,
      metadata: { ...metadata, role_name: name },
      displayName: '',
      aliasName: role.roleId,
      currentLimits: renewalLimits(this.roles, name, JSON.stringify(name)),
      warnings: ignoredFieldsWarning(request.data, ['role_id', 'secret_id']),
    });
  }

  // Validates and spends the secret ID, returning its metadata for the token.
  #checkSecretId(request: DevRequest, role: AppRole): Record<string, string> {
    const value = (stringField(request.data, 'secret_id') ?? '').trim();
    if (value === '') throw badRequest('missing secret_id');
    const entry = this.#secretIds.find(role.name, value);
    if (entry === undefined) throw badRequest('invalid role or secret ID');
    const source = request.remoteAddress;
    const limited = entry.numUses > 0;
    if (limited) this.#secretIds.spend(entry);
    if (entry.cidrList.length > 0 && !addressInCidrs(source, entry.cidrList)) {
      // Vault words this differently depending on whether the secret ID has a use limit.
      throw badRequest(
        limited
          ? `source address ${JSON.stringify(source)} unauthorized by CIDR restrictions on the secret ID: %!w(<nil>)`
          : `source address ${JSON.stringify(source)} unauthorized through CIDR restrictions on the secret ID`,
      );
    }
    return { ...entry.metadata };
  }

  #setRoleId(request: DevRequest, role: AppRole): DevResponse {
    const roleId = stringField(request.data, 'role_id') ?? '';
    if (roleId === '') throw badRequest('missing role_id');
    if (this.roles.values().some((r) => r.roleId === roleId && r.name !== role.name)) {
      throw badRequest('role_id already in use');
    }
    role.roleId = roleId;
    return { kind: 'empty' };
  }

  #issueSecretId(request: DevRequest, role: AppRole, custom: boolean): DevResponse {
    if (!role.bindSecretId) throw badRequest('bind_secret_id is not set on the role');
    const data = request.data;
    const value = custom ? (stringField(data, 'secret_id') ?? '') : undefined;
    if (value === '') throw badRequest('missing secret_id');
    if (value !== undefined && this.#secretIds.find(role.name, value))
      throw badRequest('SecretID is already registered');
    const entry = this.#secretIds.issue(role.name, {
      ...(value === undefined ? {} : { value }),
      ...secretIdOptions(data, role),
    });
    return {
      kind: 'logical',
      data: {
        secret_id: entry.value,
        secret_id_accessor: entry.accessor,
        secret_id_ttl: entry.ttl,
        secret_id_num_uses: entry.numUses,
      },
      warnings: ignoredFieldsWarning(data, custom ? [...SECRET_ID_FIELDS, 'secret_id'] : SECRET_ID_FIELDS),
    };
  }

  #findSecretId(
    request: DevRequest,
    role: AppRole,
    field: 'secret_id' | 'secret_id_accessor',
  ): SecretId | undefined {
    const key = (stringField(request.data, field) ?? '').trim();
    if (key === '') throw badRequest(`missing ${field}`);
    if (field === 'secret_id') return this.#secretIds.find(role.name, key);
    const entry = this.#secretIds.findByAccessor(role.name, key);
    if (entry === undefined) {
      throw new VaultApiError(500, [
        multierror(`failed to find accessor entry for secret_id_accessor: ${JSON.stringify(key)}`),
      ]);
    }
    return entry;
  }

  #lookupSecretId(
    request: DevRequest,
    role: AppRole,
    field: 'secret_id' | 'secret_id_accessor',
  ): DevResponse {
    const entry = this.#findSecretId(request, role, field);
    return entry === undefined ? { kind: 'empty' } : { kind: 'logical', data: secretIdData(entry) };
  }

  #destroySecretId(
    request: DevRequest,
    role: AppRole,
    field: 'secret_id' | 'secret_id_accessor',
  ): DevResponse {
    const entry = this.#findSecretId(request, role, field);
    if (entry !== undefined) this.#secretIds.destroy(entry);
    return { kind: 'empty' };
  }
}

// Sub-paths of a role that does not exist: secret-id generation answers 404, the others 400.
function existing(role: AppRole | undefined, name: string, status = 400): AppRole {
  if (role === undefined) throw new VaultApiError(status, [`role ${JSON.stringify(name)} does not exist`]);
  return role;
}

function listed(keys: string[]): DevResponse {
  if (keys.length === 0) throw notFound();
  return { kind: 'logical', data: { keys } };
}
