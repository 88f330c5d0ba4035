import { isIP } from 'node:net';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isLoopbackHost } from '../config/security-warnings.js';
import { AgentError, errorMessage } from '../lib/errors.js';
import type { HealthState } from './health.js';
import type { AgentMetrics } from './metrics.js';
import type { SecretRegistry } from '../lib/secret-registry.js';

/** The listener could not bind its address. */
export class ListenerError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('LISTENER_BIND', message, options);
  }
}

/** What the listener serves. */
export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly health: HealthState;
  readonly metrics: AgentMetrics;
  readonly now: () => number;
  readonly logger: Logger;
  /** When given, /readyz and /status bodies are scrubbed of registered secrets (error messages end up there). */
  readonly secrets?: SecretRegistry;
  /**
   * `POST /v1/rotate/NAME` (loopback peers only): forces a new certificate. Returns undefined for an unknown name,
   * else resolves once the new certificate is issued.
   */
  readonly rotate?: (name: string) => Promise<RotatedCertificate> | undefined;
  /** Which peers may ask for a rotation; loopback only unless a test says otherwise. */
  readonly isTrustedPeer?: (address: string | undefined) => boolean;
}

/** What `POST /v1/rotate/NAME` answers once the new certificate is issued. */
export interface RotatedCertificate {
  readonly certificate: string;
  readonly serial: string;
  readonly notAfter: number;
}

/** A running listener. */
export interface RunningListener {
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `/livez` (200 while the process serves), `/readyz` (200 or 503 with reasons), `/metrics` (Prometheus text) and
 * `/status` (JSON per certificate and template). GET and HEAD only; nothing secret is ever served.
 */
export async function startListener(options: ListenerOptions): Promise<RunningListener> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.logger.error({ error, path: req.url }, 'listener request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ListenerError(`cannot listen on ${options.host}:${options.port}: ${errorMessage(error)}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  options.logger.info({ address: url }, 'listener started: /livez /readyz /metrics /status');
  const exposure = exposureWarning(address, url);
  if (exposure) options.logger.warn({ address: url }, exposure);
  return {
    address: url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The warning for a listener bound beyond loopback (0.0.0.0, ::, a LAN address): /status and /metrics have no
 * authentication, so on a shared network they tell anyone which certificates are served where and when they
 * expire. Undefined on loopback.
 */
export function exposureWarning(boundHost: string, url: string): string | undefined {
  if (isLoopbackHost(boundHost)) return undefined;
  return (
    `the listener is bound to ${url}, beyond loopback: /status and /metrics have no authentication; ` +
    'bind 127.0.0.1 unless something outside this machine (Prometheus, a kubelet probe) must reach it'
  );
}

/**
 * The listener as a long-running part (DESIGN §3): binds (rejecting with a ListenerError if it cannot), serves
 * until `signal` aborts, then closes. `onListening` receives the bound address (useful with port 0).
 */
export async function runListener(
  options: ListenerOptions & { readonly onListening?: (address: string) => void },
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  const listener = await startListener(options);
  options.onListening?.(listener.address);
  try {
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await listener.close();
  }
}

async function handle(options: ListenerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path?.startsWith(ROTATE_PREFIX) && options.rotate) return handleRotate(options, path, req, res);
  const known = ['/livez', '/readyz', '/metrics', '/status'];
  if (!known.includes(path ?? '')) return send(res, req, 404, 'text/plain; charset=utf-8', 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, req, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  const now = options.now();
  switch (path) {
    case '/livez':
      return send(res, req, 200, 'text/plain; charset=utf-8', 'ok\n');
    case '/readyz': {
      const readiness = options.health.readiness(now);
      options.metrics.ready.set(readiness.ready ? 1 : 0);
      const body = readiness.ready ? { ready: true } : { ready: false, reasons: readiness.reasons };
      const text = scrub(options, `${JSON.stringify(body)}\n`);
      return send(res, req, readiness.ready ? 200 : 503, 'application/json', text);
    }
    case '/metrics': {
      options.metrics.ready.set(options.health.readiness(now).ready ? 1 : 0);
      const { body, contentType } = await options.metrics.text();
      return send(res, req, 200, contentType, body);
    }
    default:
      return send(
        res,
        req,
        200,
        'application/json',
        scrub(options, `${JSON.stringify(options.health.status(now), null, 2)}\n`),
      );
  }
}

const ROTATE_PREFIX = '/v1/rotate/';

/**
 * `POST /v1/rotate/NAME`: 403 unless the peer is on loopback (whatever address the listener is bound to: a
 * rotation costs a Vault request and reloads a service, so only someone on the machine may ask), 404 for an
 * unknown name, 200 with the new serial once issued, 502 if the issuance failed (it is retried with backoff).
 */
async function handleRotate(
  options: ListenerOptions,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const json = (status: number, body: unknown): void =>
    send(res, req, status, 'application/json', scrub(options, `${JSON.stringify(body)}\n`));
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return json(405, { error: 'use POST' });
  }
  if (!(options.isTrustedPeer ?? isLoopbackPeer)(req.socket.remoteAddress)) {
    options.logger.warn({ peer: req.socket.remoteAddress }, 'rotation refused: not a loopback peer');
    return json(403, { error: 'rotation is only accepted from loopback addresses' });
  }
  const name = decodeURIComponent(path.slice(ROTATE_PREFIX.length));
  const rotation = options.rotate?.(name);
  if (!rotation) return json(404, { error: `no certificate named ${JSON.stringify(name)}` });
  options.logger.info(
    { certificate: name },
    `rotation of certificate ${name} requested through the listener`,
  );
  try {
    const rotated = await rotation;
    return json(200, {
      certificate: rotated.certificate,
      serial: rotated.serial,
      not_after: new Date(rotated.notAfter).toISOString(),
    });
  } catch (error) {
    return json(502, { error: errorMessage(error), retrying: true });
  }
}

/** 127.0.0.0/8, ::1, and IPv4 loopback seen through an IPv6 socket: a loopback host that is an address. */
export function isLoopbackPeer(address: string | undefined): boolean {
  return address !== undefined && isIP(address) !== 0 && isLoopbackHost(address);
}

function scrub(options: ListenerOptions, body: string): string {
  return options.secrets ? options.secrets.scrub(body) : body;
}

function send(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  contentType: string,
  body: string,
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
