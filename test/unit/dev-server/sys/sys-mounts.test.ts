// sys/mounts and sys/auth: listing, enabling, disabling and tuning, with Vault's shapes and error texts.

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';
import { fakeBackend } from '../support/fake-backend.js';

const server = useDevServer(
  { defaultPki: false, rootToken: 'root', backends: new Map([['pki', fakeBackend('pki').registered]]) },
  'each',
);

describe('sys/mounts', () => {
  it('lists the dev-mode mounts, with the data repeated at the top level', async () => {
    const reply = await callVault(server(), 'GET', 'sys/mounts');
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json.data).sort()).toEqual(['secret/', 'sys/']);
    expect(reply.json.data['secret/']).toMatchObject({
      type: 'kv',
      description: 'key/value secret storage',
      options: { version: '2' },
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
      local: false,
      seal_wrap: false,
    });
    expect(reply.json.data['secret/'].accessor).toMatch(/^kv_[0-9a-f]{8}$/);
    expect(reply.json['secret/']).toEqual(reply.json.data['secret/']);
    expect(reply.json.mount_type).toBe('system');
  });

  it('needs a root token', async () => {
    const child = (
      await callVault(server(), 'POST', 'auth/token/create', { body: { policies: ['default'] } })
    ).json.auth.client_token as string;
    expect((await callVault(server(), 'GET', 'sys/mounts', { token: child })).status).toBe(403);
    expect(
      (await callVault(server(), 'POST', 'sys/mounts/x', { token: child, body: { type: 'kv' } })).status,
    ).toBe(403);
  });

  it('enables pki and kv mounts (204), normalising the trailing slash, and routes to them', async () => {
    expect((await callVault(server(), 'POST', 'sys/mounts/pki_int', { body: { type: 'pki' } })).status).toBe(
      204,
    );
    expect((await callVault(server(), 'POST', 'sys/mounts/kv2/', { body: { type: 'kv-v2' } })).status).toBe(
      204,
    );
    expect((await callVault(server(), 'POST', 'sys/mounts/kv1', { body: { type: 'kv' } })).status).toBe(204);
    const mounts = (await callVault(server(), 'GET', 'sys/mounts')).json.data;
    expect(mounts['pki_int/']).toMatchObject({ type: 'pki', options: null });
    expect(mounts['kv2/']).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(mounts['kv1/']).toMatchObject({ type: 'kv', options: null });
    expect((await callVault(server(), 'GET', 'pki_int/echo')).json.mount_type).toBe('pki');
    const v2 = await callVault(server(), 'POST', 'kv2/data/app', { body: { data: { a: 'b' } } });
    expect(v2.json.data.version).toBe(1);
    expect((await callVault(server(), 'POST', 'kv1/app', { body: { a: 'b' } })).status).toBe(204);
    expect((await callVault(server(), 'GET', 'kv1/app')).json).toMatchObject({
      data: { a: 'b' },
      lease_duration: 2_764_800,
    });
  });

  it('refuses a path in use (also nested), a protected path, and unknown or missing types', async () => {
    const error = async (path: string, body: unknown) => {
      const reply = await callVault(server(), 'POST', `sys/mounts/${path}`, { body });
      return [reply.status, reply.json.errors[0]];
    };
    expect(await error('secret', { type: 'kv' })).toEqual([400, 'path is already in use at secret/']);
    expect(await error('secret/sub', { type: 'kv' })).toEqual([400, 'path is already in use at secret/']);
    expect(await error('sys', { type: 'kv' })).toEqual([400, 'cannot mount "sys/"']);
    expect(await error('auth/x', { type: 'kv' })).toEqual([400, 'cannot mount "auth/x/"']);
    expect(await error('x', { type: 'nope' })).toEqual([400, 'plugin not found in the catalog: nope']);
    expect(await error('x', { type: 'approle' })).toEqual([400, 'plugin not found in the catalog: approle']);
    expect(await error('x', {})).toEqual([400, 'backend type must be specified as a string']);
  });

  it('reads one mount, and answers 400 for one that does not exist', async () => {
    expect((await callVault(server(), 'GET', 'sys/mounts/secret')).json.data.type).toBe('kv');
    expect((await callVault(server(), 'GET', 'sys/mounts/nope')).json.errors).toEqual([
      'No secret engine mount at nope/',
    ]);
  });

  it('disables a mount (204, also when absent), after which its routes are gone', async () => {
    await callVault(server(), 'POST', 'sys/mounts/pki2', { body: { type: 'pki' } });
    expect((await callVault(server(), 'DELETE', 'sys/mounts/pki2')).status).toBe(204);
    expect((await callVault(server(), 'GET', 'pki2/echo')).json.errors).toEqual([
      'no handler for route "pki2/echo". route entry not found.',
    ]);
    expect((await callVault(server(), 'DELETE', 'sys/mounts/never')).status).toBe(204);
  });

  it('takes lease TTLs at enable time, validated', async () => {
    const ok = await callVault(server(), 'POST', 'sys/mounts/p', {
      body: { type: 'pki', config: { max_lease_ttl: '87600h', default_lease_ttl: '1h' } },
    });
    expect(ok.status).toBe(204);
    expect((await callVault(server(), 'GET', 'sys/mounts')).json.data['p/'].config).toMatchObject({
      default_lease_ttl: 3600,
      max_lease_ttl: 315_360_000,
    });
    const bad = await callVault(server(), 'POST', 'sys/mounts/q', {
      body: { type: 'pki', config: { max_lease_ttl: '1h', default_lease_ttl: '2h' } },
    });
    expect(bad.json.errors).toEqual(['given default lease TTL greater than given max lease TTL']);
  });
});

describe('sys/mounts/{path}/tune', () => {
  it('reads the system TTLs in seconds when the mount has none', async () => {
    const reply = await callVault(server(), 'GET', 'sys/mounts/secret/tune');
    expect(reply.json.data).toEqual({
      description: 'key/value secret storage',
      default_lease_ttl: 2_764_800,
      max_lease_ttl: 2_764_800,
      force_no_cache: false,
      options: { version: '2' },
    });
    expect(reply.json.max_lease_ttl).toBe(2_764_800);
  });

  it('sets TTLs from durations or seconds, and resets them with "system"', async () => {
    await callVault(server(), 'POST', 'sys/mounts/pki', { body: { type: 'pki' } });
    const tuned = await callVault(server(), 'POST', 'sys/mounts/pki/tune', {
      body: { max_lease_ttl: '87600h', default_lease_ttl: 3600 },
    });
    expect(tuned.status).toBe(204);
    expect((await callVault(server(), 'GET', 'sys/mounts/pki/tune')).json.data).toMatchObject({
      default_lease_ttl: 3600,
      max_lease_ttl: 315_360_000,
    });
    expect(server().mounts.find('pki/')?.config).toEqual({ defaultLeaseTtl: 3600, maxLeaseTtl: 315_360_000 });
    await callVault(server(), 'POST', 'sys/mounts/pki/tune', { body: { default_lease_ttl: 'system' } });
    expect(server().mounts.find('pki/')?.config).toEqual({ defaultLeaseTtl: 0, maxLeaseTtl: 315_360_000 });
  });

  it('refuses bad durations, a default above the max, and unknown mounts', async () => {
    const bad = await callVault(server(), 'POST', 'sys/mounts/secret/tune', {
      body: { max_lease_ttl: '1d12h' },
    });
    expect(bad.json.errors).toEqual([
      'unable to parse max TTL of 1d12h: time: unknown unit "d" in duration "1d12h"',
    ]);
    const inverted = await callVault(server(), 'POST', 'sys/mounts/secret/tune', {
      body: { max_lease_ttl: '1h', default_lease_ttl: '2h' },
    });
    expect(inverted.json.errors).toEqual([
      'backend max lease TTL of 3600 would be less than backend default lease TTL of 7200',
    ]);
    expect((await callVault(server(), 'GET', 'sys/mounts/nope/tune')).status).toBe(400);
  });
});

describe('sys/auth', () => {
  it('lists auth/token/ as token/, and enables approle, kubernetes and jwt', async () => {
    for (const type of ['approle', 'kubernetes', 'jwt']) {
      expect((await callVault(server(), 'POST', `sys/auth/${type}`, { body: { type } })).status).toBe(204);
    }
    await callVault(server(), 'POST', 'sys/auth/ci-jwt/', { body: { type: 'jwt', description: 'CI' } });
    const list = (await callVault(server(), 'GET', 'sys/auth')).json;
    expect(Object.keys(list.data).sort()).toEqual(['approle/', 'ci-jwt/', 'jwt/', 'kubernetes/', 'token/']);
    expect(list.data['token/']).toMatchObject({ type: 'token', config: { token_type: 'default-service' } });
    expect(list.data['approle/'].accessor).toMatch(/^auth_approle_[0-9a-f]{8}$/);
    expect(list.data['ci-jwt/']).toMatchObject({ type: 'jwt', description: 'CI' });
    expect(list['approle/']).toEqual(list.data['approle/']);
  });

  it('routes to an enabled auth method and its unauthenticated login', async () => {
    await callVault(server(), 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
    expect(
      (await callVault(server(), 'POST', 'auth/approle/role/web', { body: { token_ttl: '1h' } })).status,
    ).toBe(204);
    const roleId = (await callVault(server(), 'GET', 'auth/approle/role/web/role-id')).json.data.role_id;
    const secretId = (await callVault(server(), 'POST', 'auth/approle/role/web/secret-id')).json.data
      .secret_id;
    const login = await callVault(server(), 'POST', 'auth/approle/login', {
      token: null,
      body: { role_id: roleId, secret_id: secretId },
    });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ mount_type: 'approle', auth: { lease_duration: 3600, orphan: true } });
  });

  it('refuses conflicts, a second token backend and secret engine types; keeps auth/token/', async () => {
    await callVault(server(), 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
    const error = async (method: string, path: string, body?: unknown) =>
      (await callVault(server(), method, path, { body })).json.errors[0];
    expect(await error('POST', 'sys/auth/approle', { type: 'approle' })).toBe(
      'path is already in use at approle/',
    );
    expect(await error('POST', 'sys/auth/tok', { type: 'token' })).toBe(
      'token credential backend cannot be instantiated',
    );
    expect(await error('POST', 'sys/auth/kv', { type: 'kv' })).toBe('plugin not found in the catalog: kv');
    expect(await error('DELETE', 'sys/auth/token')).toBe('token credential backend cannot be disabled');
  });

  it('disables an auth method and tunes one (token_type in the tune read)', async () => {
    await callVault(server(), 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
    await callVault(server(), 'POST', 'sys/auth/approle/tune', { body: { max_lease_ttl: '2h' } });
    const tune = (await callVault(server(), 'GET', 'sys/auth/approle/tune')).json.data;
    expect(tune).toMatchObject({
      max_lease_ttl: 7200,
      default_lease_ttl: 2_764_800,
      token_type: 'default-service',
    });
    expect((await callVault(server(), 'DELETE', 'sys/auth/approle')).status).toBe(204);
    expect((await callVault(server(), 'POST', 'auth/approle/login', { body: {} })).json.errors).toEqual([
      'no handler for route "auth/approle/login". route entry not found.',
    ]);
  });
});

describe('sys/internal/ui/mounts', () => {
  it('tells which mount a path is under (how the Vault CLI tells KV v1 from v2)', async () => {
    const reply = await callVault(server(), 'GET', 'sys/internal/ui/mounts/secret/app/db');
    expect(reply.json.data).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    const none = await callVault(server(), 'GET', 'sys/internal/ui/mounts/nothing/here');
    expect(none.status).toBe(403);
    expect(
      (await callVault(server(), 'GET', 'sys/internal/ui/mounts/secret/x', { token: null })).status,
    ).toBe(403);
  });
});
