// The dev-only sys/dev/ paths and the in-process fault API: injected statuses, latency and resets, and the
// request log a test in another process reads.

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';

const server = useDevServer({ defaultPki: false, rootToken: 'root' }, 'each');

describe('in-process faults', () => {
  it('answers the injected status for the next N requests, then the real answer', async () => {
    server().faults.add({ pathPrefix: 'secret/', status: 503, count: 2, message: 'Vault is sealed' });
    for (let i = 0; i < 2; i++) {
      const reply = await callVault(server(), 'GET', 'secret/config');
      expect([reply.status, reply.json, reply.headers['content-type']]).toEqual([
        503,
        { errors: ['Vault is sealed'] },
        'application/json',
      ]);
    }
    expect((await callVault(server(), 'GET', 'secret/config')).status).toBe(200);
    expect((await callVault(server(), 'GET', 'sys/health')).status).toBe(200);
  });

  it('adds latency', async () => {
    server().faults.add({ pathPrefix: 'sys/health', latencyMs: 150, count: 1 });
    const started = performance.now();
    expect((await callVault(server(), 'GET', 'sys/health')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection', async () => {
    server().faults.add({ pathPrefix: 'sys/health', reset: true, count: 1 });
    await expect(callVault(server(), 'GET', 'sys/health')).rejects.toThrow();
    expect((await callVault(server(), 'GET', 'sys/health')).status).toBe(200);
    expect(server().requests.entries.map((r) => r.status)).toEqual([0, 200]);
  });
});

describe('sys/dev/faults', () => {
  it('adds (snake_case fields), lists and clears faults; needs the root token', async () => {
    const added = await callVault(server(), 'POST', 'sys/dev/faults', {
      body: { path_prefix: 'auth/token/', status: 500, count: 3 },
    });
    expect(added.json.data).toMatchObject({
      path_prefix: 'auth/token/',
      status: 500,
      remaining: 3,
      reset: false,
    });
    expect((await callVault(server(), 'GET', 'auth/token/lookup-self')).status).toBe(500);
    const listed = await callVault(server(), 'GET', 'sys/dev/faults');
    expect(listed.json.data.faults).toEqual([
      expect.objectContaining({ path_prefix: 'auth/token/', remaining: 2 }),
    ]);
    // The control paths are never faulted themselves, even by a catch-all prefix.
    await callVault(server(), 'POST', 'sys/dev/faults', { body: { path_prefix: '', status: 502 } });
    expect((await callVault(server(), 'DELETE', 'sys/dev/faults')).status).toBe(204);
    expect((await callVault(server(), 'GET', 'auth/token/lookup-self')).status).toBe(200);
    expect((await callVault(server(), 'GET', 'sys/dev/faults', { token: null })).status).toBe(403);
  });

  it('refuses a fault that makes no sense with 400', async () => {
    const reply = await callVault(server(), 'POST', 'sys/dev/faults', {
      body: { path_prefix: 'x', status: 42 },
    });
    expect([reply.status, reply.json.errors[0]]).toEqual([
      400,
      'status must be an integer from 200 to 599, got 42',
    ]);
  });
});

describe('sys/dev/requests', () => {
  it('counts requests per path (optionally under a prefix) and resets', async () => {
    await callVault(server(), 'GET', 'secret/config');
    await callVault(server(), 'GET', 'secret/config');
    await callVault(server(), 'LIST', 'secret/metadata');
    await callVault(server(), 'GET', 'sys/health');
    const all = await callVault(server(), 'GET', 'sys/dev/requests');
    expect(all.json.data).toEqual({
      prefix: '',
      total: 4,
      counts: { 'secret/config': 2, 'secret/metadata': 1, 'sys/health': 1 },
    });
    const secret = await callVault(server(), 'GET', 'sys/dev/requests?prefix=secret/');
    expect(secret.json.data.total).toBe(3);
    expect(server().requests.countMatching('secret/')).toBe(3);
    expect(server().requests.entries[2]).toMatchObject({
      method: 'LIST',
      path: 'secret/metadata',
      status: 404,
    });
    expect((await callVault(server(), 'DELETE', 'sys/dev/requests')).status).toBe(204);
    expect((await callVault(server(), 'GET', 'sys/dev/requests')).json.data.total).toBe(0);
  });
});
