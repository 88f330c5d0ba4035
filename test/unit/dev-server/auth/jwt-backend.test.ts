import { describe, expect, it } from 'vitest';
import { createJwtBackendFactory } from '../../../../src/dev-server/auth/jwt-backend.js';
import { createTokenBackendFactory } from '../../../../src/dev-server/token/token-backend.js';
import { apiError, devRequest, devWorld, logical, mountEntry } from '../token/dev-fixtures.js';
import { epoch, fakeJwt } from './jwt-fixtures.js';

async function setup() {
  const mount = mountEntry('auth/jwt/', 'jwt');
  const world = devWorld([mount]);
  const backend = createJwtBackendFactory(world.store)(world.contextFor(mount));
  const write = (path: string, data: Record<string, unknown>) =>
    backend.handle(devRequest(mount, 'update', path, data, world.root));
  await write('config', {
    bound_issuer: 'https://ci.example.com',
    jwt_validation_pubkeys: ['-----BEGIN PUBLIC KEY-----'],
  });
  await write('role/deploy', {
    role_type: 'jwt',
    bound_audiences: 'vault',
    user_claim: 'sub',
    bound_claims: { project: ['certs', 'web'] },
    claim_mappings: { project: 'project' },
    token_ttl: '15m',
    token_policies: 'deployer',
  });
  const now = epoch(world.clock.now());
  const claims = {
    iss: 'https://ci.example.com',
    sub: 'pipeline-7',
    aud: 'vault',
    project: 'certs',
    iat: now,
    exp: now + 300,
  };
  const login = (data: Record<string, unknown>) => devRequest(mount, 'update', 'login', data);
  const fail = (extra: Record<string, unknown>, role = 'deploy') =>
    apiError(backend, login({ role, jwt: fakeJwt({ ...claims, ...extra }) }));
  return { ...world, mount, backend, write, claims, login, fail, now };
}

describe('JWT login', () => {
  it('logs in with the role TTL, metadata from claim mappings and the user claim as display name', async () => {
    const t = await setup();
    const reply = await logical(t.backend, t.login({ role: 'deploy', jwt: fakeJwt(t.claims) }));
    expect(reply.data).toBeNull();
    expect(reply.auth).toMatchObject({
      policies: ['default', 'deployer'],
      metadata: { role: 'deploy', project: 'certs' },
      lease_duration: 900,
      orphan: true,
    });
    expect(t.store.lookup(reply.auth?.client_token ?? '')?.displayName).toBe('jwt-pipeline-7');
  });

  it("checks time claims, issuer, audience and subject with cap's wording", async () => {
    const t = await setup();
    expect(await t.fail({ exp: t.now - 61 })).toEqual({
      status: 400,
      errors: ['error validating token: invalid expiration time (exp) claim: token is expired'],
    });
    expect(await t.fail({ nbf: t.now + 120 })).toEqual({
      status: 400,
      errors: ['error validating token: invalid not before (nbf) claim: token not yet valid'],
    });
    expect(await t.fail({ aud: ['other'] })).toEqual({
      status: 400,
      errors: [
        'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
      ],
    });
    expect(await t.fail({ iss: 'https://evil.example.com' })).toEqual({
      status: 400,
      errors: ['error validating token: invalid issuer (iss) claim'],
    });
    expect(await t.fail({ iat: undefined, exp: undefined })).toEqual({
      status: 400,
      errors: [
        'error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token',
      ],
    });
    await t.write('role/deploy', { bound_subject: 'pipeline-8' });
    expect(await t.fail({})).toEqual({
      status: 400,
      errors: ['error validating token: invalid subject (sub) claim'],
    });
  });

  it('checks bound claims and the audience rule', async () => {
    const t = await setup();
    expect(await t.fail({ project: 'billing' })).toEqual({
      status: 400,
      errors: ['error validating claims: claim "project" does not match any associated bound claim values'],
    });
    expect(await t.fail({ project: undefined })).toEqual({
      status: 400,
      errors: ['error validating claims: claim "project" is missing'],
    });
    await t.write('role/open', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_claims: { '/ci/ref': 'refs/heads/*' },
      bound_claims_type: 'glob',
    });
    expect(await t.fail({}, 'open')).toEqual({
      status: 400,
      errors: ['audience claim found in JWT but no audiences bound to the role'],
    });
    const ok = await logical(
      t.backend,
      t.login({
        role: 'open',
        jwt: fakeJwt({ ...t.claims, aud: undefined, ci: { ref: 'refs/heads/main' } }),
      }),
    );
    expect(ok.auth?.metadata).toEqual({ role: 'open' });
  });

  it("answers missing input, unknown roles and OIDC roles with the plugin's 400s", async () => {
    const t = await setup();
    expect(await apiError(t.backend, t.login({ jwt: 'x' }))).toEqual({
      status: 400,
      errors: ['missing role'],
    });
    expect(await apiError(t.backend, t.login({ role: 'deploy' }))).toEqual({
      status: 400,
      errors: ['missing token'],
    });
    expect(await apiError(t.backend, t.login({ role: 'ghost', jwt: 'x' }))).toEqual({
      status: 400,
      errors: ['role "ghost" could not be found'],
    });
    expect(await apiError(t.backend, t.login({ role: 'deploy', jwt: 'x.y' }))).toEqual({
      status: 400,
      errors: [
        'error validating token: error verifying token signature: go-jose/go-jose: compact JWS format must have three parts',
      ],
    });
    expect(await apiError(t.backend, devRequest(t.mount, 'update', 'role/web', {}, t.root))).toEqual({
      status: 400,
      errors: ["'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified."],
    });
    await t.write('role/web', { allowed_redirect_uris: 'http://localhost:8250/oidc/callback' });
    expect(await apiError(t.backend, t.login({ role: 'web', jwt: fakeJwt(t.claims) }))).toEqual({
      status: 400,
      errors: ['role with oidc role_type is not allowed'],
    });
  });

  it('renews under the role as it is now, and fails the renewal once the role is deleted', async () => {
    const t = await setup();
    const reply = await logical(t.backend, t.login({ role: 'deploy', jwt: fakeJwt(t.claims) }));
    const token = t.store.lookup(reply.auth?.client_token ?? '');
    const tokens = createTokenBackendFactory(t.store, t.policies)(t.contextFor(t.tokenMount));
    const renew = () => devRequest(t.tokenMount, 'update', 'renew-self', {}, token);
    expect((await logical(tokens, renew())).auth?.lease_duration).toBe(900);
    await t.backend.handle(devRequest(t.mount, 'delete', 'role/deploy', {}, t.root));
    expect(await apiError(tokens, renew())).toEqual({
      status: 500,
      errors: ['1 error occurred:\n\t* role deploy does not exist during renewal\n\n'],
    });
  });

  it('reads the role back with integer seconds and the default leeways', async () => {
    const t = await setup();
    const role = await logical(t.backend, devRequest(t.mount, 'read', 'role/deploy', {}, t.root));
    expect(role.data).toMatchObject({
      role_type: 'jwt',
      bound_audiences: ['vault'],
      user_claim: 'sub',
      token_ttl: 900,
      clock_skew_leeway: 60,
      expiration_leeway: 150,
      not_before_leeway: 150,
    });
  });
});
