// sys/health, sys/seal-status, sys/seal and sys/unseal (reference/vault-api.md §5).

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const clock = new FakeClock(Date.UTC(2025, 0, 1));
const server = useDevServer({ defaultPki: false, rootToken: 'root', clock }, 'each');

describe('sys/health', () => {
  it('answers 200 with the full body while unsealed, server time from the clock', async () => {
    const reply = await callVault(server(), 'GET', 'sys/health', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      initialized: true,
      sealed: false,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(clock.now() / 1000),
      version: '1.18.3',
      cluster_name: expect.stringMatching(/^vault-cluster-[0-9a-f]{8}$/),
      cluster_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('answers 503 without cluster fields while sealed, and the overrides change the codes', async () => {
    server().seal();
    const sealed = await callVault(server(), 'GET', 'sys/health');
    expect(sealed.status).toBe(503);
    expect(sealed.json.sealed).toBe(true);
    expect(sealed.json).not.toHaveProperty('cluster_name');
    expect(sealed.json).not.toHaveProperty('cluster_id');
    expect((await callVault(server(), 'GET', 'sys/health?sealedcode=200')).status).toBe(200);
    server().unseal();
    expect((await callVault(server(), 'GET', 'sys/health?activecode=204')).status).toBe(204);
    expect((await callVault(server(), 'GET', 'sys/health?standbyok=true&sealedcode=500')).status).toBe(200);
  });

  it('sends the same status with an empty body on HEAD', async () => {
    const head = await callVault(server(), 'HEAD', 'sys/health');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    server().seal();
    expect((await callVault(server(), 'HEAD', 'sys/health')).status).toBe(503);
  });

  it('answers 400 to a non-integer code or a bad standbyok, on GET and HEAD', async () => {
    for (const query of [
      'activecode=abc',
      'sealedcode=',
      'standbyok=maybe',
      'perfstandbyok=2',
      'uninitcode=1x',
    ]) {
      const get = await callVault(server(), 'GET', `sys/health?${query}`);
      expect([get.status, get.json]).toEqual([400, { errors: [] }]);
      expect((await callVault(server(), 'HEAD', `sys/health?${query}`)).status).toBe(400);
    }
  });

  it('answers 405 to other methods', async () => {
    expect((await callVault(server(), 'POST', 'sys/health')).status).toBe(405);
  });
});

describe('sys/seal-status', () => {
  it('is always 200, with t=1 n=1 and cluster fields only while unsealed', async () => {
    const open = await callVault(server(), 'GET', 'sys/seal-status', { token: null });
    expect(open.status).toBe(200);
    expect(open.json).toMatchObject({
      type: 'shamir',
      initialized: true,
      sealed: false,
      t: 1,
      n: 1,
      progress: 0,
      nonce: '',
      version: '1.18.3',
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    });
    expect(open.json.cluster_name).toMatch(/^vault-cluster-/);
    server().seal();
    const closed = await callVault(server(), 'GET', 'sys/seal-status', { token: null });
    expect([closed.status, closed.json.sealed, 'cluster_id' in closed.json]).toEqual([200, true, false]);
  });
});

describe('sys/seal and sys/unseal', () => {
  it('seals with a root token (204) and unseals with the key, answering the seal status', async () => {
    expect((await callVault(server(), 'PUT', 'sys/seal')).status).toBe(204);
    expect((await callVault(server(), 'GET', 'auth/token/lookup-self')).json).toEqual({
      errors: ['Vault is sealed'],
    });
    const unsealed = await callVault(server(), 'PUT', 'sys/unseal', {
      token: null,
      body: { key: server().unsealKey },
    });
    expect(unsealed.status).toBe(200);
    expect(unsealed.json).toMatchObject({ sealed: false, t: 1, n: 1, progress: 0 });
    expect((await callVault(server(), 'GET', 'auth/token/lookup-self')).status).toBe(200);
  });

  it('accepts the key in hex too', async () => {
    server().seal();
    const hex = Buffer.from(server().unsealKey, 'base64').toString('hex');
    expect((await callVault(server(), 'POST', 'sys/unseal', { body: { key: hex } })).json.sealed).toBe(false);
  });

  it('refuses a wrong key, a malformed key and a missing key with 400, staying sealed', async () => {
    server().seal();
    const wrong = await callVault(server(), 'PUT', 'sys/unseal', {
      body: { key: Buffer.alloc(32, 1).toString('base64') },
    });
    expect([wrong.status, wrong.json]).toEqual([400, { errors: ['Unseal failed, invalid key'] }]);
    const malformed = await callVault(server(), 'PUT', 'sys/unseal', { body: { key: '!!not base64!!' } });
    expect(malformed.json).toEqual({ errors: ["'key' must be a valid hex or base64 string"] });
    const missing = await callVault(server(), 'PUT', 'sys/unseal', { body: {} });
    expect(missing.json).toEqual({
      errors: ["'key' must be specified in request body as JSON, or 'reset' set to true"],
    });
    expect(server().sealed).toBe(true);
  });

  it('resets the unseal progress while sealed and refuses a reset while unsealed', async () => {
    expect((await callVault(server(), 'PUT', 'sys/unseal', { body: { reset: true } })).json).toEqual({
      errors: ['vault is unsealed'],
    });
    server().seal();
    const reset = await callVault(server(), 'PUT', 'sys/unseal', { body: { reset: true } });
    expect([reset.status, reset.json.progress, reset.json.sealed]).toEqual([200, 0, true]);
  });

  it('refuses to seal without a root token (403), and answers 405 to GET', async () => {
    const child = (
      await callVault(server(), 'POST', 'auth/token/create', { body: { policies: ['default'] } })
    ).json.auth.client_token as string;
    expect((await callVault(server(), 'PUT', 'sys/seal', { token: child })).status).toBe(403);
    expect((await callVault(server(), 'PUT', 'sys/seal', { token: null })).status).toBe(403);
    expect((await callVault(server(), 'GET', 'sys/seal')).status).toBe(405);
    expect(server().sealed).toBe(false);
  });
});
