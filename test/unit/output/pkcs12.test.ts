import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPkcs12, Pkcs12Error } from '../../../src/output/pkcs12.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-p12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'correct horse battery';
const hasKeytool = spawnSync('keytool', ['-help'], { stdio: 'ignore' }).error === undefined;

async function keystore(
  encryption: 'modern' | 'legacy',
): Promise<{ path: string; leaf: string; key: string }> {
  const bundle = await makeBundle();
  const path = join(dir, `${encryption}.p12`);
  writeFileSync(
    path,
    buildPkcs12({
      privateKeyPem: bundle.privateKey,
      certificatePem: bundle.certificate,
      chainPems: bundle.caChain,
      password: PASSWORD,
      friendlyName: 'web-tls',
      encryption,
    }),
  );
  return { path, leaf: bundle.certificate, key: bundle.privateKey };
}

// The password travels in the environment, never on a command line (`ps` would show it).
const env = { ...process.env, P12_PASS: PASSWORD };
const openssl = (...args: string[]): string =>
  execFileSync('openssl', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('buildPkcs12 read by openssl', () => {
  it.each(['modern', 'legacy'] as const)(
    '%s: the MAC verifies and the algorithms are the documented ones',
    async (encryption) => {
      const { path } = await keystore(encryption);
      const result = spawnSync(
        'openssl',
        ['pkcs12', '-info', '-noout', '-in', path, '-passin', 'env:P12_PASS'],
        {
          env,
          encoding: 'utf8',
        },
      );
      const report = `${result.stdout}${result.stderr}`;
      expect(result.status).toBe(0);
      if (encryption === 'modern') {
        expect(report).toMatch(/MAC: sha256, Iteration 10000/);
        expect(report).toMatch(
          /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/,
        );
        expect(report).toMatch(
          /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/,
        );
      } else {
        expect(report).toMatch(/MAC: sha1, Iteration 10000/);
        expect(report).toMatch(/PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 10000/);
        expect(report).toMatch(/Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 10000/);
      }
    },
  );

  it.each(['modern', 'legacy'] as const)(
    '%s: openssl gets back the same key, leaf, chain and friendly name',
    async (encryption) => {
      const { path, leaf, key } = await keystore(encryption);
      const certs = openssl('pkcs12', '-in', path, '-passin', 'env:P12_PASS', '-nokeys');
      const blocks = certs.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      expect(blocks.length).toBeGreaterThanOrEqual(2);
      expect(new X509Certificate(blocks[0]!).fingerprint256).toBe(new X509Certificate(leaf).fingerprint256);
      expect(certs).toMatch(/friendlyName: web-tls/);
      const keys = openssl('pkcs12', '-in', path, '-passin', 'env:P12_PASS', '-nocerts', '-nodes');
      const pem = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(keys)?.[0] ?? '';
      const exported = (k: string) =>
        createPublicKey(createPrivateKey(k)).export({ format: 'der', type: 'spki' });
      expect(exported(pem).equals(exported(key))).toBe(true);
      expect(keys).toMatch(/friendlyName: web-tls/);
    },
  );

  it('is deterministic for the same inputs (so an unchanged keystore is not rewritten) and differs otherwise', async () => {
    const bundle = await makeBundle();
    const input = {
      privateKeyPem: bundle.privateKey,
      certificatePem: bundle.certificate,
      chainPems: bundle.caChain,
      password: PASSWORD,
      friendlyName: 'web',
    };
    expect(buildPkcs12(input).equals(buildPkcs12(input))).toBe(true);
    expect(buildPkcs12(input).equals(buildPkcs12({ ...input, password: `${PASSWORD}!` }))).toBe(false);
    expect(buildPkcs12(input).equals(buildPkcs12({ ...input, friendlyName: 'api' }))).toBe(false);
  });

  it('a wrong password fails the MAC check', async () => {
    const { path } = await keystore('modern');
    const result = spawnSync(
      'openssl',
      ['pkcs12', '-info', '-noout', '-in', path, '-passin', 'pass:wrong-password'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/mac verify (failure|error)/i);
  });

  it('refuses an empty password and an unreadable key without quoting the key', async () => {
    const bundle = await makeBundle();
    const base = {
      privateKeyPem: bundle.privateKey,
      certificatePem: bundle.certificate,
      chainPems: bundle.caChain,
      friendlyName: 'web',
    };
    expect(() => buildPkcs12({ ...base, password: '' })).toThrow(Pkcs12Error);
    const broken = bundle.privateKey.replace(/[A-Za-z]{12}/, 'AAAAAAAAAAAA');
    const error = (() => {
      try {
        buildPkcs12({ ...base, password: PASSWORD, privateKeyPem: broken });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(Pkcs12Error);
    expect(error?.message).not.toContain(broken.split('\n')[1]!);
  });
});

describe.skipIf(!hasKeytool)('buildPkcs12 read by keytool', () => {
  it.each(['modern', 'legacy'] as const)(
    '%s: one PrivateKeyEntry under the alias, with the whole chain',
    async (encryption) => {
      const { path, leaf } = await keystore(encryption);
      const listing = execFileSync(
        'keytool',
        ['-list', '-v', '-storetype', 'PKCS12', '-keystore', path, '-storepass:env', 'P12_PASS'],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(listing).toMatch(/Your keystore contains 1 entry/);
      expect(listing).toMatch(/Alias name: web-tls/);
      expect(listing).toMatch(/Entry type: PrivateKeyEntry/);
      expect(listing).toMatch(/Certificate chain length: 2/);
      const sha256 = new X509Certificate(leaf).fingerprint256;
      expect(listing).toContain(`SHA256: ${sha256}`);
    },
  );
});

if (!hasKeytool) console.warn('keytool not found: the keytool checks of the PKCS#12 keystore are skipped');
