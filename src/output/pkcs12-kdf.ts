import { createHash } from 'node:crypto';

/** What a PKCS#12 key derivation is for (RFC 7292 appendix B.3): the cipher key, its IV, or the MAC key. */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_BYTES = 64; // SHA-1 and SHA-256 both work on 64-byte blocks.

/** The password as PKCS#12 hashes it: a BMPString (UTF-16 big-endian) with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const bytes = Buffer.alloc((password.length + 1) * 2);
  for (let index = 0; index < password.length; index++)
    bytes.writeUInt16BE(password.charCodeAt(index), index * 2);
  return bytes;
}

/**
 * The PKCS#12 key derivation function of RFC 7292 appendix B.2, which no Node API offers. Every PKCS#12 reader
 * (OpenSSL, Java's keytool, .NET) derives the integrity MAC key with it, and the legacy 3DES encryption its key
 * and IV; the modern encryption uses PBKDF2 from node:crypto instead. Verified against OpenSSL by the tests.
 */
export function pkcs12Kdf(
  hash: 'sha1' | 'sha256',
  password: string,
  salt: Uint8Array,
  purpose: number,
  iterations: number,
  length: number,
): Buffer {
  const fill = (source: Uint8Array): Buffer => {
    const size = BLOCK_BYTES * Math.ceil(source.length / BLOCK_BYTES);
    const out = Buffer.alloc(size);
    for (let index = 0; index < size; index++) out[index] = source[index % source.length]!;
    return out;
  };
  const diversifier = Buffer.alloc(BLOCK_BYTES, purpose);
  const input = Buffer.concat([fill(salt), fill(bmpPassword(password))]);
  const output: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let digest = createHash(hash).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round++) digest = createHash(hash).update(digest).digest();
    output.push(digest);
    produced += digest.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^512 for every 64-byte block of I, B being the digest repeated to 64 bytes.
    const block = fill(digest).subarray(0, BLOCK_BYTES);
    for (let offset = 0; offset < input.length; offset += BLOCK_BYTES) {
      let carry = 1;
      for (let index = BLOCK_BYTES - 1; index >= 0; index--) {
        const sum = input[offset + index]! + block[index]! + carry;
        input[offset + index] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, length);
}
