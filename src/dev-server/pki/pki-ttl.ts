// A certificate's NotAfter as Vault computes it (reference/vault-api.md §1.5, GetCertificateNotAfter): request ttl,
// else role ttl, else the mount default; capped at the role's (or mount's) max with a warning; an explicit
// not_after instead; and never past the CA's own NotAfter (the default `err` leaf_not_after_behavior).

import { formatGoDuration } from '../../lib/duration.js';
import { formatRfc3339Nano } from '../token/time-format.js';
import { badRequest } from '../types.js';

/** Everything NotAfter depends on; durations in whole seconds (0 = unset), times in ms since the epoch. */
export interface NotAfterInput {
  readonly nowMs: number;
  readonly requestTtl: number | undefined;
  readonly requestNotAfter: string | undefined;
  readonly roleTtl: number;
  readonly roleMaxTtl: number;
  readonly roleNotAfter: string;
  /** The mount's effective lease TTLs (already resolved against the system values). */
  readonly mountDefaultTtl: number;
  readonly mountMaxTtl: number;
  readonly caNotAfterMs: number;
}

/** The NotAfter to use and the warnings to attach. */
export interface NotAfterResult {
  readonly notAfterMs: number;
  readonly warnings: string[];
}

/** Computes NotAfter or throws Vault's 400. */
export function computeNotAfter(input: NotAfterInput): NotAfterResult {
  const notAfterText = input.requestNotAfter || input.roleNotAfter;
  if (input.requestTtl !== undefined && input.requestTtl > 0 && notAfterText) {
    throw badRequest(
      'Either ttl or not_after should be provided. Both should not be provided in the same request.',
    );
  }
  const warnings: string[] = [];
  let notAfterMs: number;
  if (notAfterText) {
    notAfterMs = parseNotAfter(notAfterText);
  } else {
    let ttl = input.requestTtl || input.roleTtl || input.mountDefaultTtl;
    const maxTtl = input.roleMaxTtl || input.mountMaxTtl;
    if (ttl > maxTtl) {
      warnings.push(
        `TTL ${JSON.stringify(formatGoDuration(ttl))} is longer than permitted maxTTL ${JSON.stringify(formatGoDuration(maxTtl))}, so maxTTL is being used`,
      );
      ttl = maxTtl;
    }
    notAfterMs = input.nowMs + ttl * 1000;
  }
  if (notAfterMs > input.caNotAfterMs) {
    throw badRequest(
      `cannot satisfy request, as TTL would result in notAfter of ${formatRfc3339Nano(notAfterMs)} that is beyond the expiration of the CA certificate at ${formatRfc3339Nano(input.caNotAfterMs)}`,
    );
  }
  return { notAfterMs, warnings };
}

function parseNotAfter(text: string): number {
  // Go's time.Parse(time.RFC3339, …): a full date, time and zone are required.
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const ms = match ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw badRequest(
      `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(text)} as "2006"`,
    );
  }
  return ms;
}
