// One HTTP exchange, end to end: injected faults first (latency, a forced status, a reset), then the core's
// answer written with the headers Vault always sends, then an entry in the request log.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { RequestLog } from '../faults/request-log.js';
import type { DevClock } from '../types.js';
import type { HttpReply } from './render-reply.js';
import { errorReply, renderError } from './render-reply.js';

/** Answers one request, given the URL and the logical path (`undefined` outside `/v1/`). */
export type ReplyProducer = (
  request: IncomingMessage,
  url: URL,
  path: string | undefined,
) => Promise<HttpReply>;

/** What serving needs besides the core. */
export interface ServeDeps {
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly clock: DevClock;
  readonly produce: ReplyProducer;
}

// The dev-only control paths are never faulted nor counted, so a test can always clear what it injected.
const CONTROL_PREFIX = 'sys/dev/';

/** The node:http request listener of the dev server. */
export function requestListener(
  deps: ServeDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    serve(deps, request, response).catch(() => {
      if (!response.headersSent) writeReply(response, errorReply(500, ['internal error']));
      else response.destroy();
    });
  };
}

async function serve(deps: ServeDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://dev-server');
  const path = logicalPath(url.pathname);
  const control = path?.startsWith(CONTROL_PREFIX) ?? false;
  const fault = path !== undefined && !control ? deps.faults.take(path) : undefined;
  if (fault !== undefined && fault.latencyMs > 0) await delay(fault.latencyMs);
  let status: number;
  if (fault?.reset) {
    request.socket.destroy();
    status = 0;
  } else {
    const reply =
      fault?.status !== undefined
        ? errorReply(fault.status, [fault.message])
        : await deps.produce(request, url, path).catch(renderError);
    writeReply(response, reply);
    status = reply.status;
  }
  if (!control) {
    deps.requests.record({
      method: request.method ?? '',
      path: path ?? url.pathname,
      status,
      time: deps.clock.now(),
    });
  }
}

/** Writes a reply with the headers Vault sends on everything (`Cache-Control: no-store`). */
export function writeReply(response: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string | number> = { 'Cache-Control': 'no-store' };
  // A 204 carries no Content-Length at all (RFC 9110 §8.6), as Go's server sends it.
  if (reply.status !== 204) headers['Content-Length'] = Buffer.byteLength(reply.body);
  if (reply.contentType !== undefined) headers['Content-Type'] = reply.contentType;
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

/** The path after `/v1/`, percent-decoded as Go's r.URL.Path is; undefined for URLs outside the API. */
export function logicalPath(pathname: string): string | undefined {
  if (!pathname.startsWith('/v1/')) return undefined;
  const raw = pathname.slice('/v1/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
