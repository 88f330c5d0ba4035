// What callers hand the token store to mint a token, and what they get back.

import type { AuthBlock, TokenEntry } from '../types.js';
import type { MountTtlConfig } from './ttl-math.js';

/** The TTL limits an auth method's role puts on its tokens (seconds, 0 = unset); re-read at every renewal. */
export type RoleLimits = NonNullable<TokenEntry['roleLimits']>;

/** Everything needed to mint a token; the store works out its TTL, ids and expiry. */
export interface TokenSpec {
  /** A caller-chosen id (root/sudo only in Vault); a fresh `hvs.`/`hvb.` id otherwise. */
  id?: string;
  policies: string[];
  /** Creation path, e.g. `auth/token/create`, `auth/approle/login`. */
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  numUses: number;
  /** The parent token id; undefined makes an orphan. */
  parent?: string;
  type: 'service' | 'batch';
  /** Requested TTL in seconds; 0 = the mount default. */
  ttl: number;
  explicitMaxTtl: number;
  period: number;
  /** A role's max TTL (seconds, 0 = none); lowers the mount max. */
  backendMaxTtl?: number;
  renewable: boolean;
  /** Root-policy tokens with no TTL, period or explicit max never expire. */
  allowNonExpiring?: boolean;
  entityId: string;
  /** The mount (`auth/token/`, `auth/approle/`) whose TTL limits apply, now and at every renewal. */
  mountPath: string;
  /** That mount's tuned TTLs (0 = system); omitted means the system values. */
  mount?: MountTtlConfig;
  roleLimits?: RoleLimits;
  /** Re-reads the minting role at renewal (Vault's per-backend renew handler); may throw a VaultApiError. */
  onRenew?: () => RoleLimits;
}

/** A freshly minted token, its `auth` block and the warnings Vault would attach. */
export interface CreatedToken {
  entry: TokenEntry;
  auth: AuthBlock;
  warnings: string[];
}
