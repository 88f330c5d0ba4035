// JWT auth roles and configuration: what a write accepts and checks, and how each reads back.

import {
  boolField,
  commaListField,
  durationField,
  objectField,
  stringField,
  stringMapField,
} from '../token/framework-fields.js';
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

/** A JWT role as stored. Leeways in seconds (0 = cap's default, negative = none). */
export interface JwtRole {
  roleType: 'jwt' | 'oidc';
  boundAudiences: string[];
  boundSubject: string;
  boundClaims: Record<string, unknown> | null;
  boundClaimsType: 'string' | 'glob';
  claimMappings: Record<string, string> | null;
  userClaim: string;
  groupsClaim: string;
  allowedRedirectUris: string[];
  oidcScopes: string[];
  clockSkewLeeway: number;
  expirationLeeway: number;
  notBeforeLeeway: number;
  token: TokenParams;
}

/** The mount's configuration, kept as written (the dev server fetches no keys and verifies no signatures). */
export type JwtConfig = Record<string, unknown>;

const LEGACY = {
  token_policies: 'policies',
  token_ttl: 'ttl',
  token_max_ttl: 'max_ttl',
  token_period: 'period',
  token_num_uses: 'num_uses',
  token_bound_cidrs: 'bound_cidrs',
} as const;

const ROLE_FIELDS = [
  'name',
  'role_type',
  'bound_audiences',
  'bound_subject',
  'bound_claims',
  'bound_claims_type',
  'claim_mappings',
  'user_claim',
  'user_claim_json_pointer',
  'groups_claim',
  'oidc_scopes',
  'allowed_redirect_uris',
  'clock_skew_leeway',
  'expiration_leeway',
  'not_before_leeway',
  'verbose_oidc_logging',
  'max_age',
  ...Object.values(LEGACY),
  ...TOKEN_FIELD_NAMES,
];

/** The JWT role codec; `mountMaxTtl` feeds the token_max_ttl warning. */
export function jwtRoleCodec(mountMaxTtl: () => number): RoleCodec<JwtRole> {
  return {
    fields: ROLE_FIELDS,
    write(_name, existing, data) {
      const role: JwtRole = existing ? { ...existing } : newRole();
      const roleType = stringField(data, 'role_type');
      if (roleType !== undefined && roleType !== '') {
        if (roleType !== 'jwt' && roleType !== 'oidc') throw badRequest(`invalid 'role_type': ${roleType}`);
        role.roleType = roleType;
      }
      role.boundAudiences = commaListField(data, 'bound_audiences') ?? role.boundAudiences;
      role.boundSubject = stringField(data, 'bound_subject') ?? role.boundSubject;
      role.boundClaims = objectField(data, 'bound_claims') ?? role.boundClaims;
      const claimsType = stringField(data, 'bound_claims_type');
      if (claimsType !== undefined && claimsType !== '') {
        if (claimsType !== 'string' && claimsType !== 'glob') {
          throw badRequest(`invalid 'bound_claims_type': ${claimsType}`);
        }
        role.boundClaimsType = claimsType;
      }
      role.claimMappings = stringMapField(data, 'claim_mappings') ?? role.claimMappings;
      role.userClaim = stringField(data, 'user_claim') || role.userClaim;
      role.groupsClaim = stringField(data, 'groups_claim') ?? role.groupsClaim;
      role.allowedRedirectUris = commaListField(data, 'allowed_redirect_uris') ?? role.allowedRedirectUris;
      role.oidcScopes = commaListField(data, 'oidc_scopes') ?? role.oidcScopes;
      role.clockSkewLeeway = durationField(data, 'clock_skew_leeway') ?? role.clockSkewLeeway;
      role.expirationLeeway = durationField(data, 'expiration_leeway') ?? role.expirationLeeway;
      role.notBeforeLeeway = durationField(data, 'not_before_leeway') ?? role.notBeforeLeeway;
      role.token = parseTokenFields(data, role.token, LEGACY);
      if (role.roleType === 'oidc' && role.allowedRedirectUris.length === 0) {
        throw badRequest("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
      }
      return { role, warnings: maxTtlWarning(role.token, mountMaxTtl()) };
    },
    read(role) {
      return {
        role_type: role.roleType,
        bound_audiences: [...role.boundAudiences],
        bound_subject: role.boundSubject,
        bound_claims: role.boundClaims,
        bound_claims_type: role.boundClaimsType,
        claim_mappings: role.claimMappings,
        user_claim: role.userClaim,
        user_claim_json_pointer: false,
        groups_claim: role.groupsClaim,
        oidc_scopes: [...role.oidcScopes],
        allowed_redirect_uris: [...role.allowedRedirectUris],
        clock_skew_leeway: role.clockSkewLeeway,
        expiration_leeway: role.expirationLeeway,
        not_before_leeway: role.notBeforeLeeway,
        verbose_oidc_logging: false,
        max_age: 0,
        ...tokenFieldsData(role.token),
      };
    },
  };
}

// A new role: Vault defaults role_type to "oidc" and the leeways to 60 s / 150 s / 150 s.
function newRole(): JwtRole {
  return {
    roleType: 'oidc',
    boundAudiences: [],
    boundSubject: '',
    boundClaims: null,
    boundClaimsType: 'string',
    claimMappings: null,
    userClaim: 'sub',
    groupsClaim: '',
    allowedRedirectUris: [],
    oidcScopes: [],
    clockSkewLeeway: 60,
    expirationLeeway: 150,
    notBeforeLeeway: 150,
    token: defaultTokenParams(),
  };
}

const CONFIG_DEFAULTS: JwtConfig = {
  oidc_discovery_url: '',
  oidc_discovery_ca_pem: '',
  oidc_client_id: '',
  oidc_response_mode: '',
  oidc_response_types: [],
  jwks_url: '',
  jwks_ca_pem: '',
  jwks_pairs: [],
  jwt_validation_pubkeys: [],
  jwt_supported_algs: [],
  bound_issuer: '',
  default_role: '',
  provider_config: {},
  namespace_in_state: true,
};

const LIST_FIELDS = ['oidc_response_types', 'jwt_validation_pubkeys', 'jwt_supported_algs'];

/** The configuration codec: every known field stored as written (lists normalised); the client secret never shown. */
export const jwtConfigCodec: ConfigCodec<JwtConfig> = {
  fields: [...Object.keys(CONFIG_DEFAULTS), 'oidc_client_secret', 'unsupported_critical_cert_extensions'],
  write(data) {
    const config: JwtConfig = { ...CONFIG_DEFAULTS };
    for (const key of Object.keys(CONFIG_DEFAULTS)) {
      if (data[key] === undefined || data[key] === null) continue;
      config[key] = LIST_FIELDS.includes(key) ? (commaListField(data, key) ?? []) : data[key];
    }
    const nsInState = boolField(data, 'namespace_in_state');
    if (nsInState !== undefined) config.namespace_in_state = nsInState;
    return config;
  },
  read(config) {
    return { ...config };
  },
};
