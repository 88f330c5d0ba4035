// A loopback HTTP proxy in front of a dev server, for answers the dev server's fault injector cannot give (a 429
// with a Retry-After header, as Vault's rate-limit quotas send it). It forwards everything else untouched and
// records every request with the time on the scenario's clock.

import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../src/lib/clock.js';
import { onCleanup } from './agent-harness.js';

/** An answer the proxy gives instead of forwarding. */
export interface ProxyAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly errors: string[];
}

export interface ProxyRecord {
  readonly path: string;
  readonly time: number;
  /** The status the proxy answered itself, undefined when forwarded. */
  readonly injected: number | undefined;
}

export interface VaultProxy {
  readonly address: string;
  readonly records: ProxyRecord[];
  /** Decides, per request (path without `/v1/`), whether to answer instead of forwarding. */
  rule: (path: string) => ProxyAnswer | undefined;
  close(): Promise<void>;
}

export async function startVaultProxy(target: string, clock: Clock): Promise<VaultProxy> {
  const upstream = new URL(target);
  const records: ProxyRecord[] = [];
  const proxy: VaultProxy = {
    address: '',
    records,
    rule: () => undefined,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').replace(/^\/v1\//, '').replace(/\?.*$/, '');
    const answer = proxy.rule(path);
    records.push({ path, time: clock.now(), injected: answer?.status });
    if (answer !== undefined) {
      req.resume();
      const body = JSON.stringify({ errors: answer.errors });
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        ...answer.headers,
      });
      res.end(body);
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  onCleanup(() => proxy.close());
  return Object.assign(proxy, { address: `http://127.0.0.1:${port}` });
}
