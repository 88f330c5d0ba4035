import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaultConfig } from '../../../src/config/runtime-config.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import type { VaultRequestEvent } from '../../../src/vault/types.js';
import { withDeadline } from '../../helpers/deadline.js';
import { testVaultConfig } from '../../helpers/vault-config.js';
import {
  VaultHttpError,
  VaultResponseError,
  VaultTimeoutError,
  VaultUnreachableError,
} from '../../../src/vault/vault-errors.js';

const TOKEN = 'hvs.unitTestTokenThatMustNotLeak';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

async function fakeVault(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function config(address: string, overrides: Partial<VaultConfig> = {}): VaultConfig {
  return testVaultConfig(address, { requestTimeoutMs: 2000, ...overrides });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Every message and cause message of an error, so a leak anywhere in the chain is found. */
function messagesOf(error: unknown): string {
  const out: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message, String(e.stack));
  return out.join('\n');
}

describe('createVaultClient', () => {
  it('sends the token, namespace and X-Vault-Request headers and parses the envelope', async () => {
    let seen: IncomingMessage['headers'] = {};
    let body = '';
    const address = await fakeVault((req, res) => {
      seen = req.headers;
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => json(res, 200, { data: { ok: true }, warnings: ['careful'] }));
    });
    const warnings: string[] = [];
    const events: VaultRequestEvent[] = [];
    const client = createVaultClient(config(address, { namespace: 'team-a' }), {
      onWarning: (message) => warnings.push(message),
      onRequest: (event) => events.push(event),
    });
    const envelope = await client.request({
      method: 'POST',
      path: 'pki/sign/web',
      token: TOKEN,
      body: { a: 1 },
      operation: 'pki.sign',
    });
    await client.close();
    expect(envelope?.data).toEqual({ ok: true });
    expect(seen['x-vault-token']).toBe(TOKEN);
    expect(seen['x-vault-namespace']).toBe('team-a');
    expect(seen['x-vault-request']).toBe('true');
    expect(JSON.parse(body)).toEqual({ a: 1 });
    expect(warnings).toEqual(['careful']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ operation: 'pki.sign', status: '200', method: 'POST' });
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('sends no token header when none is given, and LIST as GET ?list=true; 204 is undefined', async () => {
    const seen: { method?: string; url?: string; token?: string }[] = [];
    const address = await fakeVault((req, res) => {
      seen.push({
        method: req.method,
        url: req.url,
        token: req.headers['x-vault-token'] as string | undefined,
      });
      res.writeHead(204).end();
    });
    const client = createVaultClient(config(address));
    expect(await client.request({ method: 'LIST', path: 'pki/roles', operation: 'x' })).toBeUndefined();
    await client.close();
    expect(seen).toEqual([{ method: 'GET', url: '/v1/pki/roles?list=true', token: undefined }]);
  });

  it("turns a status >= 400 into VaultHttpError with Vault's errors and Retry-After, and no token", async () => {
    const address = await fakeVault((_req, res) =>
      json(res, 429, { errors: ['rate limit quota exceeded'] }, { 'retry-after': '7' }),
    );
    const client = createVaultClient(config(address));
    const error = await client
      .request({ method: 'GET', path: 'auth/token/lookup-self', token: TOKEN, operation: 'x' })
      .catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(VaultHttpError);
    expect(error).toMatchObject({ status: 429, errors: ['rate limit quota exceeded'], retryAfterSeconds: 7 });
    expect(messagesOf(error)).not.toContain(TOKEN);
  });

  it('reports non-JSON 2xx as VaultResponseError and a refused connection as VaultUnreachableError', async () => {
    const address = await fakeVault((_req, res) => res.writeHead(200).end('<html>proxy</html>'));
    const client = createVaultClient(config(address));
    await expect(
      client.request({ method: 'GET', path: 'x', token: TOKEN, operation: 'x' }),
    ).rejects.toBeInstanceOf(VaultResponseError);
    await client.close();
    const closed = await fakeVault(() => undefined);
    servers.pop()!.close();
    const refused = createVaultClient(config(closed));
    const error = await refused
      .request({ method: 'GET', path: 'x', token: TOKEN, operation: 'x' })
      .catch((e: unknown) => e);
    await refused.close();
    expect(error).toBeInstanceOf(VaultUnreachableError);
    expect(messagesOf(error)).not.toContain(TOKEN);
  });

  it('times out with VaultTimeoutError, and an abort is an AbortError, not a timeout', async () => {
    const address = await fakeVault(() => undefined); // never answers
    const client = createVaultClient(config(address, { requestTimeoutMs: 200 }));
    await expect(client.request({ method: 'GET', path: 'slow', operation: 'x' })).rejects.toBeInstanceOf(
      VaultTimeoutError,
    );
    const controller = new AbortController();
    const pending = client.request({
      method: 'GET',
      path: 'slow',
      operation: 'x',
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await client.close();
  });

  it('lets a request override the namespace, sends the user agent, and omits the namespace when none', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const address = await fakeVault((req, res) => {
      seen.push(req.headers);
      json(res, 200, { data: {} });
    });
    const client = createVaultClient(config(address, { namespace: 'team-a' }), {
      userAgent: 'certagent/test',
    });
    await client.request({ method: 'GET', path: 'x', operation: 'x', namespace: 'team-b/child' });
    await client.close();
    const plain = createVaultClient(config(address));
    await plain.request({ method: 'GET', path: 'x', operation: 'x' });
    await plain.close();
    expect(seen[0]?.['x-vault-namespace']).toBe('team-b/child');
    expect(seen[0]?.['user-agent']).toBe('certagent/test');
    expect(seen[1]).not.toHaveProperty('x-vault-namespace');
    expect(seen[1]).not.toHaveProperty('x-vault-token');
  });

  it('lets a request aborted while queued leave the queue without a slot leak', async () => {
    const pending: ServerResponse[] = [];
    // The fake Vault's handler is the event: it wakes the test once the expected number of requests reached it.
    let wake: { count: number; resolve: () => void } | undefined;
    const requestsAtVault = (count: number, what: string) =>
      withDeadline(
        new Promise<void>((resolve) => {
          if (pending.length >= count) resolve();
          else wake = { count, resolve };
        }),
        2000,
        what,
      );
    const address = await fakeVault((_req, res) => {
      pending.push(res);
      if (wake && pending.length >= wake.count) wake.resolve();
    });
    const client = createVaultClient(config(address, { maxConcurrentRequests: 1 }));
    const first = client.request({ method: 'GET', path: 'a', operation: 'x' });
    const controller = new AbortController();
    const queued = client.request({ method: 'GET', path: 'b', operation: 'x', signal: controller.signal });
    const third = client.request({ method: 'GET', path: 'c', operation: 'x' });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    await requestsAtVault(1, 'the first request at Vault');
    json(pending[0]!, 200, { data: { n: 1 } });
    expect((await first)?.data).toEqual({ n: 1 });
    await requestsAtVault(2, 'the third request at Vault (the aborted one left the queue)');
    expect(pending).toHaveLength(2);
    json(pending[1]!, 200, { data: { n: 3 } });
    expect((await third)?.data).toEqual({ n: 3 });
    await client.close();
  });

  it('never has more than max_concurrent_requests requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const address = await fakeVault((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { data: {} });
      }, 20);
    });
    const client = createVaultClient(config(address, { maxConcurrentRequests: 2 }));
    await Promise.all(
      Array.from({ length: 10 }, () => client.request({ method: 'GET', path: 'x', operation: 'x' })),
    );
    await client.close();
    expect(peak).toBe(2);
  });
});
