// Whether files on disk form a usable set: a bundle (key + leaf + chain in one file, haproxy's bundle.pem) or a
// key file beside a certificate file. Read by the CLI scenarios after each kill.

import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/** 'ok', 'missing', or what is wrong with the bundle file. */
export async function bundleState(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return 'missing';
  }
  const blocks = [...text.matchAll(BLOCK)];
  const key = blocks.find((b) => b[1]!.includes('PRIVATE KEY'));
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (key === undefined || certs.length < 2) return `incomplete (${blocks.length} PEM blocks)`;
  try {
    const leaf = new X509Certificate(certs[0]![0]);
    const spki = createPublicKey(createPrivateKey(key[0])).export({ type: 'spki', format: 'der' });
    return leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(spki) ? 'ok' : 'key does not match';
  } catch (error) {
    return `unparsable (${(error as Error).message})`;
  }
}

/** 'ok', 'missing', or 'mismatch' for a key file and a certificate file. */
export async function pairState(certPath: string, keyPath: string): Promise<string> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = [await readFile(certPath, 'utf8'), await readFile(keyPath, 'utf8')];
  } catch {
    return 'missing';
  }
  try {
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    return new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }).equals(spki)
      ? 'ok'
      : 'mismatch';
  } catch {
    return 'unparsable';
  }
}
