import type { Logger } from 'pino';
import { createAuthMethod } from '../auth/methods/create-auth-method.js';
import { TokenLifecycle } from '../auth/token-lifecycle.js';
import type { TokenMetrics } from '../auth/token-lifecycle.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Clock } from '../lib/clock.js';
import type { SecretRegistry } from '../lib/secret-registry.js';
import type { VaultClientOptions } from '../vault/vault-client.js';
import { createVaultClient } from '../vault/vault-client.js';
import type { VaultClient } from '../vault/types.js';

/** What the token provider is built from. */
export interface TokenProviderParts {
  readonly config: RuntimeConfig;
  readonly vault: VaultClient;
  readonly clientOptions: VaultClientOptions;
  readonly secrets: SecretRegistry;
  readonly metrics: TokenMetrics;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly failFast: boolean;
}

/**
 * The token lifecycle for the config's auth method (a literal VAULT_TOKEN without auto_auth). The cert method
 * logs in through a client presenting its certificate, made per login so rotated files are picked up.
 */
export function createTokenProvider(parts: TokenProviderParts): TokenProvider {
  const { config, secrets } = parts;
  secrets.register(config.vault.token);
  return new TokenLifecycle({
    method: createAuthMethod(config.autoAuth?.method, config.vault),
    autoAuth: config.autoAuth,
    vault: parts.vault,
    clientWithCertificate: (cert) =>
      createVaultClient(
        { ...config.vault, clientCert: cert.certFile, clientKey: cert.keyFile },
        parts.clientOptions,
      ),
    clock: parts.clock,
    random: parts.random,
    logger: parts.logger,
    metrics: parts.metrics,
    registerSecret: (value, use) => secrets.register(value, use),
    failFast: parts.failFast,
    // failFast is `run --once` here: no file watcher for a run that ends before a file change could matter.
    watchFiles: !parts.failFast,
  });
}
