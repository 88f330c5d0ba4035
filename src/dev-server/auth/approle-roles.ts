// AppRole roles: how a role write is merged and checked, and how a role reads back (integer-second TTLs).

import { newUuid } from '../token/token-ids.js';
import {
  boolField,
  commaListField,
  durationField,
  intField,
  stringField,
} from '../token/framework-fields.js';
import { badRequest } from '../types.js';
import type { RoleCodec } from './role-table.js';
import type { TokenParams } from './token-fields.js';
import {
  TOKEN_FIELD_NAMES,
  defaultTokenParams,
  maxTtlWarning,
  parseTokenFields,
  tokenFieldsData,
} from './token-fields.js';

/** One AppRole role as stored. */
export interface AppRole {
  name: string;
  roleId: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[] | null;
  secretIdNumUses: number;
  secretIdTtl: number;
  localSecretIds: boolean;
  token: TokenParams;
}

const ROLE_FIELDS = [
  'role_name',
  'bind_secret_id',
  'bound_cidr_list',
  'secret_id_bound_cidrs',
  'secret_id_num_uses',
  'secret_id_ttl',
  'local_secret_ids',
  'period',
  'policies',
  'role_id',
  ...TOKEN_FIELD_NAMES,
];

/** The AppRole role codec; `roleIdInUse` guards custom role IDs, `mountMaxTtl` feeds the token_max_ttl warning. */
export function appRoleCodec(
  roleIdInUse: (roleId: string, name: string) => boolean,
  mountMaxTtl: () => number,
): RoleCodec<AppRole> {
  return {
    fields: ROLE_FIELDS,
    write(name, existing, data) {
      const role: AppRole = existing
        ? { ...existing, token: existing.token }
        : {
            name,
            roleId: newUuid(),
            bindSecretId: true,
            secretIdBoundCidrs: null,
            secretIdNumUses: 0,
            secretIdTtl: 0,
            localSecretIds: false,
            token: defaultTokenParams(),
          };
      const roleId = stringField(data, 'role_id');
      if (existing === undefined && roleId !== undefined && roleId !== '') {
        if (roleIdInUse(roleId, name)) throw badRequest('role_id already in use');
        role.roleId = roleId;
      }
      if (existing === undefined) role.localSecretIds = boolField(data, 'local_secret_ids') ?? false;
      role.bindSecretId = boolField(data, 'bind_secret_id') ?? role.bindSecretId;
      const cidrs = commaListField(data, 'secret_id_bound_cidrs') ?? commaListField(data, 'bound_cidr_list');
      if (cidrs !== undefined) role.secretIdBoundCidrs = cidrs.filter((c) => c !== '');
      role.secretIdNumUses = intField(data, 'secret_id_num_uses') ?? role.secretIdNumUses;
      if (role.secretIdNumUses < 0) throw badRequest('secret_id_num_uses cannot be negative');
      role.secretIdTtl = durationField(data, 'secret_id_ttl') ?? role.secretIdTtl;
      role.token = parseTokenFields(data, role.token, { token_policies: 'policies', token_period: 'period' });
      if (
        !role.bindSecretId &&
        (role.secretIdBoundCidrs ?? []).length === 0 &&
        role.token.tokenBoundCidrs.length === 0
      ) {
        throw badRequest('at least one constraint should be enabled on the role');
      }
      return { role, warnings: maxTtlWarning(role.token, mountMaxTtl()) };
    },
    read(role) {
      return {
        bind_secret_id: role.bindSecretId,
        secret_id_bound_cidrs: role.secretIdBoundCidrs === null ? null : [...role.secretIdBoundCidrs],
        secret_id_num_uses: role.secretIdNumUses,
        secret_id_ttl: role.secretIdTtl,
        local_secret_ids: role.localSecretIds,
        ...tokenFieldsData(role.token),
      };
    },
  };
}
