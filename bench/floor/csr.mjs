// A PKCS#10 CSR (PEM) for an EC P-256 key, subject CN, signed with ECDSA-SHA256: node:crypto and a few DER bytes.
import { Buffer } from 'node:buffer';
import { sign } from 'node:crypto';
import { oid, sequence, set, tlv, utf8 } from './der.mjs';

export function createCsr(keyPair, commonName) {
  const spki = keyPair.publicKey.export({ type: 'spki', format: 'der' });
  const subject = sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
  const info = sequence(tlv(0x02, Buffer.from([0])), subject, spki, tlv(0xa0));
  const signature = sign('sha256', info, keyPair.privateKey);
  const der = sequence(info, sequence(oid('1.2.840.10045.4.3.2')), tlv(0x03, Buffer.from([0]), signature));
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${base64}\n-----END CERTIFICATE REQUEST-----`;
}
