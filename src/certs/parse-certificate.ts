import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { CertificateCheckError } from './cert-errors.js';
import { readDerNames } from './der-names.js';

/** What certagent needs to know about a certificate, read from the certificate itself. */
export interface ParsedCertificate {
  /** The PEM as given, trimmed. */
  readonly pem: string;
  /** Colon-separated lowercase hex without leading zero bytes, as Vault writes it. */
  readonly serialNumber: string;
  /** Milliseconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** The subject's first CN, or '' when it has none. */
  readonly commonName: string;
  /** DNS names and emails from the SAN extension. */
  readonly altNames: readonly string[];
  /** IP SANs in canonical form (see normalizeIp). */
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
  /** node:crypto's view of it, for signature and key checks. */
  readonly node: NodeX509Certificate;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Parses one PEM certificate. Throws CertificateCheckError (check `parse`) for anything else, including text
 * holding several blocks, so a `pem_bundle` answer cannot be mistaken for a leaf.
 */
export function parseCertificate(pem: string): ParsedCertificate {
  const text = pem.trim();
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || blocks[0]?.[1] !== 'CERTIFICATE' || blocks[0][0].length !== text.length) {
    throw new CertificateCheckError('parse', 'expected exactly one PEM CERTIFICATE block');
  }
  try {
    // node:crypto (native) for serial, validity and later the signature checks; the names from the DER.
    const node = new NodeX509Certificate(text);
    const names = readDerNames(node.raw);
    return {
      pem: text,
      serialNumber: formatSerial(node.serialNumber),
      notBefore: parseOpenSslTime(node.validFrom),
      notAfter: parseOpenSslTime(node.validTo),
      commonName: names.commonName,
      altNames: [...names.dns, ...names.emails],
      ipSans: names.ips.map(normalizeIp),
      uriSans: names.uris,
      node,
    };
  } catch (error) {
    throw new CertificateCheckError('parse', 'the certificate does not parse', { cause: error });
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Reads OpenSSL's printed time, as X509Certificate's validFrom/validTo give it (`Dec  1 21:10:17 2026 GMT`), into
 * milliseconds since the epoch; throws when the text has any other shape.
 */
export function parseOpenSslTime(text: string): number {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4,}) GMT$/.exec(text);
  const month = MONTHS.indexOf(match?.[1] ?? '');
  if (!match || month < 0) throw new Error(`unexpected certificate time ${JSON.stringify(text)}`);
  const [, , day, hours, minutes, seconds, year] = match.map(Number);
  return Date.UTC(year!, month, day, hours, minutes, seconds);
}

/**
 * Formats a serial number given in hex (any case, with or without colons) the way Vault does: lowercase byte
 * pairs joined by colons, leading zero bytes dropped (Go's big.Int.Bytes()).
 */
export function formatSerial(hex: string): string {
  let digits = hex.replace(/:/g, '').toLowerCase();
  if (digits.length % 2 === 1) digits = `0${digits}`;
  const bytes = digits.match(/../g) ?? [];
  while (bytes.length > 1 && bytes[0] === '00') bytes.shift();
  return bytes.join(':');
}

/**
 * One spelling per address, so a requested `2001:DB8:0::1` matches the certificate's `2001:db8::1`. IPv4 is
 * returned as given: its dotted form is already canonical in what Vault accepts.
 */
export function normalizeIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}
