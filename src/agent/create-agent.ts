import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { CertificateEventListener } from '../certs/certificate-events.js';
import { CertificateSource } from '../certs/certificate-source.js';
import { StateStore } from '../certs/state-store.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { securityWarnings } from '../config/security-warnings.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import type { Latest } from '../lib/latest.js';
import { runTaskGroup } from '../lib/task-group.js';
import type { DueCommand } from '../output/render-pass.js';
import { runRenderPass } from '../output/render-pass.js';
import { destinationLocations, removeStaleTempFiles } from '../output/stale-temp-files.js';
import { TemplateEngine } from '../templates/template-engine.js';
import { HealthState } from '../telemetry/health.js';
import { startListener } from '../telemetry/listener.js';
import { AgentMetrics } from '../telemetry/metrics.js';
import { SecretRegistry } from '../telemetry/secret-registry.js';
import { createVaultClient } from '../vault/vault-client.js';
import type { VaultClient } from '../vault/types.js';
import { observeAuth, observeCertificates, observeRenderPass, observeVaultRequests } from './observe.js';
import { retryDeadline } from './retry-deadline.js';
import type { RenderPass } from './render-loop.js';
import { runRenderLoop } from './render-loop.js';
import type { OnceReport } from './run-once.js';
import { runOnce } from './run-once.js';
import { createTokenProvider } from './token-provider-for.js';
import { createVaultPkiIssuer } from './vault-pki-issuer.js';
import { VERSION } from '../cli/version.js';

/** What an agent is made from; everything but the config has a production default. */
export interface AgentOptions {
  readonly config: RuntimeConfig;
  readonly logger: Logger;
  readonly secrets?: SecretRegistry;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly vault?: VaultClient;
  /** `run --once`: a failed login ends the run instead of being retried. */
  readonly once?: boolean;
}

/** A composed agent: the daemon (`run`), a single pass (`runOnce`), and what it reports. */
export interface Agent {
  readonly metrics: AgentMetrics;
  readonly health: HealthState;
  /** The published bundle of each certificate. */
  readonly bundles: ReadonlyMap<string, Latest<CertificateBundle>>;
  run(signal: AbortSignal): Promise<void>;
  runOnce(signal: AbortSignal): Promise<OnceReport>;
  /** Releases the Vault connections; call after run/runOnce settled. */
  close(): Promise<void>;
}

/** Certificate retries: from one second, doubling, never more than five minutes apart (and capped by time left). */
const CERTIFICATE_BACKOFF: BackoffPolicy = { minMs: 1000, maxMs: 5 * 60_000 };
/**
 * Render retries (a failed write, check or owed reload): from one second to 30 s apart. Cheap for the agent (no
 * Vault call), and a destination made writable again, or a consumer started at last, is caught within 30 s even
 * when the file on disk has expired meanwhile.
 */
const RENDER_BACKOFF: BackoffPolicy = { minMs: 1000, maxMs: 30_000 };

/**
 * The composition root: config → Vault client → token → certificate sources → render pass → files and commands,
 * with metrics, health and the listener hung on the events each part reports. Data flows one way.
 */
export function createAgent(options: AgentOptions): Agent {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const secrets = options.secrets ?? new SecretRegistry();
  const metrics = new AgentMetrics();
  const health = new HealthState(
    [...config.certificates.keys()],
    config.templates.map((t) => ({ destination: t.destination, certificate: t.certificate })),
    { fileExists: existsSync },
  );
  const clientOptions = {
    ...observeVaultRequests(metrics, logger.child({ component: 'vault' })),
    userAgent: `certagent/${VERSION}`,
  };
  const vault = options.vault ?? createVaultClient(config.vault, clientOptions);
  const tokens = createTokenProvider({
    config,
    vault,
    clientOptions,
    secrets,
    metrics: observeAuth(metrics, health, clock),
    clock,
    random,
    logger: logger.child({ component: 'auth' }),
    failFast: options.once ?? false,
  });
  const issuer = createVaultPkiIssuer(vault, tokens);
  const store = new StateStore(config.stateDir);
  const engine = new TemplateEngine();
  const sources = new Map<string, CertificateSource>();
  const observe = observeCertificates(metrics, health, sources, clock);
  const deadline = retryDeadline(config.exitOnRetryFailure, sources, clock);
  const onEvent: CertificateEventListener = (event) => {
    observe(event);
    deadline.onEvent(event);
  };
  for (const [name, certificate] of config.certificates) {
    sources.set(
      name,
      new CertificateSource({
        config: certificate,
        issuer,
        store,
        clock,
        random,
        backoff: CERTIFICATE_BACKOFF,
        vaultAddress: config.vault.address,
        logger,
        onEvent,
      }),
    );
  }
  const bundles = new Map([...sources].map(([name, source]) => [name, source.bundle]));
  const outputLogger = logger.child({ component: 'output' });
  // Reload commands that failed: owed until a later pass runs them successfully (the render loop retries).
  let owed: readonly DueCommand[] = [];
  const render: RenderPass = async (current, signal) => {
    const result = await runRenderPass({
      templates: config.templates,
      bundles: current,
      engine,
      pendingCommands: owed,
      logger: outputLogger,
      signal,
    });
    owed = result.pendingCommands;
    observeRenderPass(metrics, health, result, clock.now());
    return result;
  };
  // Before anything writes: temp files a SIGKILL left beside the destinations, the token sinks (a token!) and in
  // state_dir.
  const removeStale = async (): Promise<void> => {
    const sinks = (config.autoAuth?.sinks ?? []).map((sink) => ({
      destination: sink.path,
      followSymlink: false,
    }));
    const locations = [
      ...(await destinationLocations([...config.templates, ...sinks])),
      ...store.tempFileLocations(),
    ];
    await removeStaleTempFiles(locations, outputLogger);
  };

  const warnAtStart = (): void => {
    for (const warning of securityWarnings(config)) logger.warn(warning);
  };

  return {
    metrics,
    health,
    bundles,
    runOnce: async (signal) => {
      warnAtStart();
      await removeStale();
      return runOnce({ tokens, sources, render, logger }, signal);
    },
    async run(signal) {
      warnAtStart();
      await removeStale();
      const listener = config.listener
        ? await startListener({
            ...config.listener,
            health,
            metrics,
            now: () => clock.now(),
            logger,
            secrets,
          })
        : undefined;
      try {
        logger.info(
          { certificates: sources.size, templates: config.templates.length, vault: config.vault.address },
          'certagent started',
        );
        await runTaskGroup(signal, [
          (s) => deadline.wait(s),
          (s) => tokens.run(s),
          ...[...sources.values()].map((source) => (s: AbortSignal) => source.run(s)),
          (s) =>
            runRenderLoop(
              { bundles, render, clock, random, backoff: RENDER_BACKOFF, logger: outputLogger },
              s,
            ),
        ]);
      } finally {
        await listener?.close();
        logger.info('certagent stopped');
      }
    },
    close: () => vault.close(),
  };
}
