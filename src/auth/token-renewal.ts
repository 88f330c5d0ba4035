import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { renewSelf } from '../vault/token-api.js';
import type { VaultClient } from '../vault/types.js';
import { VaultHttpError, isRetryable } from '../vault/vault-errors.js';
import { reachedMax } from './token-schedule.js';

/** The token the lifecycle holds and what it knows of its lease. */
export interface TokenState {
  readonly token: string;
  /** ms since the epoch; null for a token that never expires. */
  expiresAt: number | null;
  leaseMs: number;
  /** What each renewal asks for: the TTL the token was first granted. */
  readonly incrementSeconds: number;
  /** Vault said it cannot be renewed further (or never could). */
  atMax: boolean;
  /**
   * The agent logged in for this token, so it is the agent's own (revoke_on_shutdown may revoke it); false for one
   * it was handed (a token file, VAULT_TOKEN), which whoever created it may still be using.
   */
  readonly loggedIn: boolean;
}

/** How one renewal ended. */
export type RenewOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'failed'; readonly retryAfterSeconds: number | undefined };

/** What a renewal needs. */
export interface RenewDeps {
  readonly vault: VaultClient;
  readonly clock: Clock;
  readonly metrics: {
    tokenRenewals: { inc(labels: { result: 'success' | 'failure' | 'not_renewable' }): void };
  };
  readonly logger: Logger;
  /** The method can log in again (so reaching the max is routine, not an operator's problem). */
  readonly canRelogin: boolean;
}

/**
 * One `renew-self`: updates the state's expiry from the granted lease (the next renewal is derived from it),
 * counts success, not_renewable (Vault refused or capped it at the max) or failure, and says whether the token
 * was refused (403: log in again) or the failure may pass (retry with backoff, honouring Retry-After).
 */
export async function renewToken(
  state: TokenState,
  deps: RenewDeps,
  signal: AbortSignal,
): Promise<RenewOutcome> {
  const { vault, clock, metrics, logger } = deps;
  try {
    const { auth, warnings } = await renewSelf(
      vault,
      state.token,
      state.incrementSeconds || undefined,
      signal,
    );
    state.expiresAt = clock.now() + auth.lease_duration * 1000;
    state.leaseMs = auth.lease_duration * 1000;
    const granted = { leaseDuration: auth.lease_duration, renewable: auth.renewable };
    if (reachedMax(state.incrementSeconds, granted, warnings)) {
      state.atMax = true;
      metrics.tokenRenewals.inc({ result: 'not_renewable' });
      logger.warn(
        { granted_s: auth.lease_duration, expires_at: new Date(state.expiresAt).toISOString(), warnings },
        deps.canRelogin
          ? 'token reached its max TTL; a new login will replace it before it expires'
          : 'token reached its max TTL and cannot be replaced by this method; provide a new token before it expires',
      );
    } else {
      metrics.tokenRenewals.inc({ result: 'success' });
      logger.info(
        { granted_s: auth.lease_duration, expires_at: new Date(state.expiresAt).toISOString() },
        'token renewed',
      );
    }
    return { kind: 'ok' };
  } catch (error) {
    if (signal.aborted) throw error;
    if (
      error instanceof VaultHttpError &&
      error.status === 400 &&
      /not renewable|invalid lease/i.test(error.message)
    ) {
      state.atMax = true;
      metrics.tokenRenewals.inc({ result: 'not_renewable' });
      logger.warn({ error }, 'Vault says the token cannot be renewed');
      return { kind: 'ok' };
    }
    metrics.tokenRenewals.inc({ result: 'failure' });
    logger.warn({ error, retryable: isRetryable(error) }, 'token renewal failed');
    if (error instanceof VaultHttpError && error.status === 403) return { kind: 'invalid' };
    return {
      kind: 'failed',
      retryAfterSeconds: error instanceof VaultHttpError ? error.retryAfterSeconds : undefined,
    };
  }
}
