import type { CertificateEvent } from '../certs/certificate-events.js';
import { codeInCauses, errorMessage } from '../lib/errors.js';
import type { OnDisk, RenderPassResult } from '../output/render-pass.js';
import type { CertificateHealth, TemplateHealth } from './readiness.js';
import { certificateReason, certificateTimes, templateReason } from './readiness.js';
import type { AuthHealth } from './status-document.js';
import { statusDocument } from './status-document.js';
import { describeCommand } from '../exec/run-command.js';

export type { CertificateHealth, TemplateHealth } from './readiness.js';
export type { AuthHealth } from './status-document.js';

/** What health needs of a render pass (older callers give no pending commands). */
export type HealthPassInput = Omit<RenderPassResult, 'pendingCommands' | 'problems'> &
  Partial<Pick<RenderPassResult, 'pendingCommands' | 'problems'>>;

/** Options of the health state; `fileExists` lets readiness notice a destination someone removed. */
export interface HealthOptions {
  readonly fileExists?: (path: string) => boolean;
}

/** Whether the agent is ready and, if not, why (each reason names the certificate or template). */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
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
    lastErrorCode: undefined,
    lastErrorAt: undefined,
    lastSuccessAt: undefined,
  };

  constructor(
    certificates: readonly string[],
    templates: readonly { destination: string; certificate: string | undefined }[],
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
        lastErrorCode: undefined,
        lastErrorAt: undefined,
      });
    }
    this.templates = templates.map((t) => ({
      destination: t.destination,
      certificate: t.certificate,
      lastResult: 'pending',
      lastError: undefined,
      lastErrorCode: undefined,
      lastErrorAt: undefined,
      serial: undefined,
      times: undefined,
      writtenAt: undefined,
    }));
  }

  /**
   * A reload changed the certificates or templates: entries that stay keep what is known of them, new ones start
   * empty, removed ones are forgotten.
   */
  reconfigure(
    certificates: readonly string[],
    templates: readonly { destination: string; certificate: string | undefined }[],
  ): void {
    const fresh = new HealthState(certificates, templates);
    for (const name of [...this.certificates.keys()])
      if (!certificates.includes(name)) this.certificates.delete(name);
    for (const [name, entry] of fresh.certificates)
      if (!this.certificates.has(name)) this.certificates.set(name, entry);
    const key = (t: { destination: string; certificate: string | undefined }): string =>
      `${t.certificate}\0${t.destination}`;
    const known = new Map(this.templates.map((t) => [key(t), t]));
    this.templates.splice(0, this.templates.length, ...fresh.templates.map((t) => known.get(key(t)) ?? t));
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
        lastErrorCode: undefined,
        lastErrorAt: undefined,
      });
    } else if (event.type === 'failed') {
      Object.assign(entry, {
        lastError: errorMessage(event.error),
        // The first code along the causes: a wrapper that only rewords ("approle login failed: …") still shows
        // the code of what failed (VAULT_UNREACHABLE); a template outcome's own code (TEMPLATE, EXEC_EXIT) comes first.
        lastErrorCode: codeInCauses(event.error),
        lastErrorAt: now,
      });
    } else entry.renewAt = event.renewAt;
  }

  /** Records a login or token renewal: success, or the error (its message and code; never the token). */
  onAuth(now: number, error?: unknown): void {
    if (error === undefined) {
      Object.assign(this.auth, {
        authenticated: true,
        lastSuccessAt: now,
        lastError: undefined,
        lastErrorCode: undefined,
        lastErrorAt: undefined,
      });
    } else {
      Object.assign(this.auth, {
        authenticated: false,
        lastError: errorMessage(error),
        lastErrorCode: codeInCauses(error),
        lastErrorAt: now,
      });
    }
  }

  /** Records a render pass: what each destination now holds, and the commands still owed. */
  onRenderPass(result: HealthPassInput, now: number): void {
    result.templates.forEach((outcome, index) => {
      const entry = this.templates[index];
      if (!entry) return;
      if (outcome.result === 'pending') {
        // Waiting again (its secret not read yet, its certificate re-obtained): what failed before is not the
        // state any more. A file written before stays described as written: it is still on disk.
        if (entry.lastResult === 'error') {
          entry.lastResult = 'pending';
          entry.lastError = entry.lastErrorCode = entry.lastErrorAt = undefined;
        }
        return;
      }
      entry.lastResult = outcome.result;
      entry.lastError = outcome.error && errorMessage(outcome.error);
      entry.lastErrorCode = outcome.error && codeInCauses(outcome.error);
      entry.lastErrorAt = outcome.error && now;
      const disk = outcome.onDisk ?? this.#knownTimes(outcome);
      if (disk) {
        if (outcome.result === 'written' || entry.serial !== disk.serial || entry.writtenAt === undefined)
          entry.writtenAt = now;
        entry.serial = disk.serial;
        entry.times = disk.times;
      } else if (entry.certificate === undefined && outcome.result !== 'error') {
        // A template of KV secrets only: it holds no certificate, only the last render.
        if (outcome.result === 'written' || entry.writtenAt === undefined) entry.writtenAt = now;
      }
    });
    if (result.pendingCommands)
      // Written as the log writes it, so a command owed in /status is found by its text in the log.
      this.pendingCommands = result.pendingCommands.map((c) => describeCommand(c.spec));
  }

  /**
   * Ready when every destination exists and holds a certificate that is valid now and not in the last 10 % of
   * its lifetime, measured from when it was received (as the renewal schedule does, so short TTLs do not flap).
   * Each reason names the destination and, when the last pass failed, why. Certificates that no template uses
   * are judged on their own.
   */
  readiness(now: number): Readiness {
    const reasons: string[] = [];
    for (const template of this.templates) {
      const reason = templateReason(
        template,
        template.certificate === undefined ? undefined : this.certificates.get(template.certificate),
        now,
        this.#fileExists,
      );
      if (reason) reasons.push(`template ${template.destination}: ${reason}`);
    }
    const used = new Set(this.templates.map((t) => t.certificate));
    for (const [name, cert] of this.certificates) {
      const reason = certificateReason(cert, used.has(name), now);
      if (reason) reasons.push(`certificate ${name}: ${reason}`);
    }
    return { ready: reasons.length === 0, reasons };
  }

  /** The times of the certificate a template reports holding, from what the certificate events said. */
  #knownTimes(outcome: { serial?: string | undefined; result: string }): OnDisk | undefined {
    if (outcome.serial === undefined || (outcome.result !== 'written' && outcome.result !== 'unchanged'))
      return undefined;
    for (const cert of this.certificates.values()) {
      const times = certificateTimes(cert);
      if (cert.serial === outcome.serial && times) return { serial: outcome.serial, times };
    }
    return undefined;
  }

  /** The /status document (status-document.ts). */
  status(now: number): Record<string, unknown> {
    return statusDocument(this, this.readiness(now).ready);
  }
}
