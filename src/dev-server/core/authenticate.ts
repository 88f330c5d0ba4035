// The token check every non-login request goes through: a live token or Vault's 403, then one use spent.

import type { TokenEntry, TokenStore } from '../types.js';
import { permissionDenied } from '../types.js';

/** Who may call a path: anyone, any live token, or only a token with the `root` policy. */
export type Access = 'none' | 'token' | 'root';

/**
 * Resolves the caller's token for a path with this access rule. On an unauthenticated path a bad token is simply
 * ignored (logins work with a stale VAULT_TOKEN in the environment); elsewhere it is a 403, and one use is spent.
 */
export function authenticate(
  tokens: TokenStore,
  token: string | undefined,
  access: Access,
): TokenEntry | undefined {
  const entry = token === undefined ? undefined : tokens.lookup(token);
  if (access === 'none') return entry;
  if (entry === undefined) throw permissionDenied();
  // The dev server has no ACL store: only `root` stands for the sudo capability that sys/ management needs.
  if (access === 'root' && !entry.policies.includes('root')) throw permissionDenied();
  tokens.consumeUse(entry);
  return entry;
}
