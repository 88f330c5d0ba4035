import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { ContentInfo } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  PFX,
  PKCS12Attribute,
  PKCS8ShroudedKeyBag,
  SafeBag,
  SafeContents,
  id_x509Certificate,
} from '@peculiar/asn1-pfx';
import { FriendlyName, id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId } from '@peculiar/asn1-pkcs9';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { AgentError } from '../lib/errors.js';
import type { Pkcs12Encryption, SaltSource } from './pkcs12-encryption.js';
import { OID, encryptWithPassword, encryptedData, macData } from './pkcs12-encryption.js';

const BAG = { shroudedKey: '1.2.840.113549.1.12.10.1.2', cert: '1.2.840.113549.1.12.10.1.3' } as const;

/** The keystore could not be built (an unusable key or certificate, an empty password). Never carries the password. */
export class Pkcs12Error extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('PKCS12', message, options);
  }
}

/** What goes into a keystore: one private key entry with its certificate chain. */
export interface Pkcs12Input {
  /** PEM, any type node:crypto reads (PKCS#8, SEC1, PKCS#1). A secret. */
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  /** Issuers, leaf-first order (as Vault's ca_chain); the self-signed root may be included. */
  readonly chainPems: readonly string[];
  /** The store password and the key password (one password, as Java and .NET expect). A secret. */
  readonly password: string;
  /** The alias Java's keytool lists and `KeyStore.getKey(alias, …)` takes. */
  readonly friendlyName: string;
  readonly encryption?: Pkcs12Encryption;
  /** Salts and IVs; by default derived from the inputs (see below). Tests pass random bytes. */
  readonly saltSource?: SaltSource;
}

/**
 * A PKCS#12 keystore (RFC 7292) holding the key (PKCS8ShroudedKeyBag), the leaf and the chain (one encrypted
 * SafeContents of CertBags), the leaf and key tied by localKeyId and named by friendlyName, with a password MAC,
 * laid out as OpenSSL 3 and Java's keytool write theirs, so both read it.
 *
 * The salts and IVs are derived (HMAC-SHA-256) from a digest of everything in the keystore, the private key and
 * password included: unique per keystore and unpredictable without the key, yet the same inputs give the same
 * bytes, so the render pass's "write only what changed" works for keystores as for PEM files and an unchanged
 * certificate never rewrites (and reloads) a Java service.
 */
export function buildPkcs12(input: Pkcs12Input): Buffer {
  return preparePkcs12(input).build();
}

/** A keystore's inputs read and checked, not yet encrypted (the KDFs, the costly part, run in `build`). */
export interface PreparedPkcs12 {
  /**
   * The digest of every input the salts and IVs derive from: equal digests, equal bytes from `build`, so a caller
   * may keep the bytes by it (see KeystoreCache). Undefined when the input brings its own salt source.
   */
  readonly digest: Buffer | undefined;
  build(): Buffer;
}

/** buildPkcs12's first half: every input error (empty password, unreadable key or certificate) is thrown here. */
export function preparePkcs12(input: Pkcs12Input): PreparedPkcs12 {
  const encryption = input.encryption ?? 'modern';
  if (input.password === '') throw new Pkcs12Error('the keystore password is empty');
  const leaf = pemToDer(input.certificatePem, 'CERTIFICATE', 'the certificate');
  const chain = input.chainPems.map((pem, index) =>
    pemToDer(pem, 'CERTIFICATE', `chain certificate ${index + 1}`),
  );
  let pkcs8: Buffer;
  try {
    pkcs8 = createPrivateKey(input.privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  } catch (error) {
    // No cause: node's message does not quote the key, but nothing is gained by carrying it along.
    throw new Pkcs12Error(
      `the private key cannot be read (${(error as { code?: string }).code ?? 'invalid'})`,
    );
  }
  const parsed = { input, encryption, pkcs8, leaf, chain };
  const own = input.saltSource;
  if (own) return { digest: undefined, build: () => assemble(parsed, own) };
  const digest = inputDigest([pkcs8, leaf, ...chain], input, encryption);
  return { digest, build: () => assemble(parsed, derivedSalts(digest)) };
}

interface ParsedInput {
  readonly input: Pkcs12Input;
  readonly encryption: Pkcs12Encryption;
  readonly pkcs8: Buffer;
  readonly leaf: Buffer;
  readonly chain: readonly Buffer[];
}

function assemble({ input, encryption, pkcs8, leaf, chain }: ParsedInput, bytes: SaltSource): Buffer {
  // The leaf's SHA-1 fingerprint ties it to its key, as OpenSSL and Java set localKeyId.
  const localKeyId = createHash('sha1').update(leaf).digest();
  // PKCS12Attribute's constructor drops its parameters (@peculiar/asn1-pfx 2.x calls `Object.assign(params)`
  // without `this`), so the fields are assigned after construction.
  const attribute = (attrId: string, value: unknown): PKCS12Attribute =>
    Object.assign(new PKCS12Attribute(), { attrId, attrValues: [AsnSerializer.serialize(value)] });
  const attributes = [
    attribute(id_pkcs9_at_friendlyName, new FriendlyName(input.friendlyName)),
    attribute(id_pkcs9_at_localKeyId, new OctetString(toArrayBuffer(localKeyId))),
  ];

  const certBag = (der: Buffer, withAttributes: boolean): SafeBag =>
    new SafeBag({
      bagId: BAG.cert,
      bagValue: AsnSerializer.serialize(
        new CertBag({
          certId: id_x509Certificate,
          certValue: AsnSerializer.serialize(new OctetString(toArrayBuffer(der))),
        }),
      ),
      ...(withAttributes ? { bagAttributes: attributes } : {}),
    });
  const certificates = new SafeContents([certBag(leaf, true), ...chain.map((der) => certBag(der, false))]);

  const { algorithm, ciphertext } = encryptWithPassword(encryption, input.password, pkcs8, bytes, 'key');
  const keyBag = new SafeBag({
    bagId: BAG.shroudedKey,
    bagValue: AsnSerializer.serialize(
      new PKCS8ShroudedKeyBag({
        encryptionAlgorithm: algorithm,
        encryptedData: new OctetString(toArrayBuffer(ciphertext)),
      }),
    ),
    bagAttributes: attributes,
  });
  const keys = new SafeContents([keyBag]);

  const safe = new AuthenticatedSafe([
    new ContentInfo({
      contentType: OID.encryptedData,
      content: encryptedData(
        encryption,
        input.password,
        new Uint8Array(AsnSerializer.serialize(certificates)),
        bytes,
      ),
    }),
    new ContentInfo({ contentType: OID.data, content: dataContent(AsnSerializer.serialize(keys)) }),
  ]);
  const safeDer = new Uint8Array(AsnSerializer.serialize(safe));
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: OID.data, content: dataContent(safeDer) }),
    macData: macData(encryption, input.password, safeDer, bytes),
  });
  return Buffer.from(AsnSerializer.serialize(pfx));
}

function inputDigest(parts: readonly Buffer[], input: Pkcs12Input, encryption: Pkcs12Encryption): Buffer {
  const digest = createHash('sha256').update('certagent pkcs12 v1\0').update(encryption);
  for (const part of [...parts, Buffer.from(input.friendlyName), Buffer.from(input.password)]) {
    digest.update(String(part.length)).update(':').update(part);
  }
  return digest.digest();
}

function derivedSalts(seed: Buffer): SaltSource {
  return (label, length) => createHmac('sha256', seed).update(label).digest().subarray(0, length);
}

/** The `content` of a ContentInfo of type data: the bytes wrapped in an OCTET STRING. */
function dataContent(bytes: ArrayBuffer | Uint8Array): ArrayBuffer {
  return AsnSerializer.serialize(new OctetString(toArrayBuffer(new Uint8Array(bytes))));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

function pemToDer(pem: string, label: string, what: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new Pkcs12Error(`${what} is not a PEM ${label}`);
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
}
