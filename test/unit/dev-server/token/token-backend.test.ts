import { describe, expect, it } from 'vitest';
import { createTokenBackendFactory } from '../../../../src/dev-server/token/token-backend.js';
import type { AuthBlock } from '../../../../src/dev-server/types.js';
import { apiError, devRequest, devWorld, logical } from './dev-fixtures.js';

function setup() {
  const world = devWorld();
  const backend = createTokenBackendFactory(world.store, world.policies)(world.contextFor(world.tokenMount));
  const as = (token = world.root) => ({
    create: async (data: Record<string, unknown>) =>
      (await logical(backend, devRequest(world.tokenMount, 'update', 'create', data, token))) as {
        auth: AuthBlock;
        warnings?: string[];
      },
  });
  return { ...world, backend, as };
}

describe('auth/token/create', () => {
  it('creates a child token with default policy, the mount default TTL and the auth block shape', async () => {
    const { as, root } = setup();
    const reply = await as(root).create({ policies: ['web', 'Web', ' pki-agent '] });
    expect(reply.auth).toMatchObject({
      policies: ['default', 'pki-agent', 'web'],
      token_policies: ['default', 'pki-agent', 'web'],
      lease_duration: 2_764_800,
      renewable: true,
      orphan: false,
      token_type: 'service',
      metadata: null,
      mfa_requirement: null,
      num_uses: 0,
      entity_id: '',
    });
    expect(reply.auth.client_token).toMatch(/^hvs\.[0-9A-Za-z]{90}$/);
    expect(reply.auth.accessor).toMatch(/^[0-9A-Za-z]{24}$/);
  });

  it('caps the TTL at the explicit max with the warning, and honours no_default_policy and renewable=false', async () => {
    const { as } = setup();
    const reply = await as().create({
      ttl: '2h',
      explicit_max_ttl: '90m',
      no_default_policy: true,
      renewable: false,
    });
    expect(reply.auth.lease_duration).toBe(5400);
    expect(reply.auth.renewable).toBe(false);
    expect(reply.auth.policies).toEqual(['root']);
    expect(reply.warnings).toEqual([
      'TTL of "2h" exceeded the effective max_ttl of "1h30m"; TTL value is capped accordingly',
    ]);
  });

  it('rejects bad input with token-create wording', async () => {
    const { backend, tokenMount, root } = setup();
    const fail = (data: Record<string, unknown>) =>
      apiError(backend, devRequest(tokenMount, 'update', 'create', data, root));
    expect(await fail({ explicit_max_ttl: '1d12h' })).toEqual({
      status: 400,
      errors: ["'explicit_max_ttl' value could not be parsed"],
    });
    expect(await fail({ period: 'x' })).toEqual({
      status: 400,
      errors: ["'period' value could not be parsed"],
    });
    expect(await fail({ num_uses: -1 })).toEqual({
      status: 400,
      errors: ['number of uses cannot be negative'],
    });
    expect(await fail({ type: 'batch', num_uses: 3 })).toEqual({
      status: 400,
      errors: ['batch tokens cannot have "num_uses" set'],
    });
    expect(await fail({ ttl: '-5m' })).toEqual({ status: 400, errors: ['ttl must be positive'] });
  });

  it('keeps a non-root caller to a subset of its policies and away from orphans and periods', async () => {
    const { as, backend, tokenMount, store } = setup();
    const child = store.lookup((await as().create({ policies: ['web'] })).auth.client_token);
    if (child === undefined) throw new Error('child token missing');
    const fail = (data: Record<string, unknown>) =>
      apiError(backend, devRequest(tokenMount, 'update', 'create', data, child));
    expect(await fail({ policies: ['admin'] })).toEqual({
      status: 400,
      errors: ['child policies must be subset of parent'],
    });
    expect(await fail({ no_parent: true })).toEqual({
      status: 400,
      errors: ['root or sudo privileges required to create orphan token'],
    });
    expect(await fail({ period: '1h' })).toEqual({
      status: 400,
      errors: ['root or sudo privileges required to create periodic token'],
    });
    const grandchild = await as(child).create({});
    expect(grandchild.auth.policies).toEqual(['default', 'web']);
  });

  it('revoking a parent revokes its children but not orphans', async () => {
    const { as, backend, tokenMount, store } = setup();
    const parent = store.lookup((await as().create({ policies: ['web'] })).auth.client_token);
    if (parent === undefined) throw new Error('parent token missing');
    const child = await as(parent).create({});
    const orphan = await logical(backend, devRequest(tokenMount, 'update', 'create-orphan', {}, parent));
    const reply = await backend.handle(devRequest(tokenMount, 'update', 'revoke-self', {}, parent));
    expect(reply).toEqual({ kind: 'empty' });
    expect(store.lookup(parent.id)).toBeUndefined();
    expect(store.lookup(child.auth.client_token)).toBeUndefined();
    expect(orphan.auth?.orphan).toBe(true);
    expect(store.lookup(orphan.auth?.client_token ?? '')).toBeDefined();
  });
});

describe('auth/token/lookup-self, renew-self and expiry', () => {
  it('walks a ttl=5s, explicit_max_ttl=12s token through lookup, a capped renewal and expiry', async () => {
    const { as, backend, tokenMount, store, clock, root } = setup();
    const start = clock.now();
    const created = await as().create({ ttl: '5s', explicit_max_ttl: '12s', meta: { app: 'web' } });
    const token = store.lookup(created.auth.client_token);
    if (token === undefined) throw new Error('token missing');

    const looked = await logical(backend, devRequest(tokenMount, 'read', 'lookup-self', {}, token));
    expect(looked.data).toEqual({
      id: token.id,
      accessor: token.accessor,
      policies: ['root'],
      path: 'auth/token/create',
      meta: { app: 'web' },
      display_name: 'token',
      num_uses: 0,
      orphan: false,
      creation_time: Math.floor(start / 1000),
      creation_ttl: 5,
      expire_time: '2025-01-01T00:00:05.25Z',
      ttl: 5,
      explicit_max_ttl: 12,
      entity_id: '',
      type: 'service',
      renewable: true,
      issue_time: '2025-01-01T00:00:00.25Z',
    });

    clock.advance(3000);
    const renewed = await logical(
      backend,
      devRequest(tokenMount, 'update', 'renew-self', { increment: '1h' }, token),
    );
    expect(renewed.data).toBeNull();
    expect(renewed.auth?.lease_duration).toBe(9);
    expect(renewed.auth?.client_token).toBe(token.id);
    expect(renewed.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "9s"; TTL value is capped accordingly',
    ]);
    const after = await logical(backend, devRequest(tokenMount, 'update', 'lookup-self', {}, token));
    expect(after.data).toMatchObject({
      ttl: 9,
      creation_ttl: 5,
      last_renewal_time: Math.floor(start / 1000) + 3,
    });
    expect(after.data?.last_renewal).toBe('2025-01-01T00:00:03.25Z');

    clock.advance(8900);
    expect(store.lookup(token.id)).toBeDefined();
    clock.advance(200);
    expect(store.lookup(token.id)).toBeUndefined();
    expect(
      await apiError(backend, devRequest(tokenMount, 'update', 'lookup', { token: token.id }, root)),
    ).toEqual({
      status: 403,
      errors: ['bad token'],
    });
  });

  it('renews with the last granted TTL when no increment is given, counted from now', async () => {
    const { as, backend, tokenMount, store, clock } = setup();
    const token = store.lookup((await as().create({ ttl: '1h' })).auth.client_token);
    if (token === undefined) throw new Error('token missing');
    clock.advance(1_800_000);
    const renewed = await logical(backend, devRequest(tokenMount, 'update', 'renew-self', {}, token));
    expect(renewed.auth?.lease_duration).toBe(3600);
    expect(renewed.warnings).toEqual([]);
    expect(token.expireTime).toBe(clock.now() + 3_600_000);
  });

  it("refuses to renew root, non-renewable and batch tokens with Vault's errors", async () => {
    const { as, backend, tokenMount, store, root } = setup();
    const renew = (token: typeof root) =>
      apiError(backend, devRequest(tokenMount, 'update', 'renew-self', {}, token));
    expect(await renew(root)).toEqual({ status: 400, errors: ['invalid lease ID'] });
    const fixed = store.lookup((await as().create({ renewable: false, ttl: '1h' })).auth.client_token);
    expect(await renew(fixed!)).toEqual({ status: 400, errors: ['lease is not renewable'] });
    const batch = await as().create({ type: 'batch', policies: ['web'], ttl: '1h' });
    expect(batch.auth.client_token).toMatch(/^hvb\./);
    expect(batch.auth.renewable).toBe(false);
    expect(await renew(store.lookup(batch.auth.client_token)!)).toEqual({
      status: 400,
      errors: ['batch tokens cannot be renewed'],
    });
  });

  it('shows the root token without lease fields', async () => {
    const { backend, tokenMount, root } = setup();
    const looked = await logical(backend, devRequest(tokenMount, 'read', 'lookup-self', {}, root));
    expect(looked.data).toMatchObject({
      id: 'root',
      policies: ['root'],
      path: 'auth/token/root',
      ttl: 0,
      expire_time: null,
      creation_ttl: 0,
      display_name: 'root',
      orphan: true,
    });
    expect(looked.data).not.toHaveProperty('issue_time');
    expect(looked.data).not.toHaveProperty('renewable');
  });

  it('counts uses down and revokes the token after its last one', async () => {
    const { as, store } = setup();
    const token = store.lookup((await as().create({ num_uses: 2 })).auth.client_token)!;
    store.consumeUse(token);
    expect(store.lookup(token.id)?.numUses).toBe(1);
    store.consumeUse(token);
    expect(store.lookup(token.id)).toBeUndefined();
  });
});
