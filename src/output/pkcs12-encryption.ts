// Password-based encryption and integrity for PKCS#12, on ASN.1 schemas from @peculiar/asn1-schema and
// @peculiar/asn1-x509 and the ciphers of node:crypto. The few structures the @peculiar packages do not ship
// (PBES2 and PKCS#12 PBE parameters, CMS EncryptedData) are declared here with the same library's decorators,
// applied as plain functions (this project compiles without experimental decorators).

import { createCipheriv, createHmac, pbkdf2Sync } from 'node:crypto';
import { EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { DigestInfo } from '@peculiar/asn1-rsa';
import {
  AsnProp,
  AsnPropTypes,
  AsnSerializer,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { MacData } from '@peculiar/asn1-pfx';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';

/** `modern`: AES-256-CBC, PBKDF2 with HMAC-SHA-256, SHA-256 MAC. `legacy`: 3DES and SHA-1, for Java before 8u301. */
export type Pkcs12Encryption = 'modern' | 'legacy';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  pbeWithShaAnd3DesCbc: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Iterations for PBKDF2, the PKCS#12 KDF and the MAC: what Java 17's keytool uses (OpenSSL 3 uses 2048). */
export const ITERATIONS = 10_000;

/** PBKDF2-params (RFC 8018 A.2), with the salt always `specified`. */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0;
  keyLength?: number;
  prf = new AlgorithmIdentifier();
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, 'keyLength');
AsnProp({ type: AlgorithmIdentifier })(Pbkdf2Params.prototype, 'prf');
AsnType({ type: AsnTypeTypes.Sequence })(Pbkdf2Params);

/** PBES2-params (RFC 8018 A.4). */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');
AsnType({ type: AsnTypeTypes.Sequence })(Pbes2Params);

/** pkcs-12PbeParams (RFC 7292 appendix C). */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0;
}
AsnProp({ type: OctetString })(Pkcs12PbeParams.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pkcs12PbeParams.prototype, 'iterations');
AsnType({ type: AsnTypeTypes.Sequence })(Pkcs12PbeParams);

/** CMS EncryptedData (RFC 5652 §8), version 0, without unprotected attributes. */
export class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(EncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(EncryptedData.prototype, 'encryptedContentInfo');
AsnType({ type: AsnTypeTypes.Sequence })(EncryptedData);

const der = (value: unknown): ArrayBuffer => AsnSerializer.serialize(value);
const octets = (bytes: Uint8Array): OctetString => new OctetString(Uint8Array.from(bytes).buffer);

/** Salt and IV bytes for a purpose (`key.salt`, `key.iv`, `mac.salt`…): random, or derived (see buildPkcs12). */
export type SaltSource = (label: string, length: number) => Buffer;

/** Encrypts `plain` with the password: the algorithm identifier (with its salt and IV) and the ciphertext. */
export function encryptWithPassword(
  encryption: Pkcs12Encryption,
  password: string,
  plain: Uint8Array,
  bytes: SaltSource,
  label: string,
): { algorithm: AlgorithmIdentifier; ciphertext: Buffer } {
  if (encryption === 'legacy') {
    // An 8-byte salt, as Java and OpenSSL write it for this scheme.
    const salt = bytes(`${label}.salt`, 8);
    const key = pkcs12Kdf('sha1', password, salt, KDF_PURPOSE.key, ITERATIONS, 24);
    const iv = pkcs12Kdf('sha1', password, salt, KDF_PURPOSE.iv, ITERATIONS, 8);
    const params = Object.assign(new Pkcs12PbeParams(), { salt: octets(salt), iterations: ITERATIONS });
    const cipher = createCipheriv('des-ede3-cbc', key, iv);
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: OID.pbeWithShaAnd3DesCbc, parameters: der(params) }),
      ciphertext: Buffer.concat([cipher.update(plain), cipher.final()]),
    };
  }
  const salt = bytes(`${label}.salt`, 16);
  const iv = bytes(`${label}.iv`, 16);
  // PBES2 hashes the password as UTF-8, as OpenSSL 3 and Java do.
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const kdf = Object.assign(new Pbkdf2Params(), {
    salt: octets(salt),
    iterationCount: ITERATIONS,
    prf: new AlgorithmIdentifier({ algorithm: OID.hmacWithSha256, parameters: null }),
  });
  const params = Object.assign(new Pbes2Params(), {
    keyDerivationFunc: new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: der(kdf) }),
    encryptionScheme: new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: der(octets(iv)) }),
  });
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: der(params) }),
    ciphertext: Buffer.concat([cipher.update(plain), cipher.final()]),
  };
}

/** A CMS EncryptedData holding `plain` (a DER SafeContents), encrypted with the password. */
export function encryptedData(
  encryption: Pkcs12Encryption,
  password: string,
  plain: Uint8Array,
  bytes: SaltSource,
): ArrayBuffer {
  const { algorithm, ciphertext } = encryptWithPassword(encryption, password, plain, bytes, 'certificates');
  const data = Object.assign(new EncryptedData(), {
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: algorithm,
      encryptedContent: new EncryptedContent({ value: octets(ciphertext) }),
    }),
  });
  return der(data);
}

/**
 * The PFX integrity MAC over the AuthenticatedSafe's bytes: HMAC keyed by the PKCS#12 KDF (purpose 3), SHA-256
 * (modern) or SHA-1 (legacy). Not PBMAC1: neither Java 17 nor OpenSSL 3.0 reads it.
 */
export function macData(
  encryption: Pkcs12Encryption,
  password: string,
  content: Uint8Array,
  bytes: SaltSource,
): MacData {
  const hash = encryption === 'legacy' ? 'sha1' : 'sha256';
  const salt = bytes('mac.salt', encryption === 'legacy' ? 8 : 16);
  const key = pkcs12Kdf(hash, password, salt, KDF_PURPOSE.mac, ITERATIONS, hash === 'sha1' ? 20 : 32);
  const digest = createHmac(hash, key).update(content).digest();
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({
        algorithm: hash === 'sha1' ? OID.sha1 : OID.sha256,
        parameters: null,
      }),
      digest: octets(digest),
    }),
    macSalt: octets(salt),
    iterations: ITERATIONS,
  });
}
