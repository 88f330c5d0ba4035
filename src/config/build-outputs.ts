// The runtime form of keystores and KV secrets (docs/outputs.md), apart from build-runtime.ts to keep it short.

import type { Resolve } from './build-auto-auth.js';
import type { KvSecretConfig, Pkcs12Settings } from './runtime-config.js';
import type { ConfigFile } from './schema.js';
import type { ConfigPath } from './yaml-source.js';

type Pkcs12File = NonNullable<NonNullable<ConfigFile['templates']>[number]['pkcs12']>;

export function pkcs12Of(
  value: Pkcs12File | undefined,
  at: ConfigPath,
  path: Resolve,
): Pkcs12Settings | undefined {
  if (value === undefined) return undefined;
  const password = value.password;
  return {
    password:
      'file' in password
        ? { kind: 'file', path: path(password.file, [...at, 'password', 'file']) }
        : 'env' in password
          ? { kind: 'env', name: password.env }
          : { kind: 'secret', secret: password.secret, key: password.key },
    alias: value.alias,
    encryption: value.encryption ?? 'modern',
  };
}

export function buildSecrets(file: ConfigFile): Map<string, KvSecretConfig> {
  const out = new Map<string, KvSecretConfig>();
  for (const [name, entry] of Object.entries(file.secrets ?? {})) {
    out.set(name, {
      name,
      path: entry.path.replace(/^\/+|\/+$/g, ''),
      version: entry.version,
      mount: entry.mount?.replace(/^\/+|\/+$/g, ''),
      kvVersion: entry.kv_version,
      refreshMs: entry.refresh_interval ?? DEFAULT_SECRET_REFRESH_MS,
    });
  }
  return out;
}

/** KV secrets are read again every 5 minutes unless `refresh_interval` says otherwise (Vault Agent's default). */
const DEFAULT_SECRET_REFRESH_MS = 5 * 60_000;
