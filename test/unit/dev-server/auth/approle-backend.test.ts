import { describe, expect, it } from 'vitest';
import { createAppRoleBackendFactory } from '../../../../src/dev-server/auth/approle-backend.js';
import { createTokenBackendFactory } from '../../../../src/dev-server/token/token-backend.js';
import type { AuthBlock } from '../../../../src/dev-server/types.js';
import { apiError, devRequest, devWorld, logical, mountEntry } from '../token/dev-fixtures.js';

function setup() {
  const appMount = mountEntry('auth/approle/', 'approle');
  const world = devWorld([appMount]);
  const approle = createAppRoleBackendFactory(world.store)(world.contextFor(appMount));
  const tokens = createTokenBackendFactory(world.store, world.policies)(world.contextFor(world.tokenMount));
  const write = (path: string, data: Record<string, unknown> = {}) =>
    approle.handle(devRequest(appMount, 'update', path, data, world.root));
  const read = async (path: string) =>
    (await logical(approle, devRequest(appMount, 'read', path, {}, world.root))).data;
  const login = async (data: Record<string, unknown>) =>
    (await logical(approle, devRequest(appMount, 'update', 'login', data))) as {
      data: unknown;
      auth: AuthBlock;
      warnings?: string[];
    };
  const renewSelf = async (clientToken: string, data: Record<string, unknown> = {}) => {
    const token = world.store.lookup(clientToken);
    if (token === undefined) throw new Error('token expired');
    return logical(tokens, devRequest(world.tokenMount, 'update', 'renew-self', data, token));
  };
  return { ...world, appMount, approle, write, read, login, renewSelf };
}

async function credentials(t: ReturnType<typeof setup>, role = 'cert-agent') {
  const roleId = (await t.read(`role/${role}/role-id`))?.role_id as string;
  const secret = await logical(
    t.approle,
    devRequest(t.appMount, 'update', `role/${role}/secret-id`, {}, t.root),
  );
  return { role_id: roleId, secret_id: secret.data?.secret_id as string };
}

describe('AppRole roles', () => {
  it('writes with 204, reads back integer seconds and Vault defaults, lists and deletes', async () => {
    const t = setup();
    expect(
      await t.write('role/Cert-Agent', {
        token_ttl: '1h',
        token_max_ttl: '2h',
        policies: 'pki-agent,web',
        secret_id_ttl: '10m',
      }),
    ).toEqual({ kind: 'empty' });
    expect(await t.read('role/cert-agent')).toEqual({
      bind_secret_id: true,
      secret_id_bound_cidrs: null,
      secret_id_num_uses: 0,
      secret_id_ttl: 600,
      local_secret_ids: false,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 7200,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['pki-agent', 'web'],
      token_type: 'default',
      token_ttl: 3600,
      policies: ['pki-agent', 'web'],
    });
    const list = await logical(t.approle, devRequest(t.appMount, 'list', 'role', {}, t.root));
    expect(list.data).toEqual({ keys: ['cert-agent'] });
    expect(await t.write('role/cert-agent', { token_ttl: 60 })).toEqual({ kind: 'empty' });
    expect((await t.read('role/cert-agent'))?.token_max_ttl).toBe(7200);
    await t.approle.handle(devRequest(t.appMount, 'delete', 'role/cert-agent', {}, t.root));
    expect(await apiError(t.approle, devRequest(t.appMount, 'read', 'role/cert-agent', {}, t.root))).toEqual({
      status: 404,
      errors: [],
    });
  });

  it("rejects inconsistent roles with Vault's messages", async () => {
    const t = setup();
    const fail = (data: Record<string, unknown>) =>
      apiError(t.approle, devRequest(t.appMount, 'update', 'role/x', data, t.root));
    expect(await fail({ token_ttl: '2h', token_max_ttl: '1h' })).toEqual({
      status: 400,
      errors: ["'token_ttl' cannot be greater than 'token_max_ttl'"],
    });
    expect(await fail({ bind_secret_id: false })).toEqual({
      status: 400,
      errors: ['at least one constraint should be enabled on the role'],
    });
    expect(await fail({ token_ttl: '1d12h' })).toEqual({
      status: 400,
      errors: [
        'Field validation failed: error converting input 1d12h for field "token_ttl": time: unknown unit "d" in duration "1d12h"',
      ],
    });
  });
});

describe('AppRole login', () => {
  it('returns an orphan token carrying the role TTL, policies and metadata', async () => {
    const t = setup();
    await t.write('role/cert-agent', { token_ttl: '1h', token_max_ttl: '2h', token_policies: ['pki-agent'] });
    const creds = await credentials(t);
    const reply = await t.login(creds);
    expect(reply.data).toBeNull();
    expect(reply.auth).toMatchObject({
      policies: ['default', 'pki-agent'],
      token_policies: ['default', 'pki-agent'],
      metadata: { role_name: 'cert-agent' },
      lease_duration: 3600,
      renewable: true,
      token_type: 'service',
      orphan: true,
      num_uses: 0,
    });
    expect(reply.auth.entity_id).toMatch(/^[0-9a-f-]{36}$/);
    const entry = t.store.lookup(reply.auth.client_token);
    expect(entry).toMatchObject({ path: 'auth/approle/login', displayName: 'approle', parent: undefined });
    const again = await t.login({ ...creds, secret_id: (await credentials(t)).secret_id });
    expect(again.auth.entity_id).toBe(reply.auth.entity_id);
    expect(again.auth.client_token).not.toBe(reply.auth.client_token);
  });

  it('re-applies the role TTL, max TTL and its later changes at renewal', async () => {
    const t = setup();
    await t.write('role/cert-agent', { token_ttl: '1h', token_max_ttl: '2h' });
    const { auth } = await t.login(await credentials(t));
    t.clock.advance(1_800_000);
    expect((await t.renewSelf(auth.client_token)).auth?.lease_duration).toBe(3600);
    t.clock.advance(3_000_000);
    const capped = await t.renewSelf(auth.client_token);
    expect(capped.auth?.lease_duration).toBe(2400);
    expect(capped.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "40m"; TTL value is capped accordingly',
    ]);
    await t.write('role/cert-agent', { token_ttl: '10m' });
    expect((await t.renewSelf(auth.client_token)).auth?.lease_duration).toBe(600);
    t.clock.advance(1_800_000);
    expect(t.store.lookup(auth.client_token)).toBeUndefined();
  });

  it('fails the renewal of a token whose role was deleted, quoting the name as Vault does', async () => {
    const t = setup();
    await t.write('role/cert-agent', { token_ttl: '1h' });
    const { auth } = await t.login(await credentials(t));
    await t.approle.handle(devRequest(t.appMount, 'delete', 'role/cert-agent', {}, t.root));
    const token = t.store.lookup(auth.client_token);
    expect(token).toBeDefined();
    const tokens = createTokenBackendFactory(t.store, t.policies)(t.contextFor(t.tokenMount));
    expect(await apiError(tokens, devRequest(t.tokenMount, 'update', 'renew-self', {}, token))).toEqual({
      status: 500,
      errors: ['1 error occurred:\n\t* role "cert-agent" does not exist during renewal\n\n'],
    });
  });

  it('falls back to the mount default TTL and caps it at token_max_ttl', async () => {
    const t = setup();
    await t.write('role/cert-agent', { token_max_ttl: '45m' });
    const reply = await t.login(await credentials(t));
    expect(reply.auth.lease_duration).toBe(2700);
    expect(reply.warnings).toEqual([
      'TTL of "768h" exceeded the effective max_ttl of "45m"; TTL value is capped accordingly',
    ]);
  });

  it('enforces secret_id use counts and TTLs', async () => {
    const t = setup();
    await t.write('role/cert-agent', { secret_id_num_uses: 2, secret_id_ttl: '10m' });
    const creds = await credentials(t);
    const secret = await logical(
      t.approle,
      devRequest(t.appMount, 'update', 'role/cert-agent/secret-id', {}, t.root),
    );
    expect(secret.data).toMatchObject({ secret_id_ttl: 600, secret_id_num_uses: 2 });
    expect(secret.data?.secret_id_accessor).toMatch(/^[0-9a-f-]{36}$/);
    await t.login(creds);
    await t.login(creds);
    const invalid = { status: 400, errors: ['invalid role or secret ID'] };
    expect(await apiError(t.approle, devRequest(t.appMount, 'update', 'login', creds))).toEqual(invalid);

    const timed = await credentials(t);
    t.clock.advance(599_000);
    await t.login(timed);
    t.clock.advance(1000);
    expect(await apiError(t.approle, devRequest(t.appMount, 'update', 'login', timed))).toEqual(invalid);
    expect(
      await apiError(
        t.approle,
        devRequest(t.appMount, 'update', 'role/cert-agent/secret-id', { ttl: '1h' }, t.root),
      ),
    ).toEqual({
      status: 400,
      errors: ["ttl cannot be longer than the role's secret_id_ttl"],
    });
  });

  it('answers bad credentials with the exact §3 errors', async () => {
    const t = setup();
    await t.write('role/cert-agent', {});
    const { role_id } = await credentials(t);
    const fail = (data: Record<string, unknown>) =>
      apiError(t.approle, devRequest(t.appMount, 'update', 'login', data));
    expect(await fail({})).toEqual({ status: 400, errors: ['missing role_id'] });
    expect(await fail({ role_id })).toEqual({ status: 400, errors: ['missing secret_id'] });
    expect(await fail({ role_id: 'nope', secret_id: 'x' })).toEqual({
      status: 400,
      errors: ['invalid role or secret ID'],
    });
    expect(await fail({ role_id, secret_id: 'wrong' })).toEqual({
      status: 400,
      errors: ['invalid role or secret ID'],
    });
    expect(t.approle.isUnauthenticated('login', 'update')).toBe(true);
    expect(t.approle.isUnauthenticated('role/cert-agent', 'read')).toBe(false);
  });

  it('accepts a custom role_id and custom secret_id and checks CIDR bindings', async () => {
    const t = setup();
    await t.write('role/ci', { role_id: 'ci-role', secret_id_bound_cidrs: '10.0.0.0/8' });
    await t.write('role/ci/custom-secret-id', { secret_id: 'ci-secret' });
    expect(
      await apiError(
        t.approle,
        devRequest(t.appMount, 'update', 'login', { role_id: 'ci-role', secret_id: 'ci-secret' }),
      ),
    ).toEqual({
      status: 400,
      errors: ['source address "127.0.0.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)'],
    });
    await t.write('role/ci', { secret_id_bound_cidrs: '127.0.0.0/8' });
    const reply = await t.login({ role_id: 'ci-role', secret_id: 'ci-secret' });
    expect(reply.auth.metadata).toEqual({ role_name: 'ci' });
  });
});
