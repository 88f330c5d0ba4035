import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultConfig } from '../config/runtime-config.js';
import { VaultConfigError } from './vault-config-error.js';

/** The TLS part of undici's `connect` options, as Node's `tls.connect` takes them. */
export interface VaultTlsOptions {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized: boolean;
}

/**
 * Reads vault.ca_cert, every certificate file in vault.ca_path, and the mTLS client pair once, when the client is
 * made, so a missing file is a configuration error at start rather than a failure at the first renewal.
 */
export function vaultTlsOptions(config: VaultConfig): VaultTlsOptions {
  const ca: Buffer[] = [];
  if (config.caCert) ca.push(readOrFail(config.caCert, 'vault.ca_cert'));
  if (config.caPath) ca.push(...readCaDirectory(config.caPath));
  if (config.caPath && ca.length === 0) {
    throw new VaultConfigError(`vault.ca_path ${config.caPath} holds no PEM certificate`);
  }
  if (Boolean(config.clientCert) !== Boolean(config.clientKey)) {
    throw new VaultConfigError('vault.client_cert and vault.client_key must be given together');
  }
  return {
    ...(ca.length > 0 ? { ca } : {}),
    ...(config.clientCert ? { cert: readOrFail(config.clientCert, 'vault.client_cert') } : {}),
    ...(config.clientKey ? { key: readOrFail(config.clientKey, 'vault.client_key') } : {}),
    ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
    rejectUnauthorized: !config.tlsSkipVerify,
  };
}

// Like Vault's own ca_path handling, every regular file counts, whatever its name (OpenSSL hashed directories
// name files `1a2b3c4d.0`); files without a PEM certificate are skipped rather than breaking the handshake.
function readCaDirectory(dir: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    throw new VaultConfigError(`cannot read the directory vault.ca_path ${dir}`, { cause: error });
  }
  const found: Buffer[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!isFile(path)) continue;
    const contents = readOrFail(path, 'a CA file in vault.ca_path');
    if (contents.includes('-----BEGIN CERTIFICATE-----')) found.push(contents);
  }
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new VaultConfigError(`cannot read ${what} ${path}`, { cause: error });
  }
}
