// A connection seen through the RequestFramer: a Duplex the HTTP server reads rewritten requests from and writes
// replies to, which Node documents as a valid thing to inject with `server.emit('connection', stream)`.

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RequestFramer } from './request-framer.js';

/** Wraps a TCP or TLS socket; socket properties the HTTP server and handlers use are passed through. */
export class FramedConnection extends Duplex {
  readonly #socket: Socket;
  readonly #framer = new RequestFramer();

  constructor(socket: Socket) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      const bytes = this.#framer.transform(chunk);
      if (bytes.length > 0 && !this.push(bytes)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
    socket.on('timeout', () => this.emit('timeout'));
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  /** The client certificate of a TLS connection, PEM; undefined for plain TCP or when none was sent. */
  get peerCertificatePem(): string | undefined {
    const socket = this.#socket as Partial<TLSSocket>;
    return socket.getPeerX509Certificate?.()?.toString();
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.#socket.localPort;
  }

  /** Delegates to the socket; the HTTP server uses it for its keep-alive timeout. */
  setTimeout(ms: number, callback?: () => void): this {
    this.#socket.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  /** Delegates to the socket. */
  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  /** Delegates to the socket. */
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#socket.setKeepAlive(enable, delay);
    return this;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy(error ?? undefined);
    callback(error);
  }
}
