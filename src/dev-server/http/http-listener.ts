// The dev server's socket: a TCP (or TLS) listener whose connections reach a node:http server through the
// FramedConnection, so methods Node cannot parse (Vault's LIST) still arrive. Loopback by default; close() also
// destroys open connections so tests end promptly.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { FramedConnection } from './framed-connection.js';
import { ORIGINAL_METHOD_HEADER } from './request-framer.js';

/** Where and how to listen. */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** A listening server. */
export interface HttpListener {
  /** `http://127.0.0.1:8200` (IPv6 hosts in brackets). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound, rejects on a bind error (port in use, bad host). */
export async function listen(
  options: ListenOptions,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<HttpListener> {
  const http = createHttpServer((request, response) => handler(restoreMethod(request), response));
  const accept = (socket: Socket): void => {
    http.emit('connection', new FramedConnection(socket));
  };
  const server: NetServer = options.tls
    ? // Client certificates are asked for but not required: cert auth logins read them, nothing else does.
      createTlsServer(
        { cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: false },
        accept,
      )
    : createNetServer(accept);
  // Raw sockets (under TLS too) are tracked here: the HTTP server's own connection list only covers servers that
  // listen themselves.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function restoreMethod(request: IncomingMessage): IncomingMessage {
  const original = request.headers[ORIGINAL_METHOD_HEADER];
  if (typeof original === 'string') {
    request.method = original;
    delete request.headers[ORIGINAL_METHOD_HEADER];
  }
  return request;
}
