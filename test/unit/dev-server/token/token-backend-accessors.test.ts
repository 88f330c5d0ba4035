// The token backend's accessor paths (lookup, renew and revoke by accessor, listing) and its unknown paths.

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

describe('accessor paths and unknown paths', () => {
  it('looks up and revokes by accessor, hiding the token id', async () => {
    const { as, backend, tokenMount, store, root } = setup();
    const created = await as().create({ policies: ['web'] });
    const looked = await logical(
      backend,
      devRequest(tokenMount, 'update', 'lookup-accessor', { accessor: created.auth.accessor }, root),
    );
    expect(looked.data).toMatchObject({
      id: '',
      accessor: created.auth.accessor,
      policies: ['default', 'web'],
    });
    await backend.handle(
      devRequest(tokenMount, 'update', 'revoke-accessor', { accessor: created.auth.accessor }, root),
    );
    expect(store.lookup(created.auth.client_token)).toBeUndefined();
    const missing = await logical(
      backend,
      devRequest(tokenMount, 'update', 'revoke-accessor', { accessor: created.auth.accessor }, root),
    );
    expect(missing.warnings).toEqual(['No token found with this accessor']);
  });

  it('warns about unknown fields and rejects unknown paths and operations', async () => {
    const { as, backend, tokenMount, root } = setup();
    const reply = await as().create({ ttl: '1h', zeta: 1, alpha: 'x' });
    expect(reply.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [alpha zeta]']);
    expect(await apiError(backend, devRequest(tokenMount, 'read', 'nope', {}, root))).toEqual({
      status: 404,
      errors: ['1 error occurred:\n\t* unsupported path\n\n'],
    });
    expect(await apiError(backend, devRequest(tokenMount, 'read', 'create', {}, root))).toEqual({
      status: 405,
      errors: ['1 error occurred:\n\t* unsupported operation\n\n'],
    });
    expect(
      await apiError(backend, devRequest(tokenMount, 'update', 'renew', { token: 'hvs.nope' }, root)),
    ).toEqual({
      status: 400,
      errors: ['token not found'],
    });
  });
});
