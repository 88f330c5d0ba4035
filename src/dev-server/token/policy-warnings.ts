// Vault's token create warns, without failing, about each policy of the new token that does not exist
// (`Policy "web" does not exist`): a client that checks warnings sees the same as against Vault.

import type { Acl } from '../policy/acl.js';
import type { DevRequest, DevResponse } from '../types.js';

/** What the token backend needs of the policy store. */
export interface PolicyNames {
  exists(name: string): boolean;
  /** undefined for a token with the root policy. */
  aclFor(names: readonly string[]): Acl | undefined;
}

/** Whether the caller has `sudo` on the request's path (a token with the root policy has everything). */
export function hasSudo(policies: PolicyNames, request: DevRequest): boolean {
  const acl = policies.aclFor(request.token?.policies ?? []);
  return (
    acl === undefined ||
    acl.capabilitiesFor(`${request.mount.path}${request.path}`, request.operation).has('sudo')
  );
}

/** Adds a warning per missing policy of the created token, after the backend's own warnings. */
export function withPolicyWarnings(response: DevResponse, policies: PolicyNames): DevResponse {
  if (response.kind !== 'logical' || !response.auth) return response;
  const missing = response.auth.policies.filter((name) => !policies.exists(name));
  if (missing.length === 0) return response;
  const warnings = [
    ...(response.warnings ?? []),
    ...missing.map((name) => `Policy "${name}" does not exist`),
  ];
  return { ...response, warnings };
}
