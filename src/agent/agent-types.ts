import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Clock } from '../lib/clock.js';
import type { Latest } from '../lib/latest.js';
import type { HealthState } from '../telemetry/health.js';
import type { AgentMetrics } from '../telemetry/metrics.js';
import type { SecretRegistry } from '../telemetry/secret-registry.js';
import type { VaultClient } from '../vault/types.js';
import type { OnceReport } from './run-once.js';

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
