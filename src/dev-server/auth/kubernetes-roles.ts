// Kubernetes auth roles and configuration: what a write accepts and checks, and how each reads back.

import { boolField, commaListField, stringField } from '../token/framework-fields.js';
import { badRequest } from '../types.js';
import type { ConfigCodec } from './auth-config.js';
import type { RoleCodec } from './role-table.js';
import type { TokenParams } from './token-fields.js';
import {
  TOKEN_FIELD_NAMES,
  defaultTokenParams,
  maxTtlWarning,
  parseTokenFields,
  tokenFieldsData,
} from './token-fields.js';

/** A Kubernetes role as stored. */
export interface KubernetesRole {
  names: string[];
  namespaces: string[];
  namespaceSelector: string;
  audience: string;
  aliasNameSource: 'serviceaccount_uid' | 'serviceaccount_name';
  token: TokenParams;
}

/** The mount's configuration. Stored and shown back; the dev server never calls the Kubernetes API. */
export interface KubernetesConfig {
  kubernetesHost: string;
  kubernetesCaCert: string;
  pemKeys: string[];
  issuer: string;
  disableIssValidation: boolean;
  disableLocalCaJwt: boolean;
  tokenReviewerJwtSet: boolean;
  useAnnotationsAsAliasMetadata: boolean;
}

const LEGACY = {
  token_policies: 'policies',
  token_ttl: 'ttl',
  token_max_ttl: 'max_ttl',
  token_period: 'period',
  token_num_uses: 'num_uses',
  token_bound_cidrs: 'bound_cidrs',
} as const;

/** The Kubernetes role codec; `mountMaxTtl` feeds the token_max_ttl warning. */
export function kubernetesRoleCodec(mountMaxTtl: () => number): RoleCodec<KubernetesRole> {
  return {
    fields: [
      'name',
      'bound_service_account_names',
      'bound_service_account_namespaces',
      'bound_service_account_namespace_selector',
      'audience',
      'alias_name_source',
      ...Object.values(LEGACY),
      ...TOKEN_FIELD_NAMES,
    ],
    write(_name, existing, data) {
      const role: KubernetesRole = existing
        ? { ...existing }
        : {
            names: [],
            namespaces: [],
            namespaceSelector: '',
            audience: '',
            aliasNameSource: 'serviceaccount_uid',
            token: defaultTokenParams(),
          };
      role.names = commaListField(data, 'bound_service_account_names') ?? role.names;
      role.namespaces = commaListField(data, 'bound_service_account_namespaces') ?? role.namespaces;
      role.namespaceSelector =
        stringField(data, 'bound_service_account_namespace_selector') ?? role.namespaceSelector;
      role.audience = stringField(data, 'audience') ?? role.audience;
      const source = stringField(data, 'alias_name_source');
      if (source !== undefined && source !== '') {
        if (source !== 'serviceaccount_uid' && source !== 'serviceaccount_name') {
          throw badRequest(`invalid alias_name_source ${JSON.stringify(source)}`);
        }
        role.aliasNameSource = source;
      }
      role.token = parseTokenFields(data, role.token, LEGACY);
      checkBindings(role);
      return { role, warnings: maxTtlWarning(role.token, mountMaxTtl()) };
    },
    read(role) {
      return {
        bound_service_account_names: [...role.names],
        bound_service_account_namespaces: [...role.namespaces],
        bound_service_account_namespace_selector: role.namespaceSelector,
        audience: role.audience,
        alias_name_source: role.aliasNameSource,
        ...tokenFieldsData(role.token),
      };
    },
  };
}

function checkBindings(role: KubernetesRole): void {
  if (role.names.length === 0) throw badRequest('"bound_service_account_names" can not be empty');
  if (role.namespaces.length === 0 && role.namespaceSelector === '') {
    throw badRequest('"bound_service_account_namespaces" can not be empty');
  }
  if (role.names.length > 1 && role.names.includes('*')) {
    throw badRequest('can not mix "*" with values');
  }
  if (role.namespaces.length > 1 && role.namespaces.includes('*')) {
    throw badRequest('can not mix "*" with values');
  }
}

/** The configuration codec: kubernetes_host is required; the reviewer JWT is kept secret (only "is set"). */
export const kubernetesConfigCodec: ConfigCodec<KubernetesConfig> = {
  fields: [
    'kubernetes_host',
    'kubernetes_ca_cert',
    'token_reviewer_jwt',
    'pem_keys',
    'issuer',
    'disable_iss_validation',
    'disable_local_ca_jwt',
    'use_annotations_as_alias_metadata',
  ],
  write(data) {
    const host = stringField(data, 'kubernetes_host') ?? '';
    if (host === '') throw badRequest('no host provided');
    return {
      kubernetesHost: host,
      kubernetesCaCert: stringField(data, 'kubernetes_ca_cert') ?? '',
      pemKeys: (commaListField(data, 'pem_keys') ?? []).filter((k) => k !== ''),
      issuer: stringField(data, 'issuer') ?? '',
      disableIssValidation: boolField(data, 'disable_iss_validation') ?? true,
      disableLocalCaJwt: boolField(data, 'disable_local_ca_jwt') ?? false,
      tokenReviewerJwtSet: (stringField(data, 'token_reviewer_jwt') ?? '') !== '',
      useAnnotationsAsAliasMetadata: boolField(data, 'use_annotations_as_alias_metadata') ?? false,
    };
  },
  read(config) {
    return {
      kubernetes_host: config.kubernetesHost,
      kubernetes_ca_cert: config.kubernetesCaCert,
      pem_keys: [...config.pemKeys],
      issuer: config.issuer,
      disable_iss_validation: config.disableIssValidation,
      disable_local_ca_jwt: config.disableLocalCaJwt,
      token_reviewer_jwt_set: config.tokenReviewerJwtSet,
      use_annotations_as_alias_metadata: config.useAnnotationsAsAliasMetadata,
    };
  },
};
