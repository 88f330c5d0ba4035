// The two shapes in which Vault shows a token: the `auth` block of a create/login/renew reply (§0.5) and the
// `data` of lookup / lookup-self (§2.1).

import type { AuthBlock, TokenEntry } from '../types.js';
import { formatRfc3339Nano, unixSeconds } from './time-format.js';

/** The `auth` block for a token, lease_duration = its current TTL; num_uses is the count it was created with. */
export function authBlockOf(entry: TokenEntry, numUses: number): AuthBlock {
  return {
    client_token: entry.id,
    accessor: entry.accessor,
    policies: [...entry.policies],
    token_policies: [...entry.policies],
    metadata: entry.meta === null ? null : { ...entry.meta },
    lease_duration: entry.ttl,
    renewable: entry.renewable,
    entity_id: entry.entityId,
    token_type: entry.type,
    orphan: entry.orphan,
    mfa_requirement: null,
    num_uses: numUses,
  };
}

/**
 * lookup-self's `data`. Fields tied to the token's lease (issue_time, renewable, expire_time, ttl) appear only when
 * Vault would have one; last_renewal* only after a renewal; period only for periodic tokens.
 */
export function lookupData(entry: TokenEntry, hasLease: boolean, nowMs: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    id: entry.id,
    accessor: entry.accessor,
    policies: [...entry.policies],
    path: entry.path,
    meta: entry.meta === null ? null : { ...entry.meta },
    display_name: entry.displayName,
    num_uses: entry.numUses,
    orphan: entry.orphan,
    creation_time: unixSeconds(entry.creationTime),
    creation_ttl: entry.creationTtl,
    expire_time: null,
    ttl: 0,
    explicit_max_ttl: entry.explicitMaxTtl,
    entity_id: entry.entityId,
    type: entry.type,
  };
  if (entry.period > 0) data.period = entry.period;
  if (!hasLease) return data;
  if (entry.lastRenewalTime !== undefined) {
    data.last_renewal_time = unixSeconds(entry.lastRenewalTime);
    data.last_renewal = formatRfc3339Nano(entry.lastRenewalTime);
  }
  if (entry.expireTime !== null) {
    data.expire_time = formatRfc3339Nano(entry.expireTime);
    data.ttl = remainingSeconds(entry.expireTime, nowMs);
  }
  data.renewable = entry.renewable && entry.expireTime !== null;
  data.issue_time = formatRfc3339Nano(
    entry.type === 'batch' ? unixSeconds(entry.creationTime) * 1000 : entry.issueTime,
  );
  return data;
}

// leaseEntry.ttl(): the time to expiry measured from now rounded to the second, truncated to whole seconds.
function remainingSeconds(expireMs: number, nowMs: number): number {
  return Math.trunc((expireMs - Math.round(nowMs / 1000) * 1000) / 1000);
}
