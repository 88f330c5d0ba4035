import { describe, expect, it } from 'vitest';
import {
  ORIGINAL_METHOD_HEADER,
  RequestFramer,
  rewriteHead,
} from '../../../../src/dev-server/http/request-framer.js';

const H = ORIGINAL_METHOD_HEADER;

function run(chunks: string[]): string {
  const framer = new RequestFramer();
  return chunks.map((c) => framer.transform(Buffer.from(c, 'latin1')).toString('latin1')).join('');
}

describe('rewriteHead', () => {
  it('turns a method Node cannot parse into GET plus the original-method header', () => {
    expect(rewriteHead('LIST /v1/pki/roles HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(
      `GET /v1/pki/roles HTTP/1.1\r\n${H}: LIST\r\nHost: x\r\n\r\n`,
    );
  });

  it('leaves known methods alone', () => {
    const head = 'PATCH /v1/x HTTP/1.1\r\n\r\n';
    expect(rewriteHead(head)).toBe(head);
  });
});

describe('RequestFramer', () => {
  it('rewrites every request of a keep-alive stream, skipping over Content-Length bodies', () => {
    const body = '{"LIST /x HTTP/1.1":1}';
    const input = [
      `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      'LIST /v1/b HTTP/1.1\r\n\r\n',
      'GET /v1/c HTTP/1.1\r\n\r\n',
    ].join('');
    expect(run([input])).toBe(
      [
        `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        `GET /v1/b HTTP/1.1\r\n${H}: LIST\r\n\r\n`,
        'GET /v1/c HTTP/1.1\r\n\r\n',
      ].join(''),
    );
  });

  it('finds heads split across chunks, byte by byte', () => {
    const input = 'LIST /v1/b HTTP/1.1\r\nHost: h\r\n\r\nLIST /v1/c HTTP/1.1\r\n\r\n';
    expect(run([...input])).toBe(
      `GET /v1/b HTTP/1.1\r\n${H}: LIST\r\nHost: h\r\n\r\nGET /v1/c HTTP/1.1\r\n${H}: LIST\r\n\r\n`,
    );
  });

  it('follows chunked bodies (with extensions and trailers) to the next request', () => {
    const chunked =
      'POST /v1/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;ext=1\r\nLIST \r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const next = 'LIST /v1/b HTTP/1.1\r\n\r\n';
    const expected = chunked + `GET /v1/b HTTP/1.1\r\n${H}: LIST\r\n\r\n`;
    expect(run([chunked + next])).toBe(expected);
    expect(run([...(chunked + next)])).toBe(expected);
  });

  it('passes a runaway head through untouched so Node rejects it itself', () => {
    const huge = `LIST /v1/${'a'.repeat(70_000)}`;
    expect(run([huge])).toBe(huge);
  });
});
