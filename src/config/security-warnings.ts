import { isIP } from 'node:net';
import type { RuntimeConfig } from './runtime-config.js';

/**
 * True for names that stay on this machine: localhost, 127.0.0.0/8 and ::1 (brackets allowed, as URLs spell
 * IPv6). Anything else, including 0.0.0.0 and ::, reaches the network.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * What the config allows that an operator should know about, said once at start: a plain-http Vault beyond this
 * machine (the token, secret_ids and private keys of `issue` mode cross the network in clear text). The listener
 * warns for itself when it binds beyond loopback.
 */
export function securityWarnings(config: Pick<RuntimeConfig, 'vault'>): string[] {
  const warnings: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.vault.address);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push(
      `vault.address ${url.protocol}//${url.host} is plain http to another host: the Vault token, login ` +
        'credentials and any key Vault generates (mode: issue) cross the network unencrypted; use https://',
    );
  }
  return warnings;
}
