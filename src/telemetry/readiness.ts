import type { CertificateTimes } from '../certs/renew-schedule.js';
import { lifetimeStart } from '../certs/renew-schedule.js';

// Readiness rules (DESIGN §1.1, issue 7): judged on what consumers see, each destination's file.

/** What the agent knows about one certificate. Times in ms since the epoch. */
export interface CertificateHealth {
  serial: string | undefined;
  notBefore: number | undefined;
  notAfter: number | undefined;
  /** When the agent received it: the lifetime is measured from here, like the renewal schedule. */
  obtainedAt: number | undefined;
  renewAt: number | undefined;
  lastSuccessAt: number | undefined;
  lastError: string | undefined;
  /** The stable code of the last failure (VAULT_HTTP, VAULT_UNREACHABLE…), for matching on; see errorCode. */
  lastErrorCode: string | undefined;
  lastErrorAt: number | undefined;
}

/** What the agent knows about one template's file. */
export interface TemplateHealth {
  readonly destination: string;
  /** undefined for a template that reads only KV secrets. */
  readonly certificate: string | undefined;
  lastResult: 'written' | 'unchanged' | 'error' | 'pending';
  lastError: string | undefined;
  /** The stable code of the last pass's failure (TEMPLATE, EXEC_EXIT, OUTPUT_WRITE_FAILED…), as for certificates. */
  lastErrorCode: string | undefined;
  /** When that pass failed; cleared, with the error, by the next pass that does not. */
  lastErrorAt: number | undefined;
  /** The serial of the certificate the file holds, once written or found unchanged. */
  serial: string | undefined;
  /** The validity of the certificate the file holds, when known. */
  times: CertificateTimes | undefined;
  writtenAt: number | undefined;
}

/** The share of a lifetime left below which a certificate not yet renewed makes the agent unready. */
const LAST_SHARE = 0.1;

/** Where a certificate is in its life at `now`, its lifetime measured like the renewal schedule's (from receipt). */
export function lifeState(times: CertificateTimes, now: number): 'valid' | 'expiring' | 'expired' {
  if (now >= times.notAfter) return 'expired';
  const lifetime = times.notAfter - lifetimeStart(times);
  return now >= times.notAfter - LAST_SHARE * lifetime ? 'expiring' : 'valid';
}

/** A certificate's times as the events reported them (undefined before it was obtained). */
export function certificateTimes(cert: CertificateHealth): CertificateTimes | undefined {
  if (cert.notAfter === undefined) return undefined;
  return {
    notBefore: cert.notBefore ?? cert.notAfter,
    notAfter: cert.notAfter,
    obtainedAt: cert.obtainedAt ?? cert.notBefore ?? cert.notAfter,
  };
}

/**
 * Why one destination makes the agent unready, or undefined: not written yet, missing, or holding a certificate
 * that expired or is in the last 10 % of its life; when the last pass failed, its error is part of the reason.
 */
export function templateReason(
  template: TemplateHealth,
  cert: CertificateHealth | undefined,
  now: number,
  fileExists: ((path: string) => boolean) | undefined,
): string | undefined {
  if (template.certificate === undefined) {
    // KV secrets only: ready once rendered, as long as the file is there.
    if (template.writtenAt === undefined)
      return `not written yet${template.lastError ? ` (${template.lastError})` : ''}`;
    return fileExists && !fileExists(template.destination) ? 'the file is missing' : undefined;
  }
  if (template.times === undefined || template.serial === undefined)
    return `not written yet${template.lastError ? ` (${template.lastError})` : ''}`;
  if (fileExists && !fileExists(template.destination)) return 'the file is missing';
  const state = lifeState(template.times, now);
  if (state === 'valid') return undefined;
  const failed =
    template.lastResult === 'error' && template.lastError ? `; last pass failed: ${template.lastError}` : '';
  const held = `certificate ${template.certificate} (serial ${template.serial})`;
  const expiry = new Date(template.times.notAfter).toISOString();
  if (state === 'expired') return `holds ${held}, expired at ${expiry}${failed}`;
  const why = failed || (cert?.lastError ? `; not renewed: ${cert.lastError}` : '; not renewed yet');
  return `holds ${held} in the last 10% of its lifetime (expires ${expiry})${why}`;
}

/**
 * Why a certificate makes the agent unready: not obtained yet (said for every certificate, since it is often why
 * a file is missing); a certificate that templates use is otherwise judged by its files, one no template uses
 * by its own validity.
 */
export function certificateReason(cert: CertificateHealth, used: boolean, now: number): string | undefined {
  const times = certificateTimes(cert);
  if (!times) return `not obtained yet${cert.lastError ? ` (${cert.lastError})` : ''}`;
  if (used) return undefined;
  const state = lifeState(times, now);
  if (state === 'expired') return 'expired';
  if (state === 'expiring') return 'in the last 10% of its lifetime and not renewed';
  return undefined;
}
