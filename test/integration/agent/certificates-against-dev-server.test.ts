// The real certificate path against the in-process dev server: Vault client → PKI issuer → certificate source →
// state_dir, in both modes; then a restart that adopts the saved bundle without a PKI request.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVaultPkiIssuer } from '../../../src/agent/vault-pki-issuer.js';
import type { TokenProvider } from '../../../src/auth/token-provider.js';
import { CertificateSource } from '../../../src/certs/certificate-source.js';
import { StateStore } from '../../../src/certs/state-store.js';
import { keyMatches } from '../../../src/certs/keys.js';
import type { CertificateConfig, VaultConfig } from '../../../src/config/runtime-config.js';
import { systemClock } from '../../../src/lib/clock.js';
import { Latest } from '../../../src/lib/latest.js';
import { issueCertificate } from '../../../src/vault/pki-api.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import type { VaultClient } from '../../../src/vault/types.js';
import { useDevServer } from '../../helpers/dev-server.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

const server = useDevServer({}, 'all');
const logger = pino({ level: 'silent' });

const CERT: CertificateConfig = {
  name: 'web',
  mount: 'pki',
  role: 'dev',
  mode: 'sign',
  commonName: 'web.example.test',
  altNames: ['alt.example.test'],
  ipSans: ['127.0.0.1'],
  uriSans: [],
  ttlMs: 3_600_000,
  keyType: 'ec',
  keyBits: 256,
  renewThreshold: 0.67,
  renewBeforeMs: undefined,
  reuseKey: false,
};

let dir: string;
let vault: VaultClient;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-certs-'));
  const config: VaultConfig = testVaultConfig(server().address);
  vault = createVaultClient(config);
});
afterEach(async () => {
  await vault.close();
  await rm(dir, { recursive: true, force: true });
});

function source(config: CertificateConfig): CertificateSource {
  return new CertificateSource({
    config,
    issuer: createVaultPkiIssuer(vault, rootToken()),
    store: new StateStore(join(dir, 'state')),
    clock: systemClock,
    random: () => 0.5,
    backoff: { minMs: 1000, maxMs: 60_000 },
    logger,
  });
}

/** The dev server's root token, which never expires: all a certificate source needs from a provider. */
function rootToken(): TokenProvider {
  const token = new Latest<string>();
  token.set(server().rootToken);
  return {
    token,
    current: async () => server().rootToken,
    reportInvalid: () => undefined,
    markShutdown: () => undefined,
    run: async () => undefined,
  };
}

async function pkiCount(): Promise<number> {
  const reply = await fetch(`${server().address}/v1/sys/dev/requests?prefix=pki/`, {
    headers: { 'x-vault-token': server().rootToken },
  });
  return ((await reply.json()) as { data: { total: number } }).data.total;
}

describe('certificates against the dev server', () => {
  it('sign mode: a local EC key, a checked bundle saved to state_dir, adopted after a restart', async () => {
    const bundle = await source(CERT).ensure(AbortSignal.timeout(10_000));
    expect(bundle.commonName).toBe('web.example.test');
    expect(bundle.altNames).toEqual(expect.arrayContaining(['web.example.test', 'alt.example.test']));
    expect(bundle.ipSans).toEqual(['127.0.0.1']);
    expect(keyMatches(bundle.privateKey, 'ec', 256)).toBe(true);
    expect(bundle.caChain).toHaveLength(1);
    // Vault back-dates notBefore by 30 s; the lifetime is measured from when it arrived.
    expect(bundle.obtainedAt - bundle.notBefore).toBeGreaterThanOrEqual(29_000);

    const before = await pkiCount();
    const restarted = await source(CERT).ensure(AbortSignal.timeout(10_000));
    expect(restarted.serialNumber).toBe(bundle.serialNumber);
    expect(await pkiCount()).toBe(before);
  });

  it('issue mode: Vault makes the key; a changed request is not adopted', async () => {
    const issued = await source({ ...CERT, name: 'issued', mode: 'issue' }).ensure(
      AbortSignal.timeout(10_000),
    );
    expect(issued.privateKey).toMatch(/PRIVATE KEY/);
    const changed = await source({ ...CERT, name: 'issued', mode: 'issue', altNames: [] }).ensure(
      AbortSignal.timeout(10_000),
    );
    expect(changed.serialNumber).not.toBe(issued.serialNumber);
  });

  it('a bad token is a 403 VaultHttpError naming the path, never the token', async () => {
    const error = await issueCertificate(vault, 'hvs.notARealToken', {
      mount: 'pki',
      role: 'dev',
      commonName: 'x.example.test',
      altNames: [],
      ipSans: [],
      uriSans: [],
      ttl: '1h',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultHttpError);
    expect((error as VaultHttpError).status).toBe(403);
    expect((error as Error).message).toContain('pki/issue/dev');
    expect((error as Error).message).not.toContain('hvs.notARealToken');
  });
});
