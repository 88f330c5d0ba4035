import type { Logger } from 'pino';
import type { AutoAuthConfig } from '../config/runtime-config.js';
import type { Clock } from '../lib/clock.js';
import type { SecretUse } from '../lib/secret-registry.js';
import type { VaultClient } from '../vault/types.js';
import type { AuthMethod } from './methods/auth-method.js';

/** The counters the lifecycle reports to (AgentMetrics has them). */
export interface TokenMetrics {
  readonly tokenRenewals: { inc(labels: { result: 'success' | 'failure' | 'not_renewable' }): void };
  readonly authLogins: { inc(labels: { method: string; result: 'success' | 'failure' }): void };
  /** Why the last login failed (the health state shows it in /status). */
  readonly loginFailed?: (method: string, error: unknown) => void;
}

/** What the lifecycle is built from. */
export interface TokenLifecycleOptions {
  readonly method: AuthMethod;
  readonly autoAuth: AutoAuthConfig | undefined;
  readonly vault: VaultClient;
  /** A client presenting a TLS client certificate, for the cert method (made per login: the files may rotate). */
  readonly clientWithCertificate?: (cert: { certFile: string; keyFile: string }) => VaultClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: TokenMetrics;
  /**
   * Every token, secret_id and JWT is registered here before it is used, so no log line can carry it. The
   * `use.slot` names what the value replaces (the previous token, the previous JWT), which the registry keeps
   * only for a short grace period.
   */
  readonly registerSecret: (value: string, use?: SecretUse) => void;
  /** A failed login ends `run` with the error (exit_on_err, or `run --once` where waiting helps nobody). */
  readonly failFast?: boolean;
  /** Watch the method's files for a new token or certificate (default true; `run --once` ends before it matters). */
  readonly watchFiles?: boolean;
}
