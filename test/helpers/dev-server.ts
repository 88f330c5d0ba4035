// Starting the dev server in tests: on 127.0.0.1 with an OS-chosen port, closed afterwards, plus a raw HTTP call
// helper that speaks Vault's verbs (LIST included) and hands back status, headers and the parsed body.

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { startDevServer } from '../../src/dev-server/index.js';
import type { DevServer, DevServerOptions } from '../../src/dev-server/index.js';

/** Starts a dev server on loopback, port 0. The caller must close it (useDevServer/withDevServer do). */
export function startTestDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  return startDevServer({ host: '127.0.0.1', ...options, port: 0 });
}

/** Runs `fn` against a fresh dev server and closes it afterwards, whatever happens. */
export async function withDevServer<T>(
  fn: (server: DevServer) => Promise<T>,
  options: DevServerOptions = {},
): Promise<T> {
  const server = await startTestDevServer(options);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/**
 * Registers hooks that start a dev server before the tests of the enclosing describe (once, or before each test)
 * and close it after. Returns an accessor for the running server. Options may be a function, called at each
 * start, so each test can give its server a fresh FakeClock that it then shares with the agent under test.
 */
export function useDevServer(
  options: DevServerOptions | (() => DevServerOptions) = {},
  scope: 'all' | 'each' = 'all',
): () => DevServer {
  let server: DevServer | undefined;
  const [before, after] = scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    server = await startTestDevServer(typeof options === 'function' ? options() : options);
  });
  after(async () => {
    await server?.close();
    server = undefined;
  });
  return () => {
    if (server === undefined) throw new Error('the dev server is only available inside tests');
    return server;
  };
}

/** A Vault reply as tests look at it. `json` is undefined when the body is empty or not JSON. */
export interface VaultReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into Vault's JSON freely
  readonly json: any;
}

/** Options of one raw call. `body` objects are sent as JSON; strings and buffers as they are. */
export interface CallOptions {
  /** Defaults to the server's root token; null sends none. */
  readonly token?: string | null;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One raw HTTP call: `callVault(server, 'LIST', 'pki/roles')` (the `/v1/` prefix is added). */
export async function callVault(
  server: Pick<DevServer, 'address' | 'rootToken' | 'caPem'>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<VaultReply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.rootToken : options.token;
  if (token !== null) headers['x-vault-token'] = token;
  let body: string | Buffer | undefined;
  if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  const url = `${server.address}${path.startsWith('/') ? path : `/v1/${path}`}`;
  const dispatcher = server.caPem === undefined ? undefined : tlsAgent(server.caPem);
  try {
    const response = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      dispatcher,
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: flatHeaders(response.headers),
      text,
      json: parseJson(text),
    };
  } finally {
    await dispatcher?.close();
  }
}

function tlsAgent(caPem: string): Agent {
  return new Agent({ connect: { ca: caPem } });
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
