import { z } from 'zod';
import type { CertificateBundle } from './bundle.js';
import { buildBundle } from './build-bundle.js';
import { parseCertificate } from './parse-certificate.js';

/** The version of the state file layout; a file of another version is not adopted. */
export const STATE_FORMAT_VERSION = 1;

const storedSchema = z
  .object({
    version: z.literal(STATE_FORMAT_VERSION),
    bundle: z
      .object({
        name: z.string(),
        certificate: z.string().min(1),
        privateKey: z.string().min(1),
        privateKeyType: z.enum(['ec', 'rsa', 'ed25519']),
        issuingCa: z.string(),
        caChain: z.array(z.string()),
        serialNumber: z.string(),
        notBefore: z.number(),
        notAfter: z.number(),
        obtainedAt: z.number().finite(),
        commonName: z.string(),
        altNames: z.array(z.string()),
        ipSans: z.array(z.string()),
        uriSans: z.array(z.string()),
        requestFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
  })
  .strict();

/** The JSON text a bundle is kept as in state_dir. */
export function encodeStoredBundle(bundle: CertificateBundle): string {
  return `${JSON.stringify({ version: STATE_FORMAT_VERSION, bundle }, null, 2)}\n`;
}

/**
 * Reads a stored bundle back, or explains why it cannot be used. The certificate is parsed again and must agree
 * with the fields stored beside it, so a hand-edited expiry or serial is caught rather than believed.
 */
export function decodeStoredBundle(
  text: string,
  expectedName: string,
): { bundle: CertificateBundle } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON' };
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      reason: `unexpected content at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const stored = parsed.data.bundle;
  if (stored.name !== expectedName) return { reason: `holds certificate ${JSON.stringify(stored.name)}` };
  let leaf;
  try {
    leaf = parseCertificate(stored.certificate);
  } catch {
    return { reason: 'the stored certificate does not parse' };
  }
  const bundle = buildBundle({ ...stored, material: stored }, leaf);
  if (bundle.serialNumber !== stored.serialNumber || bundle.notAfter !== stored.notAfter) {
    return { reason: 'stored serial or expiry disagrees with the certificate' };
  }
  return { bundle };
}
