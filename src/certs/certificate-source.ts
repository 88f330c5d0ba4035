import type { Logger } from 'pino';
import type { CertificateConfig } from '../config/runtime-config.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { Latest } from '../lib/latest.js';
import { backOffAfterFailure, type BackOffContext } from './back-off-after-failure.js';
import type { CertificateBundle } from './bundle.js';
import { sameBundle } from './build-bundle.js';
import type { CertificateEvent, CertificateEventListener, IssueReason } from './certificate-events.js';
import { obtainBundle } from './obtain-bundle.js';
import type { PkiIssuer } from './pki-issuer.js';
import { certificateRenewAt, renewPolicyOf } from './renew-schedule.js';
import { requestFingerprint } from './request-fingerprint.js';
import type { CertificateStore } from './certificate-store.js';
import { readKeptBundle } from './read-kept-bundle.js';
import { RotationRequests } from './rotation-requests.js';
import { adoptedMessage, bundleFields, issuedMessage } from './source-log-lines.js';
import { sleepUntil } from '../lib/sleep-until.js';
import { isoTime } from '../lib/iso-time.js';

export type { PkiIssuer } from './pki-issuer.js';
export type { CertificateEvent, CertificateEventListener, IssueReason } from './certificate-events.js';

/** What a certificate source is built from. */
export interface CertificateSourceOptions {
  readonly config: CertificateConfig;
  readonly issuer: PkiIssuer;
  readonly store: CertificateStore;
  readonly clock: Clock;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  readonly onEvent?: CertificateEventListener;
  /** The Vault the certificate comes from; part of the request fingerprint, so another Vault's bundle is not adopted. */
  readonly vaultAddress?: string;
  /**
   * Where bundles are published. A reload that replaces this source (its settings changed) hands the new one the
   * same Latest, so consumers keep following one value per certificate name.
   */
  readonly bundle?: Latest<CertificateBundle>;
}

/**
 * Keeps one declared certificate valid: adopts the bundle kept in state_dir when it still fits, otherwise obtains
 * one, then renews it on schedule. Every bundle is checked and saved before it is published on `bundle`; on
 * failure the previous bundle stays published and the source backs off.
 */
export class CertificateSource {
  /** The current bundle; a new value after every adoption or issuance. */
  readonly bundle: Latest<CertificateBundle>;
  readonly #options: CertificateSourceOptions;
  readonly #rotations = new RotationRequests();
  readonly #fingerprint: string;
  readonly #log: Logger;
  #renewAt: number | undefined;
  #adoptionTried = false;
  #lastReason: IssueReason = 'initial';
  #keptKey: string | undefined;
  #ensuring: Promise<CertificateBundle> | undefined;
  readonly #backOffContext: BackOffContext;

  constructor(options: CertificateSourceOptions) {
    this.#options = options;
    this.bundle = options.bundle ?? new Latest<CertificateBundle>(sameBundle);
    this.#fingerprint = requestFingerprint(options.config, options.vaultAddress);
    this.#log = options.logger.child({ certificate: options.config.name });
    const { clock, backoff, random, config } = options;
    const emit = (event: CertificateEvent) => this.#emit(event);
    this.#backOffContext = { certificate: config.name, clock, backoff, random, log: this.#log, emit };
  }

  /** When the current bundle is due for renewal (ms since the epoch), once there is one. */
  get renewAt(): number | undefined {
    return this.#renewAt;
  }

  /**
   * Returns a valid bundle that is not yet due: the current one, the one kept in state_dir, or a new one obtained
   * with a single request (no retry loop). Used at start and by `run --once`; throws what the attempt threw.
   */
  ensure(signal: AbortSignal): Promise<CertificateBundle> {
    this.#ensuring ??= this.#ensure(signal).finally(() => {
      this.#ensuring = undefined;
    });
    return this.#ensuring;
  }

  /**
   * Forces a new certificate now (SIGUSR1, `certagent rotate`): `run` stops waiting for the scheduled renewal and
   * obtains one, which then goes through the usual render pass (check, command, rollback). Requests made before an
   * issuance starts share it. Resolves with the new bundle; rejects if that issuance fails (the source retries it
   * with backoff). Without `run` (e.g. `--once`) the request waits for the next issuance.
   */
  rotate(): Promise<CertificateBundle> {
    return this.#rotations.request();
  }

  /** Ensures a bundle (retrying with backoff), then renews it whenever due, until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.#renewAt === undefined) await this.ensure(signal);
        else {
          await this.#sleepUntilDue(signal);
          await this.#obtain(signal, 'renewal');
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        const failed = {
          error,
          attempt: failures,
          reason: this.#lastReason,
          notAfter: this.bundle.value?.notAfter,
        };
        if (!(await backOffAfterFailure(this.#backOffContext, failed, signal))) return;
      }
    }
  }

  async #ensure(signal: AbortSignal): Promise<CertificateBundle> {
    const current = this.bundle.value;
    const now = this.#options.clock.now();
    const stillGood = current && this.#renewAt !== undefined && now < this.#renewAt && now < current.notAfter;
    if (stillGood && !this.#rotations.requested) return current;
    // A rotation asked for before anything was adopted must not be answered by the old bundle in state_dir.
    if (!this.#adoptionTried && !this.#rotations.requested) {
      this.#adoptionTried = true;
      const adopted = await this.#adopt();
      if (adopted) return adopted;
    }
    return this.#obtain(signal, current ? 'renewal' : 'initial');
  }

  async #adopt(): Promise<CertificateBundle | undefined> {
    const { config, store, clock, random } = this.#options;
    const fingerprint = this.#fingerprint;
    const kept = await readKeptBundle({ config, store, fingerprint, clock, random, log: this.#log });
    this.#keptKey = kept.key;
    if (!kept.adopted) return undefined;
    const { bundle, renewAt } = kept.adopted;
    this.#publish(bundle, renewAt);
    this.#log.info(bundleFields(bundle, this.#renewAt), adoptedMessage(bundle, this.#renewAt));
    this.#emit({ type: 'adopted', ...this.#eventFields(bundle) });
    return bundle;
  }

  async #obtain(signal: AbortSignal, scheduled: IssueReason): Promise<CertificateBundle> {
    const { config, issuer, clock, random, store } = this.#options;
    const rotation = this.#rotations.take();
    const reason: IssueReason = rotation.forced ? 'forced' : scheduled;
    this.#lastReason = reason;
    const previous = this.bundle.value;
    const { bundle, warnings } = await obtainBundle({
      config,
      issuer,
      now: () => clock.now(),
      fingerprint: this.#fingerprint,
      currentKey: previous?.privateKey ?? this.#keptKey,
      signal,
    }).catch((error: unknown) => {
      rotation.settle({ error });
      throw error;
    });
    for (const warning of warnings) this.#log.warn({ warning }, 'vault warning');
    try {
      await store.save(bundle);
    } catch (error) {
      // The certificate is good and the old one may be expiring: use it, and only lose adoption after a restart.
      this.#log.error({ error }, 'certificate not saved to state_dir');
    }
    this.#publish(bundle, certificateRenewAt(bundle, renewPolicyOf(config), random));
    this.#log.info(
      { ...bundleFields(bundle, this.#renewAt), reason, previous_serial: previous?.serialNumber },
      issuedMessage(bundle, previous, reason, this.#renewAt),
    );
    this.#emit({
      type: 'issued',
      ...this.#eventFields(bundle),
      reason,
      ...(previous ? { previousSerial: previous.serialNumber } : {}),
    });
    rotation.settle({ bundle });
    return bundle;
  }

  async #sleepUntilDue(signal: AbortSignal): Promise<void> {
    const { clock, backoff } = this.#options;
    const current = this.bundle.value;
    // Never renew sooner than the minimum backoff after the last issuance, even if Vault hands out certificates
    // too short to schedule sensibly: that would be a hot loop against Vault.
    const dueAt = Math.max(this.#renewAt ?? 0, (current?.obtainedAt ?? 0) + backoff.minMs);
    if (dueAt <= clock.now() || this.#rotations.requested) return;
    this.#log.debug({ renew_at: isoTime(dueAt) }, 'renewal scheduled');
    this.#emit({ type: 'scheduled', certificate: this.#options.config.name, renewAt: dueAt });
    const wake = this.#rotations.wakeSignal;
    try {
      // One timer, plus the clock's shared wall-clock check: a wall clock that jumps past dueAt is noticed within
      // 30 s (sleep-until.ts).
      await sleepUntil(clock, dueAt, AbortSignal.any([signal, wake]));
    } catch (error) {
      if (signal.aborted || !wake.aborted) throw error;
      // A forced rotation cut the wait short; the caller obtains now.
    }
  }

  #publish(bundle: CertificateBundle, due: number): void {
    this.#renewAt = due;
    this.bundle.set(bundle);
  }

  #emit(event: CertificateEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      this.#log.error({ error }, 'certificate event listener failed');
    }
  }

  #eventFields(bundle: CertificateBundle) {
    return {
      certificate: bundle.name,
      serialNumber: bundle.serialNumber,
      notAfter: bundle.notAfter,
      renewAt: this.#renewAt ?? bundle.notAfter,
    };
  }
}
