// Vault's token create warns, without failing, about each policy of the new token that does not exist
// (`Policy "web" does not exist`): a client that checks warnings sees the same as against Vault.

import type { DevResponse } from '../types.js';

/** What the warning needs to know of the policy store. */
export interface PolicyNames {
  exists(name: string): boolean;
}

/** Adds a warning per missing policy of the created token, after the backend's own warnings. */
export function withPolicyWarnings(response: DevResponse, policies: PolicyNames | undefined): DevResponse {
  if (policies === undefined || response.kind !== 'logical' || !response.auth) return response;
  const missing = response.auth.policies.filter((name) => !policies.exists(name));
  if (missing.length === 0) return response;
  const warnings = [
    ...(response.warnings ?? []),
    ...missing.map((name) => `Policy "${name}" does not exist`),
  ];
  return { ...response, warnings };
}
