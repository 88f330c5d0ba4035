// AppRole secret IDs of one mount: issued per role, limited in time and uses, looked up by value or accessor.
// Values are compared as given (Vault keeps only an HMAC, but the dev server has no need to hide them from itself).

import { commaListField, durationField, intField } from '../token/framework-fields.js';
import { formatRfc3339Nano } from '../token/time-format.js';
import { newUuid } from '../token/token-ids.js';
import { badRequest } from '../types.js';
import type { AppRole } from './approle-roles.js';

/** One secret ID as stored. Times in ms; TTL in seconds (0 = never expires); uses left (0 = unlimited). */
export interface SecretId {
  role: string;
  value: string;
  accessor: string;
  creationTime: number;
  lastUpdatedTime: number;
  ttl: number;
  numUses: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

/** What a caller may choose about a new secret ID. */
export type SecretIdOptions = Pick<
  SecretId,
  'ttl' | 'numUses' | 'metadata' | 'cidrList' | 'tokenBoundCidrs'
> & {
  value?: string;
};

// Go's zero time, which Vault prints for a secret ID that never expires.
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The secret IDs of an AppRole mount. */
export class SecretIdStore {
  readonly #byValue = new Map<string, SecretId>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Issues a secret ID for `role` (a fresh UUID unless a custom value is given). */
  issue(role: string, options: SecretIdOptions): SecretId {
    const now = this.#now();
    const entry: SecretId = {
      role,
      value: options.value ?? newUuid(),
      accessor: newUuid(),
      creationTime: now,
      lastUpdatedTime: now,
      ttl: options.ttl,
      numUses: options.numUses,
      metadata: { ...options.metadata },
      cidrList: [...options.cidrList],
      tokenBoundCidrs: [...options.tokenBoundCidrs],
    };
    this.#byValue.set(entry.value, entry);
    return entry;
  }

  /** The live secret ID with this value for `role`; expired ones are dropped on the way. */
  find(role: string, value: string): SecretId | undefined {
    const entry = this.#byValue.get(value);
    if (entry === undefined || entry.role !== role) return undefined;
    if (entry.ttl > 0 && this.#now() >= entry.creationTime + entry.ttl * 1000) {
      this.#byValue.delete(value);
      return undefined;
    }
    return entry;
  }

  /** The live secret ID of `role` with this accessor. */
  findByAccessor(role: string, accessor: string): SecretId | undefined {
    const entry = [...this.#byValue.values()].find((e) => e.role === role && e.accessor === accessor);
    return entry === undefined ? undefined : this.find(role, entry.value);
  }

  /** Spends one use of a limited secret ID at login; the last use deletes it. */
  spend(entry: SecretId): void {
    if (entry.numUses === 0) return;
    if (entry.numUses === 1) {
      this.#byValue.delete(entry.value);
      return;
    }
    entry.numUses -= 1;
    entry.lastUpdatedTime = this.#now();
  }

  /** Deletes one secret ID. */
  destroy(entry: SecretId): void {
    this.#byValue.delete(entry.value);
  }

  /** Deletes every secret ID of a role (the role was deleted). */
  destroyRole(role: string): void {
    for (const entry of [...this.#byValue.values()])
      if (entry.role === role) this.#byValue.delete(entry.value);
  }

  /** Accessors of a role's live secret IDs, sorted. */
  accessors(role: string): string[] {
    return [...this.#byValue.values()]
      .filter((e) => this.find(role, e.value) !== undefined)
      .map((e) => e.accessor)
      .sort();
  }
}

/** The `data` of secret-id/lookup and secret-id-accessor/lookup. */
export function secretIdData(entry: SecretId): Record<string, unknown> {
  return {
    cidr_list: [...entry.cidrList],
    creation_time: formatRfc3339Nano(entry.creationTime),
    expiration_time: entry.ttl > 0 ? formatRfc3339Nano(entry.creationTime + entry.ttl * 1000) : ZERO_TIME,
    last_updated_time: formatRfc3339Nano(entry.lastUpdatedTime),
    metadata: { ...entry.metadata },
    secret_id_accessor: entry.accessor,
    secret_id_num_uses: entry.numUses,
    secret_id_ttl: entry.ttl,
    token_bound_cidrs: [...entry.tokenBoundCidrs],
  };
}

/** The TTL, use count, metadata and CIDRs a secret-id request asks for, checked against the role's limits. */
export function secretIdOptions(data: Readonly<Record<string, unknown>>, role: AppRole): SecretIdOptions {
  return {
    ttl: secretIdTtl(durationField(data, 'ttl'), role),
    numUses: secretIdUses(intField(data, 'num_uses'), role),
    metadata: parseMetadata(data.metadata),
    cidrList: (commaListField(data, 'cidr_list') ?? []).filter((c) => c !== ''),
    tokenBoundCidrs: (commaListField(data, 'token_bound_cidrs') ?? []).filter((c) => c !== ''),
  };
}

// A secret ID may ask for less than the role allows, never more (and never "unlimited" under a limit).
function secretIdTtl(ttl: number | undefined, role: AppRole): number {
  if (ttl === undefined) return role.secretIdTtl;
  if (role.secretIdTtl > 0 && (ttl === 0 || ttl > role.secretIdTtl)) {
    throw badRequest("ttl cannot be longer than the role's secret_id_ttl");
  }
  return ttl;
}

function secretIdUses(uses: number | undefined, role: AppRole): number {
  if (uses === undefined) return role.secretIdNumUses;
  if (uses < 0) throw badRequest('num_uses cannot be negative');
  if (role.secretIdNumUses > 0 && (uses === 0 || uses > role.secretIdNumUses)) {
    throw badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
  }
  return uses;
}

// Secret ID metadata arrives as a JSON-encoded string of string values (an object is accepted too).
function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw badRequest(`failed to parse metadata: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('failed to parse metadata: expected a JSON object of strings');
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
