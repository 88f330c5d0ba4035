import type { CertificateConfig } from '../config/runtime-config.js';

/** The times a renewal decision is made from (milliseconds since the epoch). */
export interface CertificateTimes {
  readonly notBefore: number;
  readonly notAfter: number;
  /** When certagent received the certificate. */
  readonly obtainedAt: number;
}

/** When to renew: after a share of the lifetime has passed, or a fixed time before notAfter. */
export type RenewPolicy = { readonly threshold: number } | { readonly renewBeforeMs: number };

/** The share of the lifetime that jitter may move a renewal earlier by (step's value). */
export const RENEW_JITTER_SHARE = 0.05;

/** The default renewal threshold, used when the config sets neither threshold nor renew_before. */
export const DEFAULT_RENEW_THRESHOLD = 0.67;

/**
 * When a certificate should be renewed. The lifetime runs from when it was obtained, not from notBefore: Vault
 * back-dates notBefore by 30 s, which would make a 10 s certificate due on arrival. Jitter (random × 5 % of the
 * lifetime) only ever makes renewal earlier, and renewal is never before the lifetime's start.
 */
export function certificateRenewAt(
  times: CertificateTimes,
  policy: RenewPolicy,
  random: () => number,
): number {
  const start = lifetimeStart(times);
  const lifetime = times.notAfter - start;
  const jitter = clamp01(random()) * RENEW_JITTER_SHARE * lifetime;
  const planned =
    'threshold' in policy ? start + policy.threshold * lifetime : times.notAfter - policy.renewBeforeMs;
  return Math.max(start, planned - jitter);
}

/**
 * Where a certificate's lifetime starts for scheduling: when it was received, not Vault's back-dated notBefore
 * (bounded by notBefore and notAfter). Readiness measures "the last 10 % of the lifetime" from the same start,
 * so a healthy agent with short TTLs is never unready between renewals.
 */
export function lifetimeStart(times: CertificateTimes): number {
  return Math.max(times.notBefore, Math.min(times.obtainedAt, times.notAfter));
}

/** True once `now` has reached the renewal time computed by renewAt with the same arguments. */
export function isDue(
  now: number,
  times: CertificateTimes,
  policy: RenewPolicy,
  random: () => number,
): boolean {
  return now >= certificateRenewAt(times, policy, random);
}

/** The renewal policy a certificate config declares (threshold 0.67 when it declares neither). */
export function renewPolicyOf(
  config: Pick<CertificateConfig, 'renewThreshold' | 'renewBeforeMs'>,
): RenewPolicy {
  if (config.renewBeforeMs !== undefined) return { renewBeforeMs: config.renewBeforeMs };
  return { threshold: config.renewThreshold ?? DEFAULT_RENEW_THRESHOLD };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
