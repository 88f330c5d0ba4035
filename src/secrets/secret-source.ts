import type { Logger } from 'pino';
import type { KvSecretConfig } from '../config/runtime-config.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import { backoffDelay } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { errorMessage } from '../lib/errors.js';
import { Latest } from '../lib/latest.js';
import type { KvLocation, KvSecret } from '../vault/kv-api.js';
import { detectKvMount, locate, readKvSecret } from '../vault/kv-api.js';
import type { VaultClient } from '../vault/types.js';
import { VaultHttpError } from '../vault/vault-errors.js';
import type { SecretUse } from '../lib/secret-registry.js';

/** One entry of `secrets:` (a KV secret templates read as `secret.<name>`). */
export type SecretConfig = KvSecretConfig;

/** What the source needs of the token provider. */
export interface SecretTokens {
  current(signal: AbortSignal): Promise<string>;
  reportInvalid(token: string): void;
}

export interface SecretSourceOptions {
  readonly config: SecretConfig;
  readonly vault: VaultClient;
  readonly tokens: SecretTokens;
  readonly clock: Clock;
  readonly random: () => number;
  /** Retries of a failed read: capped by the refresh interval. */
  readonly backoff: BackoffPolicy;
  /** Every string value read is registered here, so no log line or status page shows it. */
  readonly secrets: { register(value: string | undefined, use?: SecretUse): void };
  readonly logger: Logger;
}

/** Refreshes are spread by up to ±10% of the interval, so a fleet started together does not read in step. */
const JITTER = 0.1;

/**
 * Keeps one KV secret current: reads it, publishes it as the latest value (an equal value wakes nobody, so
 * templates re-render only on a change), and reads again every refresh interval with jitter. A failed read keeps
 * the last good value (and so the files rendered from it) and is retried with backoff; a 403 is reported to the
 * token provider. Values are registered for scrubbing before they are published.
 */
export class SecretSource {
  readonly value = new Latest<KvSecret>(sameSecret);
  readonly name: string;
  #lastError: string | undefined;
  readonly #options: SecretSourceOptions;

  constructor(options: SecretSourceOptions) {
    this.#options = options;
    this.name = options.config.name;
  }

  /** The last read failure, cleared by the next success (for status). */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** One read now unless a value is already known (`run --once`); a failure is logged, not thrown. */
  async ensure(signal: AbortSignal): Promise<void> {
    if (this.value.value !== undefined) return;
    try {
      await this.#readOnce(undefined, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.#lastError = errorMessage(error);
      // `secret_name`, not `secret`: the logger redacts the value of any key named `secret`, the name included.
      this.#options.logger.error({ secret_name: this.name, error }, 'secret not read');
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    const { clock, random, config, backoff } = this.#options;
    let location: KvLocation | undefined;
    let failures = 0;
    while (!signal.aborted) {
      let waitMs: number;
      try {
        location = await this.#readOnce(location, signal);
        failures = 0;
        waitMs = config.refreshMs * (1 - JITTER + 2 * JITTER * random());
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        waitMs = backoffDelay(failures, backoff, random, config.refreshMs);
        this.#lastError = errorMessage(error);
        this.#options.logger.warn(
          { secret_name: config.name, error, attempt: failures, retry_in_ms: Math.round(waitMs) },
          'secret read failed; the last good value is kept',
        );
      }
      try {
        await clock.sleep(waitMs, signal);
      } catch {
        return;
      }
    }
  }

  async #readOnce(known: KvLocation | undefined, signal: AbortSignal): Promise<KvLocation> {
    const { vault, tokens, config, secrets, logger } = this.#options;
    const token = await tokens.current(signal);
    try {
      const location =
        known ??
        (config.mount !== undefined && config.kvVersion !== undefined
          ? locate(config.path, config.mount, config.kvVersion)
          : await detectKvMount(vault, token, config.path, signal));
      const secret = await readKvSecret(vault, token, location, config.version, signal);
      registerStrings(secret.data, secrets, `kv.${config.name}`);
      const changed = this.value.set(secret);
      this.#lastError = undefined;
      logger[changed ? 'info' : 'debug'](
        { secret_name: config.name, version: secret.metadata?.version, changed },
        changed ? 'secret read: new value' : 'secret read: unchanged',
      );
      return location;
    } catch (error) {
      if (error instanceof VaultHttpError && error.status === 403) tokens.reportInvalid(token);
      throw error;
    }
  }
}

/** Same data and (KV v2) same version: nothing to re-render. */
export function sameSecret(a: KvSecret, b: KvSecret): boolean {
  return a.metadata?.version === b.metadata?.version && JSON.stringify(a.data) === JSON.stringify(b.data);
}

/**
 * Every string in a secret is scrubbed from the logs, each in a slot named by its place in the secret: a rotated
 * password supersedes the old one (kept only for the registry's grace period) instead of piling up for the life
 * of the process, which would slow every log line.
 */
function registerStrings(value: unknown, secrets: SecretSourceOptions['secrets'], slot: string): void {
  if (typeof value === 'string') secrets.register(value, { slot });
  else if (Array.isArray(value))
    value.forEach((item, index) => registerStrings(item, secrets, `${slot}[${index}]`));
  else if (typeof value === 'object' && value !== null)
    // Quoted: a key `b.c` and a nested `b: { c }` are two places, and one value must not supersede the other.
    for (const [key, item] of Object.entries(value))
      registerStrings(item, secrets, `${slot}[${JSON.stringify(key)}]`);
}
