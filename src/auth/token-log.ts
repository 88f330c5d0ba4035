// The token lifecycle's lines that need more than one call: the next step, said once at info, and the expiry, with
// advice the operator can follow. Kept apart so the lifecycle reads as what it does.

import type { Logger } from 'pino';
import { isoTime } from '../lib/iso-time.js';
import type { TokenReplacement } from './methods/auth-method.js';
import type { TokenDecision } from './token-decision.js';
import type { TokenState } from './token-renewal.js';

/** Logs the next step at info once per token, expiry and step; a wake-up that changed nothing at debug only. */
export class PlanAnnouncer {
  readonly #log: Logger;
  /** What the last `next token … scheduled` line at info announced. */
  #last: { state: TokenState; expiresAt: number | null; action: TokenDecision['next'] } | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  announce(state: TokenState, { next, at }: TokenDecision): void {
    if (!Number.isFinite(at)) return;
    const last = this.#last;
    const same = last?.state === state && last.expiresAt === state.expiresAt && last.action === next;
    this.#last = { state, expiresAt: state.expiresAt, action: next };
    const what = next === 'renew' ? 'renewal' : next === 'relogin' ? 'login' : 'expiry';
    this.#log[same ? 'debug' : 'info'](
      { next, at: isoTime(at), expires_at: isoTime(state.expiresAt) },
      `next token ${what} scheduled`,
    );
  }
}

/** The token expired: advice the operator can follow (only a token_file has a file to write; VAULT_TOKEN is read at start). */
export function logExpiry(log: Logger, state: TokenState, replacement: TokenReplacement): void {
  log.error(
    { expired_at: isoTime(state.expiresAt) },
    replacement === 'file-change'
      ? 'the Vault token expired; write a new token to the token file'
      : 'the Vault token expired; restart certagent with a new VAULT_TOKEN, or configure auto_auth to log in',
  );
}
