// The keystore cache: a repeated pass with unchanged inputs must not run a key derivation (the cost the cache is
// for), must give the very bytes buildPkcs12 gives, and any changed input must give new bytes.

import type * as Crypto from 'node:crypto';
import type * as Kdf from '../../../src/output/pkcs12-kdf.js';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { TemplateConfig } from '../../../src/config/runtime-config.js';
import { KeystoreCache } from '../../../src/output/keystore-cache.js';
import type { Pkcs12Encryption } from '../../../src/output/pkcs12-encryption.js';
import { pkcs12Kdf } from '../../../src/output/pkcs12-kdf.js';
import { buildPkcs12 } from '../../../src/output/pkcs12.js';
import type { OutputContent } from '../../../src/output/render-output.js';
import { renderOutput } from '../../../src/output/render-output.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { templateConfig } from '../../helpers/template-config.js';

// Both derivations counted where pkcs12-encryption calls them: PBKDF2 (modern encryption) and the PKCS#12 KDF
// (legacy encryption, and the MAC key of both).
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof Crypto>();
  const pbkdf2Sync = vi.fn(crypto.pbkdf2Sync);
  return { ...crypto, pbkdf2Sync, default: { ...crypto, pbkdf2Sync } };
});
vi.mock('../../../src/output/pkcs12-kdf.js', async (importOriginal) => {
  const kdf = await importOriginal<typeof Kdf>();
  return { ...kdf, pkcs12Kdf: vi.fn(kdf.pkcs12Kdf) };
});
const derivations = (): number =>
  vi.mocked(pkcs12Kdf).mock.calls.length + vi.mocked(pbkdf2Sync).mock.calls.length;

const engine = new TemplateEngine();
const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => vi.clearAllMocks());

const keystore = (encryption: Pkcs12Encryption): OutputContent => ({
  kind: 'pkcs12',
  pkcs12: { password: { kind: 'env', name: 'P12_PASS' }, alias: 'web-tls', encryption },
});
const render = (
  content: OutputContent,
  bundle: CertificateBundle,
  keystores: KeystoreCache,
  password = 'first password',
): Promise<Buffer> =>
  renderOutput(content, {
    engine,
    bundle,
    secrets: new Map(),
    destination: '/out/keystore.p12',
    env: { P12_PASS: password },
    keystores,
  });

describe('KeystoreCache', () => {
  it.each(['modern', 'legacy'] as const)(
    '%s: a repeated render with unchanged inputs runs no KDF and gives the bytes buildPkcs12 gives',
    async (encryption) => {
      const bundle = await makeBundle();
      const keystores = new KeystoreCache();
      const first = await render(keystore(encryption), bundle, keystores);
      expect(derivations()).toBeGreaterThan(0);

      vi.clearAllMocks();
      const again = await render(keystore(encryption), bundle, keystores);
      expect(derivations()).toBe(0);
      expect(again.equals(first)).toBe(true);

      const uncached = buildPkcs12({
        privateKeyPem: bundle.privateKey,
        certificatePem: bundle.certificate,
        chainPems: bundle.caChain,
        password: 'first password',
        friendlyName: 'web-tls',
        encryption,
      });
      expect(again.equals(uncached)).toBe(true);
    },
  );

  it('a new certificate, a new password or another encryption builds new bytes, and only the newest is kept', async () => {
    const bundle = await makeBundle();
    const keystores = new KeystoreCache();
    const first = await render(keystore('modern'), bundle, keystores);

    vi.clearAllMocks();
    const renewed = await render(keystore('modern'), await makeBundle(), keystores);
    expect(derivations()).toBeGreaterThan(0);
    expect(renewed.equals(first)).toBe(false);

    vi.clearAllMocks();
    const rotated = await render(keystore('modern'), bundle, keystores, 'second password');
    expect(derivations()).toBeGreaterThan(0);
    expect(rotated.equals(first)).toBe(false);

    vi.clearAllMocks();
    const legacy = await render(keystore('legacy'), bundle, keystores, 'second password');
    expect(derivations()).toBeGreaterThan(0);
    expect(legacy.equals(rotated)).toBe(false);
    expect(keystores.size).toBe(1);

    // Going back to the first inputs builds again: the superseded keystore was not kept.
    vi.clearAllMocks();
    expect((await render(keystore('modern'), bundle, keystores)).equals(first)).toBe(true);
    expect(derivations()).toBeGreaterThan(0);
  });

  it('a caller changing the returned bytes does not change what the next render returns', async () => {
    const bundle = await makeBundle();
    const keystores = new KeystoreCache();
    const first = await render(keystore('modern'), bundle, keystores);
    const copy = Buffer.from(first);
    first.fill(0);
    expect((await render(keystore('modern'), bundle, keystores)).equals(copy)).toBe(true);
  });
});

describe('render passes with a KeystoreCache', () => {
  it('a repeated pass over an unchanged keystore runs no KDF; a pass without it forgets it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certagent-keystore-cache-'));
    dirs.push(dir);
    const template = templateConfig({
      source: { kind: 'builtin', name: 'keystore.p12' },
      pkcs12: { password: { kind: 'env', name: 'P12_PASS' }, alias: undefined, encryption: 'legacy' },
      destination: join(dir, 'keystore.p12'),
    });
    const keystores = new KeystoreCache();
    const bundles = new Map([['web', await makeBundle()]]);
    const pass = (templates: TemplateConfig[]) =>
      runRenderPass({
        templates,
        bundles,
        engine,
        env: { P12_PASS: 'pass word' },
        keystores,
        logger,
        signal: new AbortController().signal,
      });

    expect((await pass([template])).templates[0]?.result).toBe('written');
    vi.clearAllMocks();
    expect((await pass([template])).templates[0]?.result).toBe('unchanged');
    expect(derivations()).toBe(0);

    // The template was removed (a reload): its keystore is not kept past the pass.
    await pass([]);
    expect(keystores.size).toBe(0);
  });
});
