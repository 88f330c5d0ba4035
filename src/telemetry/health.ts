import type { CertificateEvent } from '../certs/certificate-events.js';
import { errorMessage } from '../lib/errors.js';
import type { RenderPassResult } from '../output/render-pass.js';

/** What the agent knows about one certificate. Times in ms since the epoch. */
export interface CertificateHealth {
  serial: string | undefined;
  notBefore: number | undefined;
  notAfter: number | undefined;
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
  writtenAt: number | undefined;
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

/**
 * The state behind /readyz, /status and certagent_ready, updated from certificate events and render passes.
 * Readiness is a pure function of this state and `now`.
 */
export class HealthState {
  readonly certificates = new Map<string, CertificateHealth>();
  readonly templates: TemplateHealth[];
  readonly auth: AuthHealth = {
    authenticated: false,
    lastError: undefined,
    lastErrorAt: undefined,
    lastSuccessAt: undefined,
  };

  constructor(
    certificates: readonly string[],
    templates: readonly { destination: string; certificate: string }[],
  ) {
    for (const name of certificates) {
      this.certificates.set(name, {
        serial: undefined,
        notBefore: undefined,
        notAfter: undefined,
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
      writtenAt: undefined,
    }));
  }

  /**
   * A reload changed the certificates or templates: entries that stay keep what is known of them, new ones start
   * empty, removed ones are forgotten.
   */
  reconfigure(
    certificates: readonly string[],
    templates: readonly { destination: string; certificate: string }[],
  ): void {
    const fresh = new HealthState(certificates, templates);
    for (const name of [...this.certificates.keys()])
      if (!certificates.includes(name)) this.certificates.delete(name);
    for (const [name, entry] of fresh.certificates)
      if (!this.certificates.has(name)) this.certificates.set(name, entry);
    const key = (t: { destination: string; certificate: string }): string =>
      `${t.certificate}\0${t.destination}`;
    const known = new Map(this.templates.map((t) => [key(t), t]));
    this.templates.splice(0, this.templates.length, ...fresh.templates.map((t) => known.get(key(t)) ?? t));
  }

  /** Records what a certificate source did; `bundle` carries notBefore for adopted/issued bundles. */
  onCertificateEvent(event: CertificateEvent, now: number, notBefore?: number): void {
    const entry = this.certificates.get(event.certificate);
    if (!entry) return;
    if (event.type === 'adopted' || event.type === 'issued') {
      Object.assign(entry, {
        serial: event.serialNumber,
        notAfter: event.notAfter,
        renewAt: event.renewAt,
        notBefore: notBefore ?? entry.notBefore,
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

  /** Records a render pass. */
  onRenderPass(result: RenderPassResult, now: number): void {
    result.templates.forEach((outcome, index) => {
      const entry = this.templates[index];
      if (!entry || outcome.result === 'pending') return;
      entry.lastResult = outcome.result;
      entry.lastError = outcome.error;
      if (outcome.result === 'written' || outcome.result === 'unchanged') {
        if (outcome.result === 'written' || entry.writtenAt === undefined) entry.writtenAt = now;
        entry.serial = outcome.serial;
      }
    });
  }

  /** Ready once every template holds a file from a certificate that is valid and not in its last 10 %. */
  readiness(now: number): Readiness {
    const reasons: string[] = [];
    for (const template of this.templates) {
      if (template.serial === undefined) {
        reasons.push(
          `template ${template.destination}: not written yet${template.lastError ? ` (${template.lastError})` : ''}`,
        );
      }
    }
    for (const [name, cert] of this.certificates) {
      if (cert.notAfter === undefined) {
        reasons.push(`certificate ${name}: not obtained yet${cert.lastError ? ` (${cert.lastError})` : ''}`);
      } else if (now >= cert.notAfter) {
        reasons.push(`certificate ${name}: expired`);
      } else if (cert.notBefore !== undefined) {
        const lifetime = cert.notAfter - cert.notBefore;
        if (now >= cert.notAfter - LAST_SHARE * lifetime) {
          reasons.push(`certificate ${name}: in the last 10% of its lifetime and not renewed`);
        }
      }
    }
    return { ready: reasons.length === 0, reasons };
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
        written_at: iso(t.writtenAt),
      })),
    };
  }
}
