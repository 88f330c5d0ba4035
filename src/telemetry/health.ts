import type { CertificateEvent } from '../certs/certificate-events.js';
import type { CertificateTimes } from '../certs/renew-schedule.js';
import { lifetimeStart } from '../certs/renew-schedule.js';
import { errorMessage } from '../lib/errors.js';
import type { OnDisk, RenderPassResult } from '../output/render-pass.js';

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
  lastErrorAt: number | undefined;
}

/** What the agent knows about one template's file. */
export interface TemplateHealth {
  readonly destination: string;
  readonly certificate: string;
  lastResult: 'written' | 'unchanged' | 'error' | 'pending';
  lastError: string | undefined;
  /** The serial of the certificate the file holds, once written or found unchanged. */
  serial: string | undefined;
  /** The validity of the certificate the file holds, when known. */
  times: CertificateTimes | undefined;
  writtenAt: number | undefined;
}

/** What health needs of a render pass (older callers give no pending commands). */
export type HealthPassInput = Omit<RenderPassResult, 'pendingCommands' | 'problems'> &
  Partial<Pick<RenderPassResult, 'pendingCommands' | 'problems'>>;

/** Options of the health state; `fileExists` lets readiness notice a destination someone removed. */
export interface HealthOptions {
  readonly fileExists?: (path: string) => boolean;
}

/** Whether the agent holds a usable Vault token; shown in /status (files stay valid while Vault is away). */
export interface AuthHealth {
  authenticated: boolean;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  lastSuccessAt: number | undefined;
}

/** Whether the agent is ready and, if not, why (each reason names the certificate or template). */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

/** The share of a lifetime left below which a certificate not yet renewed makes the agent unready. */
const LAST_SHARE = 0.1;

/** Where a certificate is in its life at `now`, its lifetime measured like the renewal schedule's. */
function lifeState(times: CertificateTimes, now: number): 'valid' | 'expiring' | 'expired' {
  if (now >= times.notAfter) return 'expired';
  const lifetime = times.notAfter - lifetimeStart(times);
  return now >= times.notAfter - LAST_SHARE * lifetime ? 'expiring' : 'valid';
}

/**
 * The state behind /readyz, /status and certagent_ready, updated from certificate events and render passes.
 * Readiness is a pure function of this state and `now`.
 */
export class HealthState {
  readonly certificates = new Map<string, CertificateHealth>();
  readonly templates: TemplateHealth[];
  /** Commands owed to consumers after a failure, in their short form, for /status. */
  pendingCommands: readonly string[] = [];
  readonly #fileExists: ((path: string) => boolean) | undefined;
  readonly auth: AuthHealth = {
    authenticated: false,
    lastError: undefined,
    lastErrorAt: undefined,
    lastSuccessAt: undefined,
  };

  constructor(
    certificates: readonly string[],
    templates: readonly { destination: string; certificate: string }[],
    options: HealthOptions = {},
  ) {
    this.#fileExists = options.fileExists;
    for (const name of certificates) {
      this.certificates.set(name, {
        serial: undefined,
        notBefore: undefined,
        notAfter: undefined,
        obtainedAt: undefined,
        renewAt: undefined,
        lastSuccessAt: undefined,
        lastError: undefined,
        lastErrorAt: undefined,
      });
    }
    this.templates = templates.map((t) => ({
      destination: t.destination,
      certificate: t.certificate,
      lastResult: 'pending',
      lastError: undefined,
      serial: undefined,
      times: undefined,
      writtenAt: undefined,
    }));
  }

  /**
   * Records what a certificate source did; for adopted/issued bundles, `notBefore` and `obtainedAt` (when the
   * agent received it; `now` when not given) say where its lifetime starts.
   */
  onCertificateEvent(event: CertificateEvent, now: number, notBefore?: number, obtainedAt?: number): void {
    const entry = this.certificates.get(event.certificate);
    if (!entry) return;
    if (event.type === 'adopted' || event.type === 'issued') {
      Object.assign(entry, {
        serial: event.serialNumber,
        notAfter: event.notAfter,
        renewAt: event.renewAt,
        notBefore: notBefore ?? entry.notBefore,
        obtainedAt: obtainedAt ?? now,
        lastSuccessAt: now,
        lastError: undefined,
        lastErrorAt: undefined,
      });
    } else if (event.type === 'failed') {
      entry.lastError = errorMessage(event.error);
      entry.lastErrorAt = now;
    } else entry.renewAt = event.renewAt;
  }

  /** Records a login or token renewal: success, or the error (its message only; it never holds the token). */
  onAuth(now: number, error?: unknown): void {
    if (error === undefined) {
      Object.assign(this.auth, {
        authenticated: true,
        lastSuccessAt: now,
        lastError: undefined,
        lastErrorAt: undefined,
      });
    } else {
      Object.assign(this.auth, { authenticated: false, lastError: errorMessage(error), lastErrorAt: now });
    }
  }

  /** Records a render pass: what each destination now holds, and the commands still owed. */
  onRenderPass(result: HealthPassInput, now: number): void {
    result.templates.forEach((outcome, index) => {
      const entry = this.templates[index];
      if (!entry || outcome.result === 'pending') return;
      entry.lastResult = outcome.result;
      entry.lastError = outcome.error;
      const disk = outcome.onDisk ?? this.#knownTimes(outcome);
      if (disk) {
        if (outcome.result === 'written' || entry.serial !== disk.serial || entry.writtenAt === undefined)
          entry.writtenAt = now;
        entry.serial = disk.serial;
        entry.times = disk.times;
      }
    });
    if (result.pendingCommands)
      this.pendingCommands = result.pendingCommands.map((c) =>
        'argv' in c.spec ? JSON.stringify(c.spec.argv) : c.spec.shell,
      );
  }

  /**
   * Ready when every destination exists and holds a certificate that is valid now and not in the last 10 % of
   * its lifetime, measured from when it was received (as the renewal schedule does, so short TTLs do not flap).
   * Each reason names the destination and, when the last pass failed, why. Certificates that no template uses
   * are judged on their own.
   */
  readiness(now: number): Readiness {
    const reasons: string[] = [];
    const used = new Set(this.templates.map((t) => t.certificate));
    for (const template of this.templates) {
      const reason = this.#templateReason(template, now);
      if (reason) reasons.push(`template ${template.destination}: ${reason}`);
    }
    for (const [name, cert] of this.certificates) {
      // Why a file is not written yet is often here (Vault refused), so this is said for every certificate.
      if (cert.notAfter === undefined) {
        reasons.push(`certificate ${name}: not obtained yet${cert.lastError ? ` (${cert.lastError})` : ''}`);
        continue;
      }
      // A certificate with templates is judged by its files above: what consumers see.
      if (used.has(name)) continue;
      const times = {
        notBefore: cert.notBefore ?? cert.notAfter,
        notAfter: cert.notAfter,
        obtainedAt: cert.obtainedAt ?? cert.notBefore ?? cert.notAfter,
      };
      const state = lifeState(times, now);
      if (state === 'expired') reasons.push(`certificate ${name}: expired`);
      else if (state === 'expiring')
        reasons.push(`certificate ${name}: in the last 10% of its lifetime and not renewed`);
    }
    return { ready: reasons.length === 0, reasons };
  }

  #templateReason(template: TemplateHealth, now: number): string | undefined {
    const failed =
      template.lastResult === 'error' && template.lastError
        ? `; last pass failed: ${template.lastError}`
        : '';
    if (template.times === undefined || template.serial === undefined)
      return `not written yet${template.lastError ? ` (${template.lastError})` : ''}`;
    if (this.#fileExists && !this.#fileExists(template.destination)) return 'the file is missing';
    const state = lifeState(template.times, now);
    const held = `certificate ${template.certificate} (serial ${template.serial})`;
    if (state === 'expired')
      return `holds ${held}, expired at ${new Date(template.times.notAfter).toISOString()}${failed}`;
    if (state === 'expiring') {
      const cert = this.certificates.get(template.certificate);
      const why = failed || (cert?.lastError ? `; not renewed: ${cert.lastError}` : '; not renewed yet');
      return `holds ${held} in the last 10% of its lifetime (expires ${new Date(template.times.notAfter).toISOString()})${why}`;
    }
    return undefined;
  }

  /** The times of the certificate a template reports holding, from what the certificate events said. */
  #knownTimes(outcome: { serial?: string | undefined; result: string }): OnDisk | undefined {
    if (outcome.serial === undefined || (outcome.result !== 'written' && outcome.result !== 'unchanged'))
      return undefined;
    for (const cert of this.certificates.values()) {
      if (cert.serial !== outcome.serial || cert.notAfter === undefined) continue;
      return {
        serial: outcome.serial,
        times: {
          notBefore: cert.notBefore ?? cert.notAfter,
          notAfter: cert.notAfter,
          obtainedAt: cert.obtainedAt ?? cert.notBefore ?? cert.notAfter,
        },
      };
    }
    return undefined;
  }

  /** The /status document: no secrets, times as RFC 3339. */
  status(now: number): Record<string, unknown> {
    const iso = (ms: number | undefined): string | null =>
      ms === undefined ? null : new Date(ms).toISOString();
    return {
      ready: this.readiness(now).ready,
      auth: {
        authenticated: this.auth.authenticated,
        last_success: iso(this.auth.lastSuccessAt),
        last_error: this.auth.lastError ?? null,
        last_error_at: iso(this.auth.lastErrorAt),
      },
      certificates: Object.fromEntries(
        [...this.certificates].map(([name, c]) => [
          name,
          {
            serial: c.serial ?? null,
            not_after: iso(c.notAfter),
            next_renewal: iso(c.renewAt),
            last_success: iso(c.lastSuccessAt),
            last_error: c.lastError ?? null,
            last_error_at: iso(c.lastErrorAt),
          },
        ]),
      ),
      templates: this.templates.map((t) => ({
        destination: t.destination,
        certificate: t.certificate,
        last_result: t.lastResult,
        last_error: t.lastError ?? null,
        serial: t.serial ?? null,
        not_after: iso(t.times?.notAfter),
        written_at: iso(t.writtenAt),
      })),
      pending_commands: this.pendingCommands,
    };
  }
}
