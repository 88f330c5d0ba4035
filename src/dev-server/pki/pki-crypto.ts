// Key material for the dev PKI: key pairs of the sizes Vault allows, the PEM forms Vault returns them in, and the
// WebCrypto handles @peculiar/x509 signs with. Everything crosses between node:crypto and WebCrypto as DER.

import { createPublicKey, generateKeyPair, randomBytes, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Key types a PKI role or root can name; `any` is a role-only wildcard. */
export type PkiKeyType = 'rsa' | 'ec' | 'ed25519';

/** Node's names for the curves Vault's `key_bits` select. */
const EC_CURVES: Readonly<Record<number, string>> = {
  224: 'secp224r1',
  256: 'prime256v1',
  384: 'secp384r1',
  521: 'secp521r1',
};
const WEBCRYPTO_CURVES: Readonly<Record<number, string>> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' };
const EC_HASHES: Readonly<Record<number, string>> = { 256: 'SHA-256', 384: 'SHA-384', 521: 'SHA-512' };

/** A key pair as the dev PKI holds it. */
export interface KeyMaterial {
  readonly keyType: PkiKeyType;
  readonly keyBits: number;
  readonly privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo: what goes into a certificate. */
  readonly spki: Buffer;
}

/** A CA's key ready to sign certificates and CRLs with @peculiar/x509. */
export interface SigningKey {
  readonly key: webcrypto.CryptoKey;
  readonly algorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

/** The default size Vault resolves `key_bits: 0` to. */
export function defaultKeyBits(keyType: string): number {
  if (keyType === 'rsa') return 2048;
  if (keyType === 'ec') return 256;
  return 0;
}

/** Makes a key pair; the caller has validated type and size. */
export async function generateKeyMaterial(keyType: PkiKeyType, keyBits: number): Promise<KeyMaterial> {
  let pair: { privateKey: KeyObject };
  if (keyType === 'rsa') pair = await generateKeyPairAsync('rsa', { modulusLength: keyBits });
  else if (keyType === 'ec') pair = await generateKeyPairAsync('ec', { namedCurve: EC_CURVES[keyBits]! });
  else pair = await generateKeyPairAsync('ed25519', undefined);
  return fromPrivateKey(pair.privateKey, keyType, keyBits);
}

/** Wraps an existing private key. */
export function fromPrivateKey(privateKey: KeyObject, keyType: PkiKeyType, keyBits: number): KeyMaterial {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { keyType, keyBits, privateKey, spki };
}

/** Imports a CA key into WebCrypto for signing; EC uses the curve's own hash, RSA PKCS#1 v1.5 with SHA-256. */
export async function signingKeyOf(material: KeyMaterial): Promise<SigningKey> {
  const pkcs8 = material.privateKey.export({ type: 'pkcs8', format: 'der' });
  if (material.keyType === 'ec') {
    const namedCurve = WEBCRYPTO_CURVES[material.keyBits];
    if (!namedCurve) throw new Error(`the dev server cannot sign with EC P-${material.keyBits} CA keys`);
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, [
      'sign',
    ]);
    return { key, algorithm: { name: 'ECDSA', hash: EC_HASHES[material.keyBits]! } as webcrypto.EcdsaParams };
  }
  if (material.keyType === 'rsa') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
    return { key, algorithm: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  return { key, algorithm: { name: 'Ed25519' } };
}

/**
 * The private key PEM Vault returns: with `private_key_format` der (the default) PKCS#1 for RSA, SEC1 for EC and
 * PKCS#8 for Ed25519; with `pkcs8` always PKCS#8. Trimmed, like every PEM Vault sends.
 */
export function privateKeyPem(material: KeyMaterial, format: 'der' | 'pkcs8'): string {
  const type =
    format === 'pkcs8' || material.keyType === 'ed25519'
      ? 'pkcs8'
      : material.keyType === 'rsa'
        ? 'pkcs1'
        : 'sec1';
  return material.privateKey.export({ type, format: 'pem' }).toString().trim();
}

/** The same key as base64 DER, for `format: der`. */
export function privateKeyDer(material: KeyMaterial, format: 'der' | 'pkcs8'): string {
  const type =
    format === 'pkcs8' || material.keyType === 'ed25519'
      ? 'pkcs8'
      : material.keyType === 'rsa'
        ? 'pkcs1'
        : 'sec1';
  return material.privateKey.export({ type, format: 'der' }).toString('base64');
}

/** A random positive serial of up to 20 bytes (below 2^159, as Vault makes them), in hex. */
export function randomSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString('hex');
}

/** Key type and size of a public key (from a CSR), in Vault's vocabulary; undefined when unknown. */
export function describePublicKey(
  spki: ArrayBuffer | Buffer,
): { keyType: string; keyBits: number } | undefined {
  const key = createPublicKey({ key: Buffer.from(spki as ArrayBuffer), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { keyType: 'rsa', keyBits: details.modulusLength ?? 0 };
  if (key.asymmetricKeyType === 'ec') {
    const bits = Object.entries(EC_CURVES).find(([, curve]) => curve === details.namedCurve)?.[0];
    return { keyType: 'ec', keyBits: bits === undefined ? 0 : Number(bits) };
  }
  if (key.asymmetricKeyType === 'ed25519') return { keyType: 'ed25519', keyBits: 0 };
  return key.asymmetricKeyType === undefined ? undefined : { keyType: key.asymmetricKeyType, keyBits: 0 };
}
