// The dev server's socket: node:http, or node:https with the self-signed certificate, on loopback by default.
// Every request goes through `serveRequest`; close() also drops keep-alive connections so tests end promptly.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

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
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
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
    close: () => closeServer(server),
  };
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
