import type { RuntimeConfig } from './runtime-config.js';
import { securityWarnings } from './security-warnings.js';

/**
 * What a valid config allows but an operator should hear about, said by `check` and once at `run`'s start: the
 * security warnings, and settings that have no effect as combined. `devServer` (`check --dev`): vault.address
 * is not the one used, since `run --dev` swaps in its loopback dev server before it warns, so warning about it
 * would say what run never does.
 */
export function configWarnings(
  config: Pick<RuntimeConfig, 'vault' | 'autoAuth'>,
  options: { readonly devServer?: boolean } = {},
): string[] {
  const warnings = options.devServer ? [] : securityWarnings(config);
  if (config.autoAuth?.revokeOnShutdown && config.autoAuth.method.settings.type === 'token_file') {
    warnings.push(
      'auto_auth.revoke_on_shutdown does nothing with method token_file: the agent revokes only a token it ' +
        'logged in for, and a token file holds one someone else created (and may still use)',
    );
  }
  return warnings;
}
