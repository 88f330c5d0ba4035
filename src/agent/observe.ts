import type { Logger } from 'pino';
import { errorMessage } from '../lib/errors.js';
import type { TokenMetrics } from '../auth/token-lifecycle.js';
import type { CertificateEventListener } from '../certs/certificate-events.js';
import type { CertificateSource } from '../certs/certificate-source.js';
import type { Clock } from '../lib/clock.js';
import type { RenderPassResult } from '../output/render-pass.js';
import type { HealthState } from '../telemetry/health.js';
import type { AgentMetrics } from '../telemetry/metrics.js';
import type { VaultClientOptions } from '../vault/vault-client.js';

/** Vault request latency into the histogram, Vault's warnings into the log. */
export function observeVaultRequests(
  metrics: AgentMetrics,
  logger: Logger,
): Pick<VaultClientOptions, 'onRequest' | 'onWarning'> {
  return {
    onRequest: (event) => {
      metrics.vaultRequestDuration.observe(
        { operation: event.operation, status: event.status },
        event.durationMs / 1000,
      );
      logger.debug(
        {
          operation: event.operation,
          path: event.path,
          status: event.status,
          duration_ms: Math.round(event.durationMs),
        },
        'vault request',
      );
    },
    // The client's own warnings (tls_skip_verify) are loud; Vault's response warnings are logged at warn by the
    // part that made the request (a clamped certificate TTL, a capped token renewal), so here only at debug.
    onWarning: (message, request) => {
      const fields = { operation: request.operation, path: request.path, warning: message };
      if (request.operation === 'client') logger.warn(fields, message);
      else logger.debug(fields, 'vault warning');
    },
  };
}

/** Token renewals and logins into their counters, and the login outcome into the health state (/status). */
export function observeAuth(metrics: AgentMetrics, health: HealthState, clock: Clock): TokenMetrics {
  return {
    tokenRenewals: metrics.tokenRenewals,
    authLogins: {
      inc: (labels) => {
        metrics.authLogins.inc(labels);
        if (labels.result === 'success') health.onAuth(clock.now());
      },
    },
    // The cause, on one line and short, and its code (health finds it along the cause chain); the listener
    // scrubs registered secrets from /status.
    loginFailed: (method, error) =>
      health.onAuth(
        clock.now(),
        new Error(`${method} login failed: ${oneLine(errorMessage(error))}`, { cause: error }),
      ),
  };
}

/** Certificate events into the issue counter, the expiry/renewal gauges and the health state. */
export function observeCertificates(
  metrics: AgentMetrics,
  health: HealthState,
  sources: ReadonlyMap<string, CertificateSource>,
  clock: Clock,
): CertificateEventListener {
  return (event) => {
    const certificate = event.certificate;
    switch (event.type) {
      case 'issued':
      case 'adopted':
        if (event.type === 'issued')
          metrics.certificateIssues.inc({
            certificate,
            reason: event.reason ?? 'renewal',
            result: 'success',
          });
        metrics.certificateNotAfter.set({ certificate }, event.notAfter / 1000);
        metrics.certificateRenewal.set({ certificate }, event.renewAt / 1000);
        break;
      case 'failed':
        metrics.certificateIssues.inc({ certificate, reason: event.reason ?? 'renewal', result: 'failure' });
        break;
      case 'scheduled':
        metrics.certificateRenewal.set({ certificate }, event.renewAt / 1000);
        break;
    }
    const bundle = sources.get(certificate)?.bundle.value;
    health.onCertificateEvent(event, clock.now(), bundle?.notBefore, bundle?.obtainedAt);
  };
}

/** A render pass into the render and command counters and the health state. */
export function observeRenderPass(
  metrics: AgentMetrics,
  health: HealthState,
  result: RenderPassResult,
  now: number,
): void {
  for (const outcome of result.templates) {
    if (outcome.result !== 'pending')
      metrics.templateRenders.inc({ destination: outcome.destination, result: outcome.result });
  }
  // Every run counts, retries of an owed command included: a reload failing every minute shows as a rising rate.
  for (const command of result.commands)
    metrics.commandRuns.inc({ kind: command.kind, result: command.result });
  health.onRenderPass(result, now);
  metrics.ready.set(health.readiness(now).ready ? 1 : 0);
}

function oneLine(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
