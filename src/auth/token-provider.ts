import type { Latest } from '../lib/latest.js';

/**
 * Where the rest of the agent gets its Vault token. The provider keeps it valid (renewal, re-login) in `run`;
 * consumers read the latest value and report a token Vault refused, so that it is replaced without a hot loop.
 * A new token never causes a certificate to be re-issued: consumers only use it for their next request.
 */
export interface TokenProvider {
  /** The latest usable token. A secret: never log it. */
  readonly token: Latest<string>;
  /** Resolves with a usable token, waiting for the first login if needed. */
  current(signal: AbortSignal): Promise<string>;
  /** A request made with `token` got a 403: the provider should log in again (once per backoff step). */
  reportInvalid(token: string): void;
  /**
   * The process is stopping: once `run` ends, revoke_on_shutdown may revoke the token. Without it, `run` ending
   * (a reload replacing the provider) leaves the token alone. Call it before (or as) the run's signal aborts.
   */
  markShutdown(): void;
  /** Keeps the token alive until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}
