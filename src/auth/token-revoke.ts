import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { revokeSelf } from '../vault/token-api.js';
import type { TokenLifecycleOptions } from './token-lifecycle-options.js';
import type { TokenState } from './token-renewal.js';
import { isPastExpiry } from './token-schedule.js';

/** The token the lifecycle held when it stopped, and why it stopped. */
export interface StoppedWith {
  readonly held:
    (Pick<TokenState, 'token' | 'loggedIn' | 'expiresAt'> & { readonly refused: boolean }) | undefined;
  /**
   * The process is stopping. Otherwise the lifecycle only makes way for a new one (a reload that changed vault or
   * auto_auth): the token may still be in a sink or in use, and is left to expire.
   */
  readonly shutdown: boolean;
}

/**
 * With `revoke_on_shutdown`, revokes the token the agent logged in for when the process stops. A token it was
 * handed (a token file) is left alone: whoever created it may still be using it (the file may be shared, or another
 * agent's sink), and revoking it would leave the next start with the same, dead, token in the file. A token Vault
 * refused or that expired is dead already: a revocation could only fail.
 */
export async function revokeOnShutdown(
  { held, shutdown }: StoppedWith,
  options: Pick<TokenLifecycleOptions, 'autoAuth' | 'method' | 'vault'> & { readonly clock: Clock },
  log: Logger,
): Promise<void> {
  if (!options.autoAuth?.revokeOnShutdown || !held) return;
  if (!shutdown) {
    log.debug('token not revoked: the token lifecycle stopped for a reload, not a shutdown');
    return;
  }
  if (!held.loggedIn) {
    log.info(
      { method: options.method.type },
      'token not revoked on shutdown: the agent did not log in for it, and whoever created it may still use it',
    );
    return;
  }
  const expired = isPastExpiry(held.expiresAt, options.clock.now());
  if (held.refused || expired) {
    log.debug(
      { reason: expired ? 'expired' : 'refused' },
      `token not revoked on shutdown: it is ${expired ? 'expired' : 'refused by Vault'} already`,
    );
    return;
  }
  try {
    await revokeSelf(options.vault, held.token, AbortSignal.timeout(5000));
    log.info('token revoked on shutdown');
  } catch (error) {
    log.warn({ error }, 'could not revoke the token on shutdown');
  }
}
