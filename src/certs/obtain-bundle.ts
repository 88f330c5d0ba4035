import type { CertificateConfig, KeyType } from '../config/runtime-config.js';
import type { PkiIssued } from '../vault/pki-types.js';
import type { CertificateBundle } from './bundle.js';
import { buildBundle } from './build-bundle.js';
import { CertificateCheckError } from './cert-errors.js';
import { checkIssued } from './check-issued.js';
import { createCsr } from './csr.js';
import { describeKey, generatePrivateKey, keyMatches, readPrivateKey } from './keys.js';
import type { PkiIssuer } from './pki-issuer.js';
import { ttlParameter } from './request-fingerprint.js';

/** Everything one issuance needs. */
export interface ObtainInput {
  readonly config: CertificateConfig;
  readonly issuer: PkiIssuer;
  /** The clock's now(): the moment the answer arrives becomes the bundle's obtainedAt. */
  readonly now: () => number;
  readonly fingerprint: string;
  /** The current bundle's key, offered for reuse; used only when reuse_key is set and it still fits the config. */
  readonly currentKey: string | undefined;
  readonly signal: AbortSignal;
}

/** A checked bundle, and Vault's warnings about the request (e.g. a clamped TTL) for the log. */
export interface Obtained {
  readonly bundle: CertificateBundle;
  readonly warnings: readonly string[];
}

/** Asks Vault once (sign: key and CSR made here; issue: Vault makes the key), checks the answer, builds the bundle. */
export async function obtainBundle(input: ObtainInput): Promise<Obtained> {
  const { config } = input;
  return config.mode === 'sign' ? obtainBySigning(input) : obtainByIssuing(input);
}

async function obtainBySigning(input: ObtainInput): Promise<Obtained> {
  const { config } = input;
  const reuse =
    config.reuseKey &&
    input.currentKey !== undefined &&
    keyMatches(input.currentKey, config.keyType, config.keyBits);
  const privateKey =
    reuse && input.currentKey ? input.currentKey : await generatePrivateKey(config.keyType, config.keyBits);
  input.signal.throwIfAborted();
  const csr = await createCsr(privateKey, config);
  const issued = await input.issuer.sign({ ...requestOf(config), csr }, input.signal);
  return finish(input, issued, privateKey, config.keyType);
}

async function obtainByIssuing(input: ObtainInput): Promise<Obtained> {
  const issued = await input.issuer.issue(requestOf(input.config), input.signal);
  const privateKey = issued.privateKey?.trim();
  if (!privateKey) throw new CertificateCheckError('key', 'Vault returned no private key');
  let keyType: KeyType | undefined;
  try {
    keyType = describeKey(readPrivateKey(privateKey))?.keyType;
  } catch {
    throw new CertificateCheckError('key', 'the private key Vault returned does not parse');
  }
  if (!keyType)
    throw new CertificateCheckError('key', `unsupported key type ${issued.privateKeyType ?? 'unknown'}`);
  return finish(input, issued, privateKey, keyType);
}

function requestOf(config: CertificateConfig) {
  return {
    mount: config.mount,
    role: config.role,
    commonName: config.commonName,
    altNames: config.altNames,
    ipSans: config.ipSans,
    uriSans: config.uriSans,
    ttl: ttlParameter(config.ttlMs),
  };
}

function finish(input: ObtainInput, issued: PkiIssued, privateKey: string, keyType: KeyType): Obtained {
  const obtainedAt = input.now();
  const material = {
    certificate: issued.certificate,
    privateKey,
    issuingCa: issued.issuingCa,
    caChain: issued.caChain,
  };
  const leaf = checkIssued(material, input.config, obtainedAt);
  const bundle = buildBundle(
    {
      name: input.config.name,
      material,
      privateKeyType: keyType,
      obtainedAt,
      requestFingerprint: input.fingerprint,
    },
    leaf,
  );
  return { bundle, warnings: issued.warnings };
}
