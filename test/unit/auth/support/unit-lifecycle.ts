// How the auth unit tests build a token lifecycle: a stub Vault, a fake clock, one auth method with the backoff
// they all use (1 s to 60 s), no sinks, metrics discarded. Each test passes only what it is about.

import type { Logger } from 'pino';
import pino from 'pino';
import type { AuthMethod } from '../../../../src/auth/methods/auth-method.js';
import { createAuthMethod } from '../../../../src/auth/methods/create-auth-method.js';
import { TokenLifecycle } from '../../../../src/auth/token-lifecycle.js';
import type { TokenLifecycleOptions } from '../../../../src/auth/token-lifecycle.js';
import type { AuthMethodSettings, AutoAuthConfig } from '../../../../src/config/runtime-config.js';
import type { Clock } from '../../../../src/lib/clock.js';
import type { VaultClient, VaultRequest } from '../../../../src/vault/types.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { testVaultConfig } from '../../../helpers/vault-config.js';

/** The auto_auth block for `settings`: mounted at auth/<type>, backoff 1 s to 60 s, no sinks, no revoke. */
export function autoAuthFor(settings: AuthMethodSettings): AutoAuthConfig {
  return {
    method: {
      settings,
      mountPath: `auth/${settings.type}`,
      namespace: undefined,
      minBackoffMs: 1000,
      maxBackoffMs: 60_000,
      exitOnErr: false,
    },
    sinks: [],
    revokeOnShutdown: false,
  };
}

/** The method `autoAuth` configures, its Vault address unreachable (the tests answer through the stub Vault). */
export function methodFor(autoAuth: AutoAuthConfig): AuthMethod {
  return createAuthMethod(autoAuth.method, testVaultConfig('http://127.0.0.1:1'));
}

/** A Vault client whose answers come from `answer`: a returned Error is thrown, anything else is the reply. */
export function stubVault(answer: (request: VaultRequest) => unknown): VaultClient {
  return {
    request: async (request) => {
      const value = answer(request);
      if (value instanceof Error) throw value;
      return value as never;
    },
    requestText: async () => '',
    close: async () => undefined,
  };
}

/** A lifecycle for `settings` (or an explicit method) with the defaults above; the rest as the test gives it. */
export function unitLifecycle(
  parts: {
    readonly vault: VaultClient;
    readonly clock?: Clock;
    readonly logger?: Logger;
    readonly registerSecret?: TokenLifecycleOptions['registerSecret'];
  } & (
    | { readonly settings: AuthMethodSettings }
    | { readonly method: AuthMethod; readonly autoAuth?: AutoAuthConfig }
  ),
): TokenLifecycle {
  const autoAuth = 'settings' in parts ? autoAuthFor(parts.settings) : parts.autoAuth;
  return new TokenLifecycle({
    method: 'settings' in parts ? methodFor(autoAuth!) : parts.method,
    autoAuth,
    vault: parts.vault,
    clock: parts.clock ?? new FakeClock(),
    random: () => 0,
    logger: parts.logger ?? pino({ level: 'silent' }),
    metrics: { tokenRenewals: { inc: () => undefined }, authLogins: { inc: () => undefined } },
    registerSecret: parts.registerSecret ?? (() => undefined),
  });
}
