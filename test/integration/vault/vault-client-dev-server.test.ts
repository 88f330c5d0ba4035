// The Vault client and the PKI calls against the real in-process dev server over HTTPS (its throwaway CA given as
// vault.ca_cert): sign a CSR made here, issue, token lookup-self/renew-self, LIST, raw ca/pem, and a 403.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIssued } from '../../../src/certs/check-issued.js';
import { createCsr } from '../../../src/certs/csr.js';
import { generatePrivateKey } from '../../../src/certs/keys.js';
import { issueCertificate, signCertificate } from '../../../src/vault/pki-api.js';
import type { VaultClient, VaultRequestEvent } from '../../../src/vault/types.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { isRetryable, VaultHttpError } from '../../../src/vault/vault-errors.js';
import { useDevServer } from '../../helpers/dev-server.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

const server = useDevServer({ tls: true }, 'all');
const NAMES = {
  commonName: 'web.example.test',
  altNames: ['web.example.test', 'alt.example.test'],
  ipSans: ['127.0.0.1'],
  uriSans: [],
};

let dir: string;
let vault: VaultClient;
const events: VaultRequestEvent[] = [];
const warnings: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certagent-vault-int-'));
  const caCert = join(dir, 'vault-ca.pem');
  writeFileSync(caCert, server().caPem ?? '');
  const config = testVaultConfig(server().address, { caCert, maxConcurrentRequests: 2 });
  vault = createVaultClient(config, {
    onRequest: (event) => events.push(event),
    onWarning: (message) => warnings.push(message),
  });
});

afterAll(async () => {
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Vault client against the dev server', () => {
  it('signs a CSR made here: the certificate carries our key and names and chains to the CA', async () => {
    const key = await generatePrivateKey('ec', 256);
    const csr = await createCsr(key, NAMES);
    const issued = await signCertificate(vault, server().rootToken, {
      mount: 'pki',
      role: 'dev',
      csr,
      ...NAMES,
      ttl: '10m',
    });
    expect(issued.privateKey).toBeUndefined();
    const leaf = checkIssued({ ...issued, privateKey: key }, NAMES, Date.now());
    expect(leaf.serialNumber).toBe(issued.serialNumber);
    expect(Math.floor(leaf.notAfter / 1000)).toBe(issued.expiration);
    expect(issued.expiration - Date.now() / 1000).toBeGreaterThan(9 * 60);
    expect(issued.expiration - Date.now() / 1000).toBeLessThanOrEqual(10 * 60 + 5);
    expect(issued.caChain).toEqual([issued.issuingCa]);
    expect(events.at(-1)).toMatchObject({ operation: 'pki.sign', method: 'POST', status: '200' });
  });

  it('issues: Vault makes the key, PKCS#8, matching the certificate', async () => {
    const issued = await issueCertificate(vault, server().rootToken, {
      mount: 'pki',
      role: 'dev',
      ...NAMES,
      ttl: '5m',
    });
    expect(issued.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(issued.privateKeyType).toBeTruthy();
    checkIssued({ ...issued, privateKey: issued.privateKey ?? '' }, NAMES, Date.now());
  });

  it('serves the raw CA PEM and lists roles with LIST', async () => {
    const pem = await vault.requestText({ method: 'GET', path: 'pki/ca/pem', operation: 'pki.ca_pem' });
    const issued = await issueCertificate(vault, server().rootToken, {
      mount: 'pki',
      role: 'dev',
      ...NAMES,
      ttl: '1m',
    });
    expect(pem.trim()).toBe(issued.issuingCa);
    const roles = await vault.request<{ keys: string[] }>({
      method: 'LIST',
      path: 'pki/roles',
      token: server().rootToken,
      operation: 'pki.list_roles',
    });
    expect(roles?.data?.keys).toContain('dev');
  });

  it('looks up and renews a created token with the token itself', async () => {
    const created = await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      token: server().rootToken,
      body: { ttl: '10m', policies: ['default'] },
      operation: 'token.create',
    });
    const token = created?.auth?.client_token ?? '';
    expect(token).not.toBe('');
    const looked = await vault.request<{ ttl: number; renewable: boolean }>({
      method: 'GET',
      path: 'auth/token/lookup-self',
      token,
      operation: 'token.lookup_self',
    });
    expect(looked?.data?.renewable).toBe(true);
    expect(looked?.data?.ttl).toBeGreaterThan(500);
    const renewed = await vault.request({
      method: 'POST',
      path: 'auth/token/renew-self',
      token,
      body: { increment: '20m' },
      operation: 'token.renew_self',
    });
    expect(renewed?.auth?.lease_duration).toBeGreaterThan(600);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('turns a bad token into a 403 VaultHttpError that names neither the token nor a retry', async () => {
    const bogus = 'hvs.ThisTokenDoesNotExistAnywhere1234';
    const error = await vault
      .request({
        method: 'GET',
        path: 'auth/token/lookup-self',
        token: bogus,
        operation: 'token.lookup_self',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultHttpError);
    expect(error).toMatchObject({ status: 403, isPermissionDenied: true });
    expect((error as VaultHttpError).errors.join(' ')).toMatch(/permission denied/);
    expect(isRetryable(error)).toBe(false);
    expect(`${(error as Error).message}\n${(error as Error).stack}`).not.toContain(bogus);
    expect(events.at(-1)).toMatchObject({ operation: 'token.lookup_self', status: '403' });
  });

  it('signs many certificates at once through the bounded pool (max 2), each reaching Vault once', async () => {
    const key = await generatePrivateKey('ec', 256);
    const csr = await createCsr(key, NAMES);
    const before = server().requests.countMatching('pki/sign/');
    const all = await Promise.all(
      Array.from({ length: 8 }, () =>
        signCertificate(vault, server().rootToken, { mount: 'pki', role: 'dev', csr, ...NAMES, ttl: '1m' }),
      ),
    );
    expect(new Set(all.map((issued) => issued.serialNumber)).size).toBe(8);
    expect(server().requests.countMatching('pki/sign/') - before).toBe(8);
  });
});
