import type { VaultConfig } from '../../src/config/runtime-config.js';

/** A VaultConfig as the loader would produce it for `address` with no other settings, plus `overrides`. */
export function testVaultConfig(address: string, overrides: Partial<VaultConfig> = {}): VaultConfig {
  return {
    address,
    caCert: undefined,
    caPath: undefined,
    clientCert: undefined,
    clientKey: undefined,
    tlsServerName: undefined,
    tlsSkipVerify: false,
    namespace: undefined,
    token: undefined,
    requestTimeoutMs: 5000,
    maxConcurrentRequests: 4,
    ...overrides,
  };
}
