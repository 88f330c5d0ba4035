import type { Logger } from 'pino';
import type { BackoffPolicy } from '../lib/backoff.js';
import { DEFAULT_BACKOFF } from '../lib/backoff.js';
import { Latest } from '../lib/latest.js';
import { isAbortError } from '../lib/task-group.js';
import { TokenRefusedError, acquireToken } from './token-acquire.js';
import { decideToken } from './token-decision.js';
import type { TokenLifecycleOptions } from './token-lifecycle-options.js';
import type { TokenProvider } from './token-provider.js';
import type { TokenState } from './token-renewal.js';
import { renewToken } from './token-renewal.js';
import { refusedLoginAt, tokenRetryDelay } from './token-schedule.js';
import { PlanAnnouncer, logExpiry } from './token-log.js';
import { revokeOnShutdown } from './token-revoke.js';
import { writeSinks } from './token-sink.js';
import { WakeUp } from './wake-up.js';
import { isoTime } from '../lib/iso-time.js';

export type { TokenLifecycleOptions, TokenMetrics } from './token-lifecycle-options.js';

/**
 * Keeps one Vault token alive for as long as the agent runs (DESIGN §2 "Token"): log in (or read the token),
 * renew at half the remaining TTL, log in again before expiry once renewal reaches the max, retry passing
 * failures with backoff capped by the token's remaining life, and answer a 403 with one login per backoff step.
 * A new token is simply published; consumers use it for their next request. What to do next with a token, and
 * when, is decided by `decideToken` (token-decision.ts); this class carries it out and does the I/O and logging.
 */
export class TokenLifecycle implements TokenProvider {
  readonly token = new Latest<string>();
  readonly #options: TokenLifecycleOptions;
  readonly #policy: BackoffPolicy;
  readonly #wake = new WakeUp<'changed' | 'invalid'>();
  readonly #log: Logger;
  #state: TokenState | undefined;
  #lastAcquireAt = Number.NEGATIVE_INFINITY;
  #invalidStreak = 0;
  /** Set by markShutdown: only then does the end of `run` revoke (revoke_on_shutdown), never on a reload. */
  #shutdown = false;
  readonly #plan: PlanAnnouncer;
  /** The token was refused (403) or expired: read again, it is looked up (unless expired), not renewed on a timer. */
  #wasRefused = false;

  constructor(options: TokenLifecycleOptions) {
    this.#options = options;
    const method = options.autoAuth?.method;
    this.#policy = method ? { minMs: method.minBackoffMs, maxMs: method.maxBackoffMs } : DEFAULT_BACKOFF;
    this.#log = options.logger;
    this.#plan = new PlanAnnouncer(this.#log);
  }

  async current(signal: AbortSignal): Promise<string> {
    if (this.token.value !== undefined) return this.token.value;
    return (await this.token.next(0, signal)).value;
  }

  markShutdown(): void {
    this.#shutdown = true;
  }

  reportInvalid(token: string): void {
    if (token === this.token.value) this.#wake.wake('invalid');
  }

  async run(signal: AbortSignal): Promise<void> {
    const stopWatching =
      this.#options.watchFiles === false
        ? undefined
        : await this.#options.method.watch?.(() => this.#wake.wake('changed'));
    try {
      await this.#loop(signal);
    } catch (error) {
      if (!(signal.aborted && isAbortError(error))) throw error;
    } finally {
      await stopWatching?.();
      await revokeOnShutdown({ held: this.#held(), shutdown: this.#shutdown }, this.#options, this.#log);
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let reason: 'start' | 'changed' | 'invalid' | 'relogin' | 'retry' = 'start';
    while (!signal.aborted) {
      // A 403 means log in again, but no more than once per backoff step (growing with every 403 in a row), so a
      // refused token cannot cause a loop. A retry after a failed login is spaced by the login backoff alone:
      // spacing it by both doubled every gap.
      if (reason === 'invalid') {
        const { random } = this.#options;
        const due = refusedLoginAt(this.#lastAcquireAt, ++this.#invalidStreak, this.#policy, random);
        await this.#waitIgnoringRefusals(due, signal);
      }
      try {
        this.#lastAcquireAt = this.#options.clock.now();
        await this.#acquire(signal);
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof TokenRefusedError && !this.#options.failFast) {
          reason = await this.#awaitNewToken(error, signal);
          continue;
        }
        failures++;
        this.#options.metrics.authLogins.inc({ method: this.#options.method.type, result: 'failure' });
        this.#options.metrics.loginFailed?.(this.#options.method.type, error);
        if (this.#options.failFast || this.#options.autoAuth?.method.exitOnErr) throw error;
        const delay = tokenRetryDelay(failures, this.#policy, this.#options.random, this.#remainingMs());
        this.#log.error(
          {
            method: this.#options.method.type,
            error,
            attempt: failures,
            retry_in_ms: Math.round(delay),
          },
          'login failed',
        );
        reason = await this.#waitIgnoringRefusals(this.#options.clock.now() + delay, signal);
        continue;
      }
      reason = await this.#maintain(signal);
    }
  }

  /**
   * The token source still holds the token Vault refused or that expired: re-reading it on a timer cannot help, and
   * it is no failed login. Say so (log and /status) and wait until the file changes (or a refusal is reported).
   */
  async #awaitNewToken(error: TokenRefusedError, signal: AbortSignal): Promise<'changed' | 'invalid'> {
    const { method, clock, metrics } = this.#options;
    metrics.loginFailed?.(method.type, error);
    this.#log.error({ method: method.type, error }, 'waiting for a new token');
    const woke = await this.#wake.wait(clock, Number.POSITIVE_INFINITY, signal);
    return woke === 'timeout' ? 'changed' : woke;
  }

  /**
   * Waits until the next login attempt is due: more reports of the refused token do not shorten the wait (the
   * attempt replaces that token anyway). A changed credential file does: a new token (or secret_id) is worth
   * trying at once.
   */
  async #waitIgnoringRefusals(due: number, signal: AbortSignal): Promise<'changed' | 'retry'> {
    const { clock } = this.#options;
    while (clock.now() < due) {
      if ((await this.#wake.wait(clock, due - clock.now(), signal)) === 'changed') return 'changed';
    }
    return 'retry';
  }

  /** The token held, and whether Vault (or a consumer) refused it: what acquiring and revoking decide on. */
  #held(): (TokenState & { refused: boolean }) | undefined {
    return this.#state && { ...this.#state, refused: this.#wasRefused };
  }

  /** Gets a token from the method (a login, or the token it holds) and publishes it when it is a new one. */
  async #acquire(signal: AbortSignal): Promise<void> {
    const { method, clock, metrics } = this.#options;
    const credential = await method.credential(signal);
    const acquired = await acquireToken(credential, this.#held(), this.#options, signal);
    if (!acquired) return;
    const { state } = acquired;
    metrics.authLogins.inc({ method: method.type, result: 'success' });
    this.#wasRefused = false;
    if (acquired.revalidated) {
      // Vault answers a policy denying one path with 403 too: the token is kept (and renewed), the denial stays
      // with the request that got it, and the operator learns that it was no dead token.
      this.#log.warn(
        { method: method.type, expires_at: isoTime(state.expiresAt) },
        'a request was refused by policy (403), but the token itself is valid: no token change',
      );
      this.#state = state;
      return;
    }
    const changed = this.#state?.token !== state.token;
    this.#state = state;
    if (changed) {
      this.token.set(state.token);
      await writeSinks(this.#options.autoAuth?.sinks ?? [], state.token, this.#log);
    }
    this.#log.info(
      {
        method: method.type,
        ttl_s: state.expiresAt === null ? null : Math.round((state.expiresAt - clock.now()) / 1000),
        renewable: !state.atMax,
        expires_at: isoTime(state.expiresAt),
      },
      acquired.message,
    );
  }

  /** Carries out the token decisions (renew, wait, expire) until the token must be replaced; returns why. */
  async #maintain(signal: AbortSignal): Promise<'changed' | 'invalid' | 'relogin'> {
    const { clock, random, method, vault, metrics } = this.#options;
    let failures = 0;
    let retryAfterSeconds: number | undefined;
    for (;;) {
      const state = this.#state!;
      const now = clock.now();
      const decision = decideToken(
        {
          expiresAt: state.expiresAt,
          renewable: !state.atMax,
          leaseMs: state.leaseMs,
          failures,
          retryAfterSeconds,
        },
        { now, policy: this.#policy, random, replacement: method.replacement },
      );
      if (failures === 0) this.#plan.announce(state, decision);
      const woke = await this.#wake.wait(clock, decision.at - now, signal);
      if (woke === 'invalid') return this.#refused();
      if (woke === 'changed') return 'changed';
      if (decision.next === 'relogin') return 'relogin';
      if (decision.next === 'expire') {
        logExpiry(this.#log, state, method.replacement);
        // Dead as a refused token is, and replaced the same way: the loop reads the source again and waits
        // (saying so in the log and /status) while it still holds this token.
        return this.#refused();
      }
      if (decision.next !== 'renew') continue; // keep waits for an event, never times out
      const outcome = await renewToken(
        state,
        { vault, clock, metrics, logger: this.#log, canRelogin: method.replacement === 'login' },
        signal,
      );
      if (outcome.kind === 'invalid') return this.#refused();
      if (outcome.kind === 'ok') {
        this.#invalidStreak = 0;
        // A renewal moves the expiry: the registry keeps a superseded token scrubbed until then.
        this.#options.registerSecret(state.token, { slot: 'auth.token', expiresAt: state.expiresAt });
      }
      failures = outcome.kind === 'failed' ? failures + 1 : 0;
      retryAfterSeconds = outcome.kind === 'failed' ? outcome.retryAfterSeconds : undefined;
    }
  }

  /**
   * Vault refused the token (a 403 on renewal, or reported by a consumer), or it expired: the same token from a
   * file is not renewed every backoff step. Read again, it is looked up (a consumer's 403 may be a mere policy
   * denial) unless expired; dead, the lifecycle waits for the file to change. A login method brings a new token.
   */
  #refused(): 'invalid' {
    this.#wasRefused = true;
    return 'invalid';
  }

  /** The life the held token has left for retries to fit in; none once refused (≤ 0 once expired: no cap either). */
  #remainingMs(): number | undefined {
    const expiresAt = this.#state?.expiresAt ?? null;
    return expiresAt === null || this.#wasRefused ? undefined : expiresAt - this.#options.clock.now();
  }
}
