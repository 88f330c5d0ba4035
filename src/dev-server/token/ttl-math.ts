// Vault's lease arithmetic (sdk/framework CalculateTTL and the system view's TTL fallbacks), as pure functions of
// the clock reading so they can be tested without waiting. All durations are whole seconds.

import { formatHumanDuration } from '../../lib/duration.js';
import { VaultApiError, multierror } from '../types.js';

/** A mount's lease TTLs in seconds; 0 means "use the system value". */
export interface MountTtlConfig {
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
}

/** What CalculateTTL is asked: the backend's wishes plus the mount's limits and when the lease started. */
export interface TtlRequest {
  readonly nowMs: number;
  /** When the lease was first issued; the max TTL is counted from here. */
  readonly startMs: number;
  readonly increment: number;
  readonly backendTtl: number;
  readonly period: number;
  readonly backendMaxTtl: number;
  readonly explicitMaxTtl: number;
  /** The effective TTLs of the mount the lease belongs to (already resolved against the system values). */
  readonly mount: MountTtlConfig;
}

/** The granted TTL and the warnings Vault attaches when it had to cap it. */
export interface TtlGrant {
  ttl: number;
  warnings: string[];
}

/** A mount's TTLs with Vault's fallback to the system-wide values for any field left at 0. */
export function effectiveTtls(mount: MountTtlConfig | undefined, system: MountTtlConfig): MountTtlConfig {
  return {
    defaultLeaseTtl: mount?.defaultLeaseTtl || system.defaultLeaseTtl,
    maxLeaseTtl: mount?.maxLeaseTtl || system.maxLeaseTtl,
  };
}

/**
 * framework.CalculateTTL. The new TTL is the increment, else the backend TTL, else the mount default, counted from
 * now; it may not reach past start + min(mount max, backend max, explicit max). Periodic leases get the period
 * (capped at that max) and are only bounded in time by an explicit max. Times are truncated to the second first,
 * as Vault does, so a TTL is always a whole number of seconds.
 */
export function calculateTtl(req: TtlRequest): TtlGrant {
  const nowSec = Math.floor(req.nowMs / 1000);
  const startSec = Math.floor(req.startMs / 1000);
  let maxTtl = req.mount.maxLeaseTtl;
  if (req.backendMaxTtl > 0 && req.backendMaxTtl < maxTtl) maxTtl = req.backendMaxTtl;
  if (req.explicitMaxTtl > 0 && req.explicitMaxTtl < maxTtl) maxTtl = req.explicitMaxTtl;
  if (maxTtl <= 0) throw internalError('max TTL must be greater than zero');

  const warnings: string[] = [];
  let ttl: number;
  let maxValidSec: number | undefined;
  if (req.period > 0) {
    ttl = req.period;
    if (ttl > maxTtl) {
      warnings.push(
        `period of "${formatHumanDuration(ttl)}" exceeded the effective max_ttl of "${formatHumanDuration(maxTtl)}"; period value is capped accordingly`,
      );
      ttl = maxTtl;
    }
    if (req.explicitMaxTtl > 0) maxValidSec = startSec + req.explicitMaxTtl;
  } else {
    ttl = req.increment > 0 ? req.increment : req.backendTtl > 0 ? req.backendTtl : req.mount.defaultLeaseTtl;
    maxValidSec = startSec + maxTtl;
  }
  if (maxValidSec !== undefined) {
    const maxValidTtl = maxValidSec - nowSec;
    if (maxValidTtl <= 0) throw internalError('past the max TTL, cannot renew');
    if (maxValidTtl < ttl) {
      warnings.push(
        `TTL of "${formatHumanDuration(ttl)}" exceeded the effective max_ttl of "${formatHumanDuration(maxValidTtl)}"; TTL value is capped accordingly`,
      );
      ttl = maxValidTtl;
    }
  }
  return { ttl, warnings };
}

// Vault returns these as Go errors from a non-login path, so the HTTP layer wraps them in a multierror.
function internalError(message: string): VaultApiError {
  return new VaultApiError(500, [multierror(message)]);
}
