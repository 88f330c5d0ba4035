// auth/token/create and create-orphan: Vault's handleCreateCommon without token roles. "Root or sudo" is the
// caller's sudo capability on the create path, decided by the backend from the ACL and passed in.

import { DurationParseError, parseVaultDurationMs } from '../../lib/duration.js';
import type { DevRequest, DevResponse, TokenEntry } from '../types.js';
import { badRequest } from '../types.js';
import { ignoredFieldsWarning } from './framework-fields.js';
import { sanitizePolicies } from './policies.js';
import type { MemoryTokenStore, TokenSpec } from './token-store.js';

const CREATE_FIELDS = [
  'display_name',
  'explicit_max_ttl',
  'entity_alias',
  'num_uses',
  'period',
  'renewable',
  'ttl',
  'lease',
  'type',
  'no_default_policy',
  'id',
  'meta',
  'metadata',
  'no_parent',
  'policies',
  'format',
  'role_name',
];

const CUSTOM_ID_WARNING =
  'Supplying a custom ID for the token uses the weaker SHA1 hashing instead of the more secure SHA2-256 HMAC for token obfuscation. SHA1 hashed tokens on the wire leads to less secure lookups.';

/** The request body of token create, decoded as Vault's mapstructure.WeakDecode would. */
interface CreateRequest {
  id: string;
  policies: string[];
  meta: Record<string, string> | null;
  noParent: boolean;
  noDefaultPolicy: boolean;
  ttl: string;
  lease: string;
  renewable: boolean;
  explicitMaxTtl: string;
  displayName: string;
  numUses: number;
  period: string;
  type: string;
  entityAlias: string;
}

/** Handles `create` (orphan=false) and `create-orphan` (orphan=true) for the calling token. */
export function handleTokenCreate(
  store: MemoryTokenStore,
  request: DevRequest,
  orphan: boolean,
  isSudo: boolean,
): DevResponse {
  const parent = request.token;
  if (parent === undefined) throw badRequest('parent token lookup failed: no parent found');
  if (parent.type === 'batch') throw badRequest('batch tokens cannot create more tokens');
  if (parent.numUses > 0) throw badRequest('restricted use token cannot generate child tokens');
  const body = decodeCreateRequest(request.data);

  const type = tokenType(body);
  if (body.numUses < 0) throw badRequest('number of uses cannot be negative');
  if (body.entityAlias !== '')
    throw badRequest("'entity_alias' is only allowed in combination with token role");
  if (body.id !== '' && !isSudo) throw badRequest('root or sudo privileges required to specify token id');

  const policies = childPolicies(body, parent, isSudo);
  if (policies.includes('root') && !parent.policies.includes('root')) {
    throw badRequest('root tokens may not be created without parent token being root');
  }
  if (policies.includes('root') && type === 'batch') throw badRequest('batch tokens cannot be root tokens');
  if (body.noParent && !isSudo) throw badRequest('root or sudo privileges required to create orphan token');

  const explicitMaxTtl = positiveDuration(body.explicitMaxTtl, 'explicit_max_ttl');
  const period = positiveDuration(body.period, 'period');
  if (period > 0 && !isSudo) throw badRequest('root or sudo privileges required to create periodic token');
  const ttl = body.ttl !== '' ? positiveDuration(body.ttl, 'ttl') : positiveDuration(body.lease, 'lease');
  const nonExpiring = period === 0 && ttl === 0 && explicitMaxTtl === 0 && policies.includes('root');
  if (nonExpiring && parent.creationTtl !== 0) {
    throw badRequest('expiring root tokens cannot create non-expiring root tokens');
  }

  const hasParent = !(orphan || body.noParent);
  const spec: TokenSpec = {
    policies,
    path: `auth/token/${request.path}`,
    meta: body.meta,
    displayName: displayName(body.displayName),
    numUses: body.numUses,
    type,
    ttl,
    explicitMaxTtl,
    period,
    renewable: type === 'service' && body.renewable,
    allowNonExpiring: policies.includes('root'),
    entityId: hasParent ? parent.entityId : '',
    mountPath: request.mount.path,
    mount: request.mount.config,
    ...(hasParent ? { parent: parent.id } : {}),
    ...(body.id !== '' ? { id: body.id } : {}),
  };
  const created = store.create(spec);
  const warnings = [...created.warnings];
  if (body.id !== '') warnings.push(CUSTOM_ID_WARNING);
  warnings.push(...ignoredFieldsWarning(request.data, CREATE_FIELDS));
  return { kind: 'logical', data: null, auth: created.auth, warnings };
}

// The token type, with Vault's check (first offending field only) on what a batch token may not have.
function tokenType(body: CreateRequest): 'service' | 'batch' {
  if (body.type === '' || body.type === 'service') return 'service';
  if (body.type !== 'batch') throw badRequest("invalid 'token_type' value");
  let badReason = '';
  if (body.explicitMaxTtl !== '') {
    if (batchDuration(body.explicitMaxTtl, 'explicit_max_ttl') !== 0) badReason = 'explicit_max_ttl';
  } else if (body.numUses !== 0) {
    badReason = 'num_uses';
  } else if (body.period !== '') {
    if (batchDuration(body.period, 'period') !== 0) badReason = 'period';
  }
  if (badReason !== '') throw badRequest(`batch tokens cannot have "${badReason}" set`);
  return 'batch';
}

// The batch branch of handleCreateCommon words its parse errors with double quotes.
function batchDuration(value: string, field: string): number {
  try {
    return parseVaultDurationMs(value);
  } catch (error) {
    if (error instanceof DurationParseError) throw badRequest(`"${field}" value could not be parsed`);
    throw error;
  }
}

// Policies default to the parent's; otherwise a non-sudo caller may only pick a subset of its own.
function childPolicies(body: CreateRequest, parent: TokenEntry, isSudo: boolean): string[] {
  let addDefault = false;
  let requested = body.policies;
  if (requested.length === 0) {
    requested = sanitizePolicies(parent.policies, false);
  } else if (!isSudo) {
    const parentSet = new Set(sanitizePolicies(parent.policies, false));
    if (!sanitizePolicies(requested, false).every((p) => parentSet.has(p))) {
      throw badRequest('child policies must be subset of parent');
    }
    addDefault = !body.noDefaultPolicy && parent.policies.includes('default');
  } else {
    addDefault = !body.noDefaultPolicy;
  }
  const policies = sanitizePolicies(requested, addDefault);
  return body.noDefaultPolicy ? policies.filter((p) => p !== 'default') : policies;
}

// The display name Vault stores: "token-" + the given name with anything but [A-Za-z0-9-] turned into "-".
function displayName(given: string): string {
  if (given === '') return 'token';
  return `token-${given}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-$/, '');
}

// Token create parses its duration fields by hand, so its errors read differently from framework fields.
function positiveDuration(value: string, field: string): number {
  if (value === '') return 0;
  let seconds: number;
  try {
    seconds = Math.trunc(parseVaultDurationMs(value) / 1000);
  } catch (error) {
    if (error instanceof DurationParseError) throw badRequest(`'${field}' value could not be parsed`);
    throw error;
  }
  if (seconds < 0) throw badRequest(`${field} must be positive`);
  return seconds;
}

function decodeCreateRequest(data: Readonly<Record<string, unknown>>): CreateRequest {
  return {
    id: weakString(data, 'id'),
    policies: weakList(data.policies),
    meta: weakMap(data.meta ?? null),
    noParent: weakBool(data, 'no_parent', false),
    noDefaultPolicy: weakBool(data, 'no_default_policy', false),
    ttl: weakString(data, 'ttl'),
    lease: weakString(data, 'lease'),
    renewable: weakBool(data, 'renewable', true),
    explicitMaxTtl: weakString(data, 'explicit_max_ttl'),
    displayName: weakString(data, 'display_name'),
    numUses: weakInt(data, 'num_uses'),
    period: weakString(data, 'period'),
    type: weakString(data, 'type'),
    entityAlias: weakString(data, 'entity_alias'),
  };
}

function weakString(data: Readonly<Record<string, unknown>>, name: string): string {
  const value = data[name];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw decodeError(`'${name}' expected type 'string', got unconvertible type '${typeof value}'`);
}

function weakBool(data: Readonly<Record<string, unknown>>, name: string, fallback: boolean): boolean {
  const value = data[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && /^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False|)$/.test(value)) {
    return /^(1|t|T|TRUE|true|True)$/.test(value);
  }
  throw decodeError(
    `cannot parse '${name}' as bool: strconv.ParseBool: parsing ${JSON.stringify(String(value))}: invalid syntax`,
  );
}

function weakInt(data: Readonly<Record<string, unknown>>, name: string): number {
  const value = data[name];
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value);
  throw decodeError(
    `cannot parse '${name}' as int: strconv.ParseInt: parsing ${JSON.stringify(String(value))}: invalid syntax`,
  );
}

function weakList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((item) => String(item));
  return String(value).split(',');
}

function weakMap(value: unknown): Record<string, string> | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw decodeError(`'meta' expected a map, got '${Array.isArray(value) ? 'slice' : typeof value}'`);
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = String(item);
  return out;
}

function decodeError(detail: string) {
  return badRequest(`Error decoding request: 1 error(s) decoding:\n\n* ${detail}`);
}
