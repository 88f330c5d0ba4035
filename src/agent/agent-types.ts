import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { CertificateSource } from '../certs/certificate-source.js';
import type { StateStore } from '../certs/state-store.js';
import type { CertificateConfig, RuntimeConfig } from '../config/runtime-config.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { RunningListener } from '../telemetry/listener.js';
import type { Clock } from '../lib/clock.js';
import type { Latest } from '../lib/latest.js';
import type { HealthState } from '../telemetry/health.js';
import type { AgentMetrics } from '../telemetry/metrics.js';
import type { SecretRegistry } from '../lib/secret-registry.js';
import type { VaultClient } from '../vault/types.js';
import type { OnceReport } from './run-once.js';
import type { TaskSet } from './task-set.js';
import type { StopWatching } from './watch-paths.js';

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
  /** Reads the configuration again (SIGHUP, config_watch); throws ConfigError when it is invalid. */
  readonly loadConfig?: () => Promise<RuntimeConfig>;
}

/** A composed agent: the daemon (`run`), a single pass (`runOnce`), and what operators can ask of it. */
export interface Agent {
  readonly metrics: AgentMetrics;
  readonly health: HealthState;
  /** The published bundle of each certificate. */
  readonly bundles: ReadonlyMap<string, Latest<CertificateBundle>>;
  /** The configuration in force (changes on a successful reload). */
  readonly config: RuntimeConfig;
  run(signal: AbortSignal): Promise<void>;
  runOnce(signal: AbortSignal): Promise<OnceReport>;
  /** Forces a new certificate now (`certagent rotate NAME`); undefined for an unknown name. */
  rotate(name: string): Promise<CertificateBundle> | undefined;
  /** Forces a new certificate for every one (SIGUSR1); failures are logged, and retried by each source. */
  rotateAll(): void;
  /** Re-reads the config and applies the difference; false when the new config was refused (old one kept). */
  reload(trigger: string): Promise<boolean>;
  /** Releases the Vault connections; call after run/runOnce settled. */
  close(): Promise<void>;
}

/**
 * The parts of a running agent that a reload swaps and the watchers and listener read: the agent itself
 * (create-agent.ts) implements it; reload-agent.ts, agent-watchers.ts and agent-listener.ts see only this.
 */
export interface LiveAgentParts {
  readonly options: AgentOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: AgentMetrics;
  readonly health: HealthState;
  readonly secrets: SecretRegistry;
  readonly sources: Map<string, CertificateSource>;
  readonly bundles: Map<string, Latest<CertificateBundle>>;
  /** A pass now: a reload, an edited template source. */
  readonly rerender: Latest<number>;
  /** A destination changed on disk. */
  readonly repairs: Latest<number>;
  config: RuntimeConfig;
  engine: TemplateEngine;
  store: StateStore;
  vault: VaultClient;
  tokens: TokenProvider;
  /** While `run` is active. */
  tasks: TaskSet | undefined;
  listener: RunningListener | undefined;
  stopWatching: StopWatching | undefined;
  rotate(name: string): Promise<CertificateBundle> | undefined;
  reload(trigger: string): Promise<boolean>;
  /** A new Vault client, token provider and issuer for `config`. */
  makeAuth(config: RuntimeConfig): void;
  /** A source for `certificate`, publishing into the one Latest its name always has; started if running. */
  addSource(certificate: CertificateConfig): void;
  reconfigureHealth(): void;
}
