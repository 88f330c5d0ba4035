// The `token_*` role fields every auth method shares (Vault's sdk/helper/tokenutil), with the deprecated names
// each method still accepts (`policies`, `ttl`, `period`, …), their checks, their read-back form, and the limits a
// role puts on the tokens it mints.

import type { RoleLimits } from '../token/token-store.js';
import {
  boolField,
  commaListField,
  durationField,
  intField,
  stringField,
} from '../token/framework-fields.js';
import { badRequest } from '../types.js';

/** A role's token settings; durations in seconds, 0 = unset. */
export interface TokenParams {
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenExplicitMaxTtl: number;
  tokenPeriod: number;
  tokenNumUses: number;
  tokenPolicies: string[];
  tokenNoDefaultPolicy: boolean;
  tokenType: 'default' | 'service' | 'batch';
  tokenBoundCidrs: string[];
  /** Values given under a deprecated name (old name → value), shown again on read as Vault does. */
  legacy: Record<string, number | string[]>;
}

/** The field names tokenutil adds to a role endpoint. */
export const TOKEN_FIELD_NAMES = [
  'token_bound_cidrs',
  'token_explicit_max_ttl',
  'token_max_ttl',
  'token_no_default_policy',
  'token_num_uses',
  'token_period',
  'token_policies',
  'token_type',
  'token_ttl',
] as const;

/** Deprecated field → its token_* replacement, per auth method. */
export type LegacyNames = Partial<Record<(typeof TOKEN_FIELD_NAMES)[number], string>>;

/** A role's token settings before anything was written. */
export function defaultTokenParams(): TokenParams {
  return {
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenExplicitMaxTtl: 0,
    tokenPeriod: 0,
    tokenNumUses: 0,
    tokenPolicies: [],
    tokenNoDefaultPolicy: false,
    tokenType: 'default',
    tokenBoundCidrs: [],
    legacy: {},
  };
}

type Data = Readonly<Record<string, unknown>>;

/**
 * ParseTokenFields plus UpgradeValue: fields present in `data` replace those of `current` (a role write merges);
 * a deprecated name fills its replacement when the new name is absent. Throws Vault's 400s.
 */
export function parseTokenFields(
  data: Data,
  current: TokenParams,
  legacyNames: LegacyNames = {},
): TokenParams {
  const next: TokenParams = {
    ...current,
    tokenPolicies: [...current.tokenPolicies],
    legacy: { ...current.legacy },
  };
  const pick = <T>(
    name: (typeof TOKEN_FIELD_NAMES)[number],
    parse: (d: Data, n: string) => T | undefined,
  ) => {
    const old = legacyNames[name];
    const fresh = parse(data, name);
    const previous = old === undefined ? undefined : parse(data, old);
    if (old !== undefined) {
      if (fresh === undefined && previous !== undefined) next.legacy[old] = previous as number | string[];
      else if (fresh !== undefined && previous !== undefined) next.legacy[old] = fresh as number | string[];
      else if (fresh !== undefined) delete next.legacy[old];
    }
    return fresh ?? previous;
  };
  next.tokenBoundCidrs = pick('token_bound_cidrs', commaListField) ?? next.tokenBoundCidrs;
  next.tokenExplicitMaxTtl = pick('token_explicit_max_ttl', durationField) ?? next.tokenExplicitMaxTtl;
  next.tokenMaxTtl = pick('token_max_ttl', durationField) ?? next.tokenMaxTtl;
  next.tokenNoDefaultPolicy = boolField(data, 'token_no_default_policy') ?? next.tokenNoDefaultPolicy;
  next.tokenPeriod = pick('token_period', durationField) ?? next.tokenPeriod;
  next.tokenPolicies = pick('token_policies', commaListField) ?? next.tokenPolicies;
  const type = stringField(data, 'token_type');
  if (type !== undefined) next.tokenType = parseTokenType(type);
  next.tokenNumUses = pick('token_num_uses', intField) ?? next.tokenNumUses;
  if (next.tokenNumUses < 0) throw badRequest("'token_num_uses' cannot be negative");
  if (next.tokenType === 'batch' && next.tokenPeriod !== 0) {
    throw badRequest(
      "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
    );
  }
  if (next.tokenType === 'batch' && next.tokenNumUses !== 0) {
    throw badRequest(
      "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
    );
  }
  next.tokenTtl = pick('token_ttl', durationField) ?? next.tokenTtl;
  if (next.tokenTtl > 0 && next.tokenMaxTtl > 0 && next.tokenTtl > next.tokenMaxTtl) {
    throw badRequest("'token_ttl' cannot be greater than 'token_max_ttl'");
  }
  return next;
}

/** PopulateTokenData: the token_* fields of a role read (durations as integer seconds), plus set legacy fields. */
export function tokenFieldsData(params: TokenParams): Record<string, unknown> {
  const data: Record<string, unknown> = {
    token_bound_cidrs: [...params.tokenBoundCidrs],
    token_explicit_max_ttl: params.tokenExplicitMaxTtl,
    token_max_ttl: params.tokenMaxTtl,
    token_no_default_policy: params.tokenNoDefaultPolicy,
    token_num_uses: params.tokenNumUses,
    token_period: params.tokenPeriod,
    token_policies: [...params.tokenPolicies],
    token_type: params.tokenType,
    token_ttl: params.tokenTtl,
  };
  for (const [name, value] of Object.entries(params.legacy)) {
    if (Array.isArray(value) ? value.length > 0 : value > 0) data[name] = value;
  }
  return data;
}

/** The TTL limits a role's renew handler re-applies to its tokens. */
export function roleLimitsOf(params: TokenParams): RoleLimits {
  return { ttl: params.tokenTtl, maxTtl: params.tokenMaxTtl, period: params.tokenPeriod };
}

/** The warning a role write gets when its token_max_ttl exceeds what the mount allows. */
export function maxTtlWarning(params: TokenParams, mountMaxTtl: number): string[] {
  return params.tokenMaxTtl > mountMaxTtl
    ? [
        "token_max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
      ]
    : [];
}

function parseTokenType(value: string): TokenParams['tokenType'] {
  if (value === '' || value === 'default') return 'default';
  if (value === 'service' || value === 'batch') return value;
  throw badRequest(`invalid 'token_type' value ${JSON.stringify(value)}`);
}
