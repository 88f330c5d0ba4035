import type { VaultAuthBlock, VaultClient } from './types.js';
import { VaultResponseError } from './vault-errors.js';

/** What `lookup-self` says about a token that matters to its lifecycle. Durations in seconds. */
export interface TokenInfo {
  /** Seconds left; 0 with `expireTime` null means the token never expires (root). */
  readonly ttl: number;
  readonly creationTtl: number;
  readonly explicitMaxTtl: number;
  readonly period: number;
  /** false when the token has no lease or Vault says it is not renewable. */
  readonly renewable: boolean;
  /** ms since the epoch, or null for a non-expiring token. */
  readonly expireTime: number | null;
  readonly policies: readonly string[];
  readonly path: string;
  readonly type: string;
}

/** A renewal's outcome: the granted lease and what Vault warned. */
export interface RenewResult {
  readonly auth: VaultAuthBlock;
  readonly warnings: readonly string[];
}

/** GET `auth/token/lookup-self`. */
export async function lookupSelf(
  client: VaultClient,
  token: string,
  signal?: AbortSignal,
): Promise<TokenInfo> {
  const envelope = await client.request({
    method: 'GET',
    path: 'auth/token/lookup-self',
    token,
    operation: 'token.lookup_self',
    signal,
  });
  const data = envelope?.data;
  if (!data) throw new VaultResponseError('vault auth/token/lookup-self answered without data');
  const int = (name: string): number => {
    const value = data[name];
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new VaultResponseError(`vault auth/token/lookup-self answered a non-numeric ${name}`);
    }
    return value;
  };
  const expire = data.expire_time;
  const expireTime =
    typeof expire === 'string' && !Number.isNaN(Date.parse(expire)) ? Date.parse(expire) : null;
  return {
    ttl: int('ttl'),
    creationTtl: int('creation_ttl'),
    explicitMaxTtl: int('explicit_max_ttl'),
    period: int('period'),
    renewable: data.renewable === true,
    expireTime,
    policies: Array.isArray(data.policies) ? data.policies.map(String) : [],
    path: typeof data.path === 'string' ? data.path : '',
    type: typeof data.type === 'string' ? data.type : 'service',
  };
}

/** POST `auth/token/renew-self`, asking for `incrementSeconds` (Vault's default when omitted). */
export async function renewSelf(
  client: VaultClient,
  token: string,
  incrementSeconds?: number,
  signal?: AbortSignal,
): Promise<RenewResult> {
  const envelope = await client.request({
    method: 'POST',
    path: 'auth/token/renew-self',
    token,
    operation: 'token.renew_self',
    body:
      incrementSeconds === undefined ? {} : { increment: `${Math.max(1, Math.round(incrementSeconds))}s` },
    signal,
  });
  const auth = envelope?.auth;
  if (!auth || typeof auth.lease_duration !== 'number') {
    throw new VaultResponseError('vault auth/token/renew-self answered without an auth block');
  }
  return { auth, warnings: envelope.warnings ?? [] };
}

/** POST `auth/token/revoke-self`. */
export async function revokeSelf(client: VaultClient, token: string, signal?: AbortSignal): Promise<void> {
  await client.request({
    method: 'POST',
    path: 'auth/token/revoke-self',
    token,
    operation: 'token.revoke_self',
    signal,
  });
}
