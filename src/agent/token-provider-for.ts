import type { Logger } from 'pino';
import { StaticTokenProvider } from '../auth/static-token-provider.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { AgentError } from '../lib/errors.js';
import type { SecretRegistry } from '../telemetry/secret-registry.js';

/** The configured auth method cannot be used by this build. */
export class AuthMethodUnsupportedError extends AgentError {
  constructor(message: string) {
    super('AUTH_METHOD_UNSUPPORTED', message);
  }
}

/**
 * The token provider for the config: a literal VAULT_TOKEN or a token_file. Every token it hands out is
 * registered as a secret first, so no log line can ever carry it.
 */
export function createTokenProvider(
  config: RuntimeConfig,
  secrets: SecretRegistry,
  logger: Logger,
): TokenProvider {
  const settings = config.autoAuth?.method.settings;
  let provider: TokenProvider;
  if (settings?.type === 'token_file') provider = new StaticTokenProvider({ file: settings.tokenFilePath });
  else if (settings)
    throw new AuthMethodUnsupportedError(`auto_auth method ${settings.type} is not supported yet`);
  else provider = new StaticTokenProvider({ literal: config.vault.token ?? '' });
  secrets.register(config.vault.token);
  return {
    token: provider.token,
    async current(signal) {
      const token = await provider.current(signal);
      secrets.register(token);
      return token;
    },
    reportInvalid: (token) => {
      logger.warn('Vault refused the token (403); it will be read again');
      provider.reportInvalid(token);
    },
    run: (signal) => provider.run(signal),
  };
}
