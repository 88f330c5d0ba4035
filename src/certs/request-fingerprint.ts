import { createHash } from 'node:crypto';
import type { CertificateConfig } from '../config/runtime-config.js';

/**
 * A digest of what is asked of Vault for a certificate: mount, role, mode, names (SAN lists sorted), the TTL as
 * sent, and in sign mode the key type and size. Renewal settings and reuse_key are left out on purpose: changing
 * when a certificate renews must not force a new one. In issue mode Vault's role picks the key, so the configured
 * key settings do not change the request either. The Vault it is asked of counts too: a certificate from another
 * Vault (a migrated cluster, a fresh `--dev` server) has another CA and must not be adopted.
 */
export function requestFingerprint(config: CertificateConfig, vaultAddress?: string): string {
  const canonical = {
    vault: vaultAddress ?? null,
    mount: config.mount,
    role: config.role,
    mode: config.mode,
    common_name: config.commonName,
    alt_names: [...config.altNames].sort(),
    ip_sans: [...config.ipSans].sort(),
    uri_sans: [...config.uriSans].sort(),
    ttl: ttlParameter(config.ttlMs) ?? null,
    key_type: config.mode === 'sign' ? config.keyType : null,
    key_bits: config.mode === 'sign' ? config.keyBits : null,
  };
  // Fixed key order above and arrays only of strings, so JSON.stringify is canonical here.
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** The TTL asked of Vault: whole seconds, rounded up so a certificate is never shorter than configured. */
export function ttlParameter(ttlMs: number | undefined): string | undefined {
  return ttlMs === undefined ? undefined : `${Math.max(1, Math.ceil(ttlMs / 1000))}s`;
}
