// Node's HTTP parser only knows a fixed list of methods and answers a bare 400 to anything else, but Vault clients
// (hvac, node-vault, the Vault CLI) send the `LIST` verb. The framer follows the request boundaries of an HTTP/1.1
// byte stream (head, then a Content-Length or chunked body) and rewrites each request line whose method Node does
// not know into `GET`, carrying the real method in a header that the server restores before handling.

import { METHODS } from 'node:http';

/** The header carrying a method Node could not parse; the server restores `request.method` from it. */
export const ORIGINAL_METHOD_HEADER = 'x-dev-server-original-method';

const KNOWN = new Set(METHODS);
const HEAD_END = Buffer.from('\r\n\r\n');
// Past this a head is not one Node would accept anyway; the framer stops interpreting and passes bytes through.
const MAX_HEAD_BYTES = 64 * 1024;

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' | 'passthrough';

/** Rewrites one connection's incoming bytes; call `transform` with each chunk, in order. */
export class RequestFramer {
  #state: State = 'head';
  #pending: Buffer = Buffer.alloc(0);
  #remaining = 0;
  #line = '';
  #afterData = false;

  /** The bytes to give the HTTP parser for this chunk (held-back head bytes come out once the head is complete). */
  transform(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let input = chunk;
    while (input.length > 0) input = this.#step(input, out);
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  // Consumes a prefix of `input`, appends what to emit to `out`, and returns the unconsumed rest.
  #step(input: Buffer, out: Buffer[]): Buffer {
    switch (this.#state) {
      case 'passthrough':
        out.push(input);
        return Buffer.alloc(0);
      case 'head':
        return this.#head(input, out);
      case 'body':
      case 'chunk-data':
        return this.#counted(input, out);
      case 'chunk-size':
      case 'trailers':
        return this.#lines(input, out);
    }
  }

  #head(input: Buffer, out: Buffer[]): Buffer {
    const buffer = Buffer.concat([this.#pending, input]);
    const end = buffer.indexOf(HEAD_END);
    if (end === -1) {
      if (buffer.length > MAX_HEAD_BYTES) {
        this.#state = 'passthrough';
        out.push(buffer);
      } else {
        this.#pending = buffer;
      }
      return Buffer.alloc(0);
    }
    this.#pending = Buffer.alloc(0);
    const head = buffer.subarray(0, end + HEAD_END.length).toString('latin1');
    out.push(Buffer.from(rewriteHead(head), 'latin1'));
    this.#startBody(head);
    return buffer.subarray(end + HEAD_END.length);
  }

  #startBody(head: string): void {
    const headers = head.split('\r\n').slice(1);
    const value = (name: string): string | undefined =>
      headers
        .find((h) => h.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    if (/chunked/i.test(value('transfer-encoding') ?? '')) {
      this.#state = 'chunk-size';
      this.#line = '';
      return;
    }
    const length = Number(value('content-length') ?? '0');
    this.#remaining = Number.isSafeInteger(length) && length > 0 ? length : 0;
    this.#state = this.#remaining > 0 ? 'body' : 'head';
  }

  #counted(input: Buffer, out: Buffer[]): Buffer {
    const take = Math.min(this.#remaining, input.length);
    out.push(input.subarray(0, take));
    this.#remaining -= take;
    if (this.#remaining === 0) {
      if (this.#state === 'body') this.#state = 'head';
      else {
        // The CRLF after a chunk's data is read as an (empty) line before the next size line.
        this.#state = 'chunk-size';
        this.#afterData = true;
        this.#line = '';
      }
    }
    return input.subarray(take);
  }

  #lines(input: Buffer, out: Buffer[]): Buffer {
    const newline = input.indexOf(0x0a);
    const upTo = newline === -1 ? input.length : newline + 1;
    out.push(input.subarray(0, upTo));
    this.#line += input.subarray(0, upTo).toString('latin1');
    if (newline !== -1) this.#endLine(this.#line.replace(/\r?\n$/, ''));
    return input.subarray(upTo);
  }

  #endLine(line: string): void {
    this.#line = '';
    if (this.#state === 'trailers') {
      if (line === '') this.#state = 'head';
      return;
    }
    if (this.#afterData) {
      this.#afterData = false;
      return;
    }
    const size = parseInt(line.split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) this.#state = 'passthrough';
    else if (size === 0) this.#state = 'trailers';
    else {
      this.#remaining = size;
      this.#state = 'chunk-data';
    }
  }
}

/** `LIST /v1/x HTTP/1.1` becomes `GET /v1/x HTTP/1.1` plus the original-method header; known methods pass as is. */
export function rewriteHead(head: string): string {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = head.slice(0, lineEnd);
  const space = requestLine.indexOf(' ');
  const method = requestLine.slice(0, space);
  if (space <= 0 || KNOWN.has(method) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) return head;
  return `GET${requestLine.slice(space)}\r\n${ORIGINAL_METHOD_HEADER}: ${method}${head.slice(lineEnd)}`;
}
