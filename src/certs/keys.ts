import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyType } from '../config/runtime-config.js';
import { KeyGenerationError } from './cert-errors.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const EC_CURVES: Readonly<Record<number, string>> = { 256: 'P-256', 384: 'P-384' };
const RSA_SIZES: readonly number[] = [2048, 3072, 4096];

// OpenSSL reports curves by their own names; these are the ones EC_CURVES maps to.
const OPENSSL_CURVES: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384 };

/** The WebCrypto algorithms a key of this type and size is imported and signs with. */
export interface SigningAlgorithms {
  readonly importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm;
  readonly signParams: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

/**
 * Makes a new private key (EC P-256/P-384, RSA 2048/3072/4096 or Ed25519) and returns it as trimmed PKCS#8 PEM.
 * Async because RSA 4096 takes long enough to stall the event loop.
 */
export async function generatePrivateKey(keyType: KeyType, keyBits: number): Promise<string> {
  return generatePem(keyType, keyBits);
}

async function generatePem(keyType: KeyType, keyBits: number): Promise<string> {
  let pair: Promise<{ privateKey: KeyObject }>;
  if (keyType === 'ec') pair = generateKeyPairAsync('ec', { namedCurve: curveFor(keyBits) });
  else if (keyType === 'rsa') pair = generateKeyPairAsync('rsa', { modulusLength: rsaSize(keyBits) });
  else if (keyType === 'ed25519') pair = generateKeyPairAsync('ed25519', undefined);
  else throw new KeyGenerationError(`unsupported key type ${String(keyType)}`);
  try {
    const { privateKey } = await pair;
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
    rememberKey(pem, privateKey);
    return pem;
  } catch (error) {
    throw new KeyGenerationError(`could not generate a ${keyType} key`, { cause: error });
  }
}

function curveFor(keyBits: number): string {
  const curve = EC_CURVES[keyBits];
  if (!curve) throw new KeyGenerationError(`unsupported ec key size ${keyBits} (256 or 384)`);
  return curve;
}

function rsaSize(keyBits: number): number {
  if (!RSA_SIZES.includes(keyBits)) throw new KeyGenerationError(`unsupported rsa key size ${keyBits}`);
  return keyBits;
}

// A key is made here, then signs the CSR, is checked against the certificate and judged for adoption: the
// KeyObject made or read first serves them all instead of a PEM parse each time. An agent starting from cold makes
// every certificate's key before the first answer arrives, so the cache may hold about one key per certificate
// (a KeyObject is well under a kilobyte), at most 1,024. Those uses all fall within minutes of a key's making, so
// keys older than 10 minutes are dropped whenever another is remembered: a superseded private key is not kept in
// memory for the life of the process, only until the next key is made or read. (No timer: nothing wakes an idle
// agent for this.)
const RECENT_KEYS_LIMIT = 1024;
const RECENT_KEYS_MAX_AGE_MS = 10 * 60_000;
const recentKeys = new Map<string, { key: KeyObject; at: number }>();

function rememberKey(pem: string, key: KeyObject): void {
  const now = performance.now();
  // Oldest first (insertion order): stop at the first one young enough to keep.
  for (const [known, entry] of recentKeys) {
    if (recentKeys.size < RECENT_KEYS_LIMIT && now - entry.at < RECENT_KEYS_MAX_AGE_MS) break;
    recentKeys.delete(known);
  }
  recentKeys.set(pem, { key, at: now });
}

/** Reads a private key in any PEM form Vault or we produce (PKCS#8, PKCS#1 RSA, SEC1 EC). */
export function readPrivateKey(pem: string): KeyObject {
  const known = recentKeys.get(pem);
  if (known) return known.key;
  const key = createPrivateKey({ key: pem, format: 'pem' });
  rememberKey(pem, key);
  return key;
}

/** The DER SubjectPublicKeyInfo of a private key's public half, for comparing with a certificate's. */
export function publicKeySpki(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

/** The key type and size of a private key, as the config spells them; undefined for anything else. */
export function describeKey(key: KeyObject): { keyType: KeyType; keyBits: number } | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return details.modulusLength === undefined
        ? undefined
        : { keyType: 'rsa', keyBits: details.modulusLength };
    case 'ec': {
      const bits = OPENSSL_CURVES[details.namedCurve ?? ''];
      return bits === undefined ? undefined : { keyType: 'ec', keyBits: bits };
    }
    case 'ed25519':
      return { keyType: 'ed25519', keyBits: 0 };
    default:
      return undefined;
  }
}

/** True when the PEM key is of exactly this type and size (so it may be reused for a new CSR). */
export function keyMatches(pem: string, keyType: KeyType, keyBits: number): boolean {
  try {
    const found = describeKey(readPrivateKey(pem));
    return found?.keyType === keyType && (keyType === 'ed25519' || found.keyBits === keyBits);
  } catch {
    return false;
  }
}

/** The WebCrypto parameters to import and sign with a key: ECDSA with the curve's hash, RSA PKCS#1 v1.5 SHA-256. */
export function signingAlgorithms(key: KeyObject): SigningAlgorithms {
  const found = describeKey(key);
  if (found?.keyType === 'ec') {
    const hash = found.keyBits === 384 ? 'SHA-384' : 'SHA-256';
    return {
      importParams: { name: 'ECDSA', namedCurve: `P-${found.keyBits}` },
      signParams: { name: 'ECDSA', hash },
    };
  }
  if (found?.keyType === 'rsa') {
    return {
      importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      signParams: { name: 'RSASSA-PKCS1-v1_5' },
    };
  }
  if (found?.keyType === 'ed25519')
    return { importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } };
  throw new KeyGenerationError(`unsupported private key type ${key.asymmetricKeyType ?? 'unknown'}`);
}
