// What Vault's core does with a successful login: turn the auth method's answer into an orphan service (or batch)
// token, its TTL computed against the auth mount, its entity found by alias, and reply with the auth block.

import { sanitizePolicies } from '../token/policies.js';
import type { MemoryTokenStore, RoleLimits } from '../token/token-store.js';
import type { DevRequest, DevResponse } from '../types.js';
import { badRequest } from '../types.js';
import type { TokenParams } from './token-fields.js';
import { roleLimitsOf } from './token-fields.js';

/** What an auth method hands the core after checking the credentials. */
export interface LoginResult {
  /** The role's token settings. */
  params: TokenParams;
  metadata: Record<string, string>;
  /** The method's display name for the login (k8s: `<ns>-<sa>`); the mount name is prefixed. */
  displayName: string;
  /** The identity alias name: the role_id, the service account UID, the JWT user claim. */
  aliasName: string;
  /** Re-reads the role at renewal; throws if it is gone. */
  currentLimits: () => RoleLimits;
  /** Warnings from the method itself (e.g. unrecognized parameters). */
  warnings?: string[];
}

/** Mints the login token and renders the reply: envelope with `data: null` and the auth block. */
export function loginResponse(
  store: MemoryTokenStore,
  request: DevRequest,
  result: LoginResult,
): DevResponse {
  const { params } = result;
  const policies = sanitizePolicies(params.tokenPolicies, !params.tokenNoDefaultPolicy);
  if (policies.includes('root')) throw badRequest('auth methods cannot create root tokens');
  const type = params.tokenType === 'batch' ? 'batch' : 'service';
  const created = store.create({
    policies,
    path: `${request.mount.path}${request.path}`,
    meta: result.metadata,
    displayName: displayName(request.mount.path, result.displayName),
    numUses: params.tokenNumUses,
    type,
    ttl: params.tokenTtl,
    explicitMaxTtl: params.tokenExplicitMaxTtl,
    period: params.tokenPeriod,
    backendMaxTtl: params.tokenMaxTtl,
    renewable: type === 'service',
    entityId: store.entityFor(request.mount.accessor, result.aliasName),
    mountPath: request.mount.path,
    mount: request.mount.config,
    roleLimits: roleLimitsOf(params),
    onRenew: result.currentLimits,
  });
  const warnings = [...(result.warnings ?? []), ...created.warnings];
  return { kind: 'logical', data: null, auth: created.auth, warnings };
}

// The core prefixes the method's display name with the mount path ("auth/approle/" → "approle-").
function displayName(mountPath: string, given: string): string {
  const source = mountPath.replace(/^auth\//, '').replaceAll('/', '-');
  return `${source}${given}`.replace(/-$/, '');
}
