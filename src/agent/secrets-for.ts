import type { Logger } from 'pino';
import type { RuntimeConfig, TemplateConfig } from '../config/runtime-config.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import { DEFAULT_BACKOFF } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { cleanAtomicDirectory } from '../output/atomic-directory.js';
import type { SecretSourceOptions, SecretTokens } from '../secrets/secret-source.js';
import { SecretSource } from '../secrets/secret-source.js';
import type { KvSecret } from '../vault/kv-api.js';
import type { VaultClient } from '../vault/types.js';

/**
 * A failed KV read is retried from 5 s (nothing waits on it the way a missing certificate does), doubling up to the
 * agent's usual cap, and never later than the secret's refresh interval.
 */
const SECRET_BACKOFF: BackoffPolicy = { ...DEFAULT_BACKOFF, minMs: 5000 };

/** One source per `secrets:` entry, sharing the agent's Vault client, token and secret registry. */
export function createSecretSources(parts: {
  readonly config: RuntimeConfig;
  readonly vault: VaultClient;
  readonly tokens: SecretTokens;
  readonly clock: Clock;
  readonly random: () => number;
  readonly secrets: SecretSourceOptions['secrets'];
  readonly logger: Logger;
}): Map<string, SecretSource> {
  const logger = parts.logger.child({ component: 'secrets' });
  return new Map(
    [...parts.config.secrets].map(([name, config]) => [
      name,
      new SecretSource({ ...parts, config, backoff: SECRET_BACKOFF, logger }),
    ]),
  );
}

/** The values read so far, by name (secrets not read yet are left out: their templates stay pending). */
export function secretValues(sources: ReadonlyMap<string, SecretSource>): Map<string, KvSecret> {
  const out = new Map<string, KvSecret>();
  for (const [name, source] of sources)
    if (source.value.value !== undefined) out.set(name, source.value.value);
  return out;
}

/** At start: what a crash left in atomic directories (`..data_tmp`, unreferenced generations). */
export async function cleanAtomicDirectories(
  templates: readonly TemplateConfig[],
  logger: Logger,
): Promise<void> {
  for (const template of templates) {
    if (!template.directory) continue;
    await cleanAtomicDirectory(template.destination).catch((error: unknown) =>
      logger.warn({ destination: template.destination, error }, 'could not clean the atomic directory'),
    );
  }
}
