// Identifiers in the shapes Vault hands out. Clients treat them as opaque, but people and log scrubbers recognise
// the `hvs.` / `hvb.` prefixes, so the dev server keeps them.

import { randomBytes, randomUUID } from 'node:crypto';
import type { TokenEntry } from '../types.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` random base62 characters, without modulo bias (bytes ≥ 248 are drawn again). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A fresh token id: `hvs.` + 90 base62 characters for service tokens, `hvb.` + 120 for batch tokens (Vault ≥1.10). */
export function newTokenId(type: 'service' | 'batch'): string {
  return type === 'batch' ? `hvb.${randomBase62(120)}` : `hvs.${randomBase62(90)}`;
}

/** A fresh 24-character token accessor. */
export function newAccessor(): string {
  return randomBase62(24);
}

/** A fresh UUID (entity ids, role ids, secret ids). */
export function newUuid(): string {
  return randomUUID();
}

/** The fields a new entry always gets from its creator. */
export type OwnFields =
  'policies' | 'path' | 'meta' | 'displayName' | 'numUses' | 'orphan' | 'parent' | 'type' | 'entityId';

/** The fields every new token entry starts with (a fresh accessor, no lease); the store overwrites what differs. */
export function baseEntry(id: string, now: number): Omit<TokenEntry, OwnFields> {
  return {
    id,
    accessor: newAccessor(),
    creationTime: now,
    creationTtl: 0,
    ttl: 0,
    explicitMaxTtl: 0,
    period: 0,
    renewable: false,
    expireTime: null,
    issueTime: now,
    lastRenewalTime: undefined,
  };
}
