// The subject CN and the SAN entries of a certificate, read straight from its DER. node:crypto's X509Certificate
// gives serial, validity, signature and key checks, but its subject and SAN are display strings with escaping
// rules of their own; these few fields are exact from the DER, without loading an ASN.1 library.

/** One DER element: its tag and where its content lies in the buffer. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Names a certificate carries, as parseCertificate reports them (IPs not yet normalized). */
export interface DerNames {
  readonly commonName: string;
  readonly dns: readonly string[];
  readonly emails: readonly string[];
  readonly ips: readonly string[];
  readonly uris: readonly string[];
}

const OID_COMMON_NAME = '2.5.4.3';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/** Reads CN and SANs from a certificate's DER; throws on anything malformed. */
export function readDerNames(der: Uint8Array): DerNames {
  const certificate = children(der, read(der, 0));
  const tbs = children(der, certificate[0]!);
  // tbsCertificate: [0] version (optional), serial, signature, issuer, validity, subject, spki, [1] [2] [3]
  const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const subject = tbs[offset + 4];
  if (!subject) throw new Error('certificate without a subject');
  const names = { commonName: commonNameOf(der, subject), dns: [], emails: [], ips: [], uris: [] };
  const extensions = tbs.find((element) => element.tag === 0xa3);
  if (extensions) {
    for (const extension of children(der, children(der, extensions)[0]!)) {
      const parts = children(der, extension);
      if (oidOf(der, parts[0]!) !== OID_SUBJECT_ALT_NAME) continue;
      const value = parts.at(-1)!; // extnValue, after the optional critical flag
      addGeneralNames(der, read(der, value.start), names);
    }
  }
  return names;
}

function commonNameOf(der: Uint8Array, subject: Element): string {
  for (const rdn of children(der, subject)) {
    for (const attribute of children(der, rdn)) {
      const [type, value] = children(der, attribute);
      if (type && value && oidOf(der, type) === OID_COMMON_NAME) return decodeString(der, value);
    }
  }
  return '';
}

function addGeneralNames(
  der: Uint8Array,
  sequence: Element,
  names: { dns: string[]; emails: string[]; ips: string[]; uris: string[] },
): void {
  for (const name of children(der, sequence)) {
    const bytes = der.subarray(name.start, name.end);
    if (name.tag === 0x81) names.emails.push(ascii(bytes));
    else if (name.tag === 0x82) names.dns.push(ascii(bytes));
    else if (name.tag === 0x86) names.uris.push(ascii(bytes));
    else if (name.tag === 0x87) names.ips.push(formatIp(bytes));
  }
}

function read(der: Uint8Array, at: number): Element {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated DER');
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (der[start + i] ?? Number.NaN);
    start += count;
  }
  const end = start + length;
  if (!Number.isFinite(end) || end > der.length) throw new Error('truncated DER');
  return { tag, start, end };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const list: Element[] = [];
  for (let at = parent.start; at < parent.end;) {
    const element = read(der, at);
    if (element.end > parent.end) throw new Error('DER element overruns its parent');
    list.push(element);
    at = element.end;
  }
  return list;
}

function oidOf(der: Uint8Array, element: Element): string {
  if (element.tag !== 0x06) return '';
  const bytes = der.subarray(element.start, element.end);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

function decodeString(der: Uint8Array, element: Element): string {
  const bytes = der.subarray(element.start, element.end);
  switch (element.tag) {
    case 0x1e: // BMPString: UTF-16BE
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 0x14: // TeletexString, read as Latin-1 as OpenSSL does
      return Buffer.from(bytes).toString('latin1');
    default: // UTF8String, PrintableString, IA5String, VisibleString
      return Buffer.from(bytes).toString('utf8');
  }
}

function ascii(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}
