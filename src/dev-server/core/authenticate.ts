// The token and ACL check every non-login request goes through: a live token, one of its uses spent, then (for
// tokens without the root policy) the capabilities its policies grant on the request's path, or Vault's 403.

import type { PolicyStore } from '../policy/policy-store.js';
import type { Operation, TokenEntry, TokenStore } from '../types.js';
import { permissionDenied } from '../types.js';

/**
 * Who may call a path: anyone; any live token, whatever its policies (`live`: paths Vault serves to every token,
 * such as the CLI's mount preflight); any token its policies allow (`token`); the same plus the `sudo` capability
 * (Vault's root-protected paths); or only a token with the `root` policy (the dev server's own sys/dev/ paths).
 */
export type Access = 'none' | 'live' | 'token' | 'sudo' | 'root';

/** What the check needs: the live tokens and the policies their names refer to. */
export interface Guard {
  readonly tokens: TokenStore;
  readonly policies: PolicyStore;
}

/** The request being checked: its full path (`pki/sign/web`, `sys/policy/x`) and operation. */
export interface Target {
  readonly path: string;
  readonly operation: Operation;
}

/**
 * Resolves the caller's token for a path with this access rule. On an unauthenticated path a bad token is simply
 * ignored (logins work with a stale VAULT_TOKEN in the environment); elsewhere it is a 403. A live token spends
 * one use even when its ACL then refuses the request, as in Vault: checkToken hands the entry back with the 403
 * "so we can decrement the use count", and handleRequest spends the use before it looks at the error.
 */
export function authenticate(
  guard: Guard,
  token: string | undefined,
  access: Access,
  target: Target,
): TokenEntry | undefined {
  const entry = token === undefined ? undefined : guard.tokens.lookup(token);
  if (access === 'none') return entry;
  if (entry === undefined) throw permissionDenied();
  guard.tokens.consumeUse(entry);
  if (!allowed(guard.policies, entry, access, target)) throw permissionDenied();
  return entry;
}

function allowed(policies: PolicyStore, entry: TokenEntry, access: Access, target: Target): boolean {
  const acl = policies.aclFor(entry.policies);
  if (acl === undefined) return true; // the root policy
  if (access === 'live') return true;
  if (access === 'root') return false;
  return acl.allows(target.path, target.operation, access === 'sudo');
}
