import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyGenerationError } from '../../../src/certs/cert-errors.js';
import { createCsr } from '../../../src/certs/csr.js';
import { describeKey, generatePrivateKey, keyMatches, readPrivateKey } from '../../../src/certs/keys.js';
import type { KeyType } from '../../../src/config/runtime-config.js';
import { readCsr } from '../../helpers/test-ca.js';

const ECDSA_256 = { name: 'ECDSA', hash: { name: 'SHA-256' } };
const RSA_256 = { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } };
const KINDS: readonly { keyType: KeyType; keyBits: number; detail: object; signature: object }[] = [
  { keyType: 'ec', keyBits: 256, detail: { namedCurve: 'prime256v1' }, signature: ECDSA_256 },
  {
    keyType: 'ec',
    keyBits: 384,
    detail: { namedCurve: 'secp384r1' },
    signature: { ...ECDSA_256, hash: { name: 'SHA-384' } },
  },
  { keyType: 'rsa', keyBits: 2048, detail: { modulusLength: 2048 }, signature: RSA_256 },
  { keyType: 'rsa', keyBits: 3072, detail: { modulusLength: 3072 }, signature: RSA_256 },
  { keyType: 'rsa', keyBits: 4096, detail: { modulusLength: 4096 }, signature: RSA_256 },
  { keyType: 'ed25519', keyBits: 0, detail: {}, signature: { name: 'Ed25519' } },
];

const NAMES = {
  commonName: 'api.example.com',
  altNames: ['api-v2.example.com', 'ops@example.com'],
  ipSans: ['10.0.0.10', '2001:db8::1'],
  uriSans: ['spiffe://example.com/web'],
};

describe('generatePrivateKey', () => {
  it.each(KINDS)('makes a trimmed PKCS#8 $keyType $keyBits key', async ({ keyType, keyBits, detail }) => {
    const pem = await generatePrivateKey(keyType, keyBits);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(pem.endsWith('-----END PRIVATE KEY-----')).toBe(true);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe(keyType);
    expect(key.asymmetricKeyDetails).toMatchObject(detail);
    expect(describeKey(key)).toEqual({ keyType, keyBits });
    expect(keyMatches(pem, keyType, keyBits)).toBe(true);
  });

  it('makes a different key every time', async () => {
    expect(await generatePrivateKey('ec', 256)).not.toBe(await generatePrivateKey('ec', 256));
  });

  it.each([
    ['ec', 521],
    ['rsa', 1024],
    ['rsa', 2049],
  ] as const)('refuses %s %d', async (keyType, keyBits) => {
    await expect(generatePrivateKey(keyType, keyBits)).rejects.toMatchObject({
      code: 'KEY_GENERATION_FAILED',
      constructor: KeyGenerationError,
    });
  });

  it('keyMatches tells a key of another type or size, and junk, apart', async () => {
    const ec = await generatePrivateKey('ec', 256);
    expect(keyMatches(ec, 'ec', 384)).toBe(false);
    expect(keyMatches(ec, 'rsa', 2048)).toBe(false);
    expect(keyMatches('not a key', 'ec', 256)).toBe(false);
  });

  it('reads the PKCS#1 and SEC1 forms Vault sends', async () => {
    const rsa = createPrivateKey(await generatePrivateKey('rsa', 2048));
    const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(describeKey(readPrivateKey(pkcs1))).toEqual({ keyType: 'rsa', keyBits: 2048 });
    const ec = createPrivateKey(await generatePrivateKey('ec', 384));
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(describeKey(readPrivateKey(sec1))).toEqual({ keyType: 'ec', keyBits: 384 });
  });
});

describe('createCsr', () => {
  it.each(KINDS)('signs a CSR with a $keyType $keyBits key', async ({ keyType, keyBits, signature }) => {
    const key = await generatePrivateKey(keyType, keyBits);
    const csrPem = await createCsr(key, NAMES);
    expect(csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----')).toBe(true);
    expect(csrPem.endsWith('-----END CERTIFICATE REQUEST-----')).toBe(true);
    const csr = await readCsr(csrPem);
    expect(csr.signatureValid).toBe(true);
    expect(csr.commonName).toBe('api.example.com');
    expect(csr.sans).toEqual([
      { type: 'dns', value: 'api-v2.example.com' },
      { type: 'email', value: 'ops@example.com' },
      { type: 'ip', value: '10.0.0.10' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'url', value: 'spiffe://example.com/web' },
    ]);
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    expect(csr.publicKeySpki.equals(spki)).toBe(true);
    expect(csr.signatureAlgorithm).toEqual(signature);
  });

  it('keeps a comma in the common name inside one CN attribute', async () => {
    const csr = await readCsr(
      await createCsr(await generatePrivateKey('ec', 256), { ...NAMES, commonName: 'a, CN=b' }),
    );
    expect(csr.commonName).toBe('a, CN=b');
  });

  it('leaves the SAN extension out when there are no SANs', async () => {
    const names = { commonName: 'only-cn.example.com', altNames: [], ipSans: [], uriSans: [] };
    const csr = await readCsr(await createCsr(await generatePrivateKey('ec', 256), names));
    expect(csr.sans).toEqual([]);
    expect(csr.commonName).toBe('only-cn.example.com');
  });

  it('signs with a key in PKCS#1 or SEC1 form too (a reused Vault key)', async () => {
    const sec1 = createPrivateKey(await generatePrivateKey('ec', 256)).export({
      type: 'sec1',
      format: 'pem',
    });
    const csr = await readCsr(await createCsr(sec1.toString(), NAMES));
    expect(csr.signatureValid).toBe(true);
  });
});
