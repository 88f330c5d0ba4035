import { createRequire } from 'node:module';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const require = createRequire(import.meta.url);

/** One of prom-client's default metrics: registers its gauges/counters on a registry. */
type DefaultMetric = (registry: Registry, config: Record<string, unknown>) => void;

/**
 * prom-client's default process metrics (collectDefaultMetrics' list), all but its event-loop-lag module: that one
 * keeps a `monitorEventLoopDelay` histogram whose 10 ms timer woke an idle agent ~95 times a second (26 s of CPU
 * an hour). These read their values when scraped and cost nothing in between. The lag itself is still reported,
 * measured when scraped (see eventLoopLag below); the seven `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,
 * p99}_seconds` summaries of the polled histogram are not.
 */
const DEFAULT_METRICS: readonly DefaultMetric[] = [
  require('prom-client/lib/metrics/processCpuTotal') as DefaultMetric,
  require('prom-client/lib/metrics/processStartTime') as DefaultMetric,
  require('prom-client/lib/metrics/osMemoryHeap') as DefaultMetric,
  require('prom-client/lib/metrics/processOpenFileDescriptors') as DefaultMetric,
  require('prom-client/lib/metrics/processMaxFileDescriptors') as DefaultMetric,
  require('prom-client/lib/metrics/processResources') as DefaultMetric,
  require('prom-client/lib/metrics/processHandles') as DefaultMetric,
  require('prom-client/lib/metrics/processRequests') as DefaultMetric,
  require('prom-client/lib/metrics/heapSizeAndUsed') as DefaultMetric,
  require('prom-client/lib/metrics/heapSpacesSizeAndUsed') as DefaultMetric,
  require('prom-client/lib/metrics/version') as DefaultMetric,
  require('prom-client/lib/metrics/gc') as DefaultMetric,
];

/**
 * The agent's metrics (DESIGN §1.3; the names and labels are a contract). Each agent has its own registry, not
 * prom-client's global one, so tests and several agents in one process never mix their numbers.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly tokenRenewals = new Counter({
    name: 'certagent_vault_token_renewals_total',
    help: 'Vault token renewals, by result (success, failure, not_renewable).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly authLogins = new Counter({
    name: 'certagent_auth_logins_total',
    help: 'Logins to Vault, by auth method and result (success, failure).',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });
  readonly certificateIssues = new Counter({
    name: 'certagent_certificate_issues_total',
    help: 'Certificates requested from Vault, by certificate, reason (initial, renewal, forced) and result (success, failure).',
    labelNames: ['certificate', 'reason', 'result'] as const,
    registers: [this.registry],
  });
  readonly certificateNotAfter = new Gauge({
    name: 'certagent_certificate_not_after_timestamp_seconds',
    help: 'When the current certificate expires (Unix seconds).',
    labelNames: ['certificate'] as const,
    registers: [this.registry],
  });
  readonly certificateRenewal = new Gauge({
    name: 'certagent_certificate_renewal_timestamp_seconds',
    help: 'When the current certificate is due for renewal (Unix seconds).',
    labelNames: ['certificate'] as const,
    registers: [this.registry],
  });
  readonly templateRenders = new Counter({
    name: 'certagent_template_renders_total',
    help: 'Template renders, by destination and result (written, unchanged, error).',
    labelNames: ['destination', 'result'] as const,
    registers: [this.registry],
  });
  readonly commandRuns = new Counter({
    name: 'certagent_command_runs_total',
    help: 'Checks and reload commands run, by kind (check, command) and result (success, failure, timeout).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly vaultRequestDuration = new Histogram({
    name: 'certagent_vault_request_duration_seconds',
    help: 'Vault request latency, by operation and HTTP status (error when no response arrived).',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: 'certagent_ready',
    help: '1 once every template has been written from a valid certificate, else 0.',
    registers: [this.registry],
  });

  /** prom-client's own fallback when no delay monitor runs: the time a scrape's setImmediate waited. */
  readonly eventLoopLag = new Gauge({
    name: 'nodejs_eventloop_lag_seconds',
    help: 'Lag of event loop in seconds (measured when scraped, reported at the next scrape).',
    registers: [this.registry],
    collect() {
      const start = process.hrtime.bigint();
      setImmediate(() => this.set(Number(process.hrtime.bigint() - start) / 1e9));
    },
  });

  constructor() {
    for (const metric of DEFAULT_METRICS) metric(this.registry, {});
    this.ready.set(0);
  }

  /** The exposition text and its content type. */
  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
