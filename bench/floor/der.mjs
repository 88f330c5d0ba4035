// Just enough DER to build a PKCS#10 request with node:crypto and nothing else: the floor must not load a library
// the agent is being compared against.
import { Buffer } from 'node:buffer';

function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag, ...parts) {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

export const sequence = (...parts) => tlv(0x30, ...parts);
export const set = (...parts) => tlv(0x31, ...parts);

export function oid(dotted) {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const utf8 = (text) => tlv(0x0c, Buffer.from(text, 'utf8'));
