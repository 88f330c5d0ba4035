import { describe, expect, it } from 'vitest';
import { createKubernetesBackendFactory } from '../../../../src/dev-server/auth/kubernetes-backend.js';
import type { AuthBlock } from '../../../../src/dev-server/types.js';
import { apiError, devRequest, devWorld, logical, mountEntry } from '../token/dev-fixtures.js';
import { epoch, fakeJwt } from './jwt-fixtures.js';

function setup() {
  const mount = mountEntry('auth/kubernetes/', 'kubernetes');
  const world = devWorld([mount]);
  const backend = createKubernetesBackendFactory(world.store)(world.contextFor(mount));
  const write = (path: string, data: Record<string, unknown>) =>
    backend.handle(devRequest(mount, 'update', path, data, world.root));
  const login = (data: Record<string, unknown>) => devRequest(mount, 'update', 'login', data);
  return { ...world, mount, backend, write, login };
}

// A secret-based (legacy) service-account token: flat claims, no expiry.
function legacyToken(name: string, namespace: string) {
  return fakeJwt({
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': `${name}-token-x7k2p`,
    'kubernetes.io/serviceaccount/service-account.name': name,
    'kubernetes.io/serviceaccount/service-account.uid': 'b0e5c1a2-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
    sub: `system:serviceaccount:${namespace}:${name}`,
  });
}

// A projected (bound) token as the kubelet rotates it: nested claims, an hour of life.
function projectedToken(
  nowMs: number,
  name: string,
  namespace: string,
  audience = 'https://kubernetes.default.svc',
) {
  const iat = epoch(nowMs);
  return fakeJwt({
    aud: [audience],
    exp: iat + 3600,
    iat,
    nbf: iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': {
      namespace,
      pod: { name: `${name}-7d9f8`, uid: 'pod-uid' },
      serviceaccount: { name, uid: 'b0e5c1a2-3d4f-4a6b-8c9d-0e1f2a3b4c5d' },
    },
    sub: `system:serviceaccount:${namespace}:${name}`,
  });
}

async function configured() {
  const t = setup();
  await t.write('config', { kubernetes_host: 'https://10.0.0.1:443', token_reviewer_jwt: 'secret-reviewer' });
  await t.write('role/cert-agent', {
    bound_service_account_names: 'cert-agent,web-*',
    bound_service_account_namespaces: ['certs'],
    token_ttl: '10m',
    token_max_ttl: '1h',
    token_policies: 'pki-agent',
  });
  return t;
}

describe('Kubernetes auth config and roles', () => {
  it('stores the config without echoing the reviewer JWT, and reads roles back', async () => {
    const t = await configured();
    const config = await logical(t.backend, devRequest(t.mount, 'read', 'config', {}, t.root));
    expect(config.data).toMatchObject({
      kubernetes_host: 'https://10.0.0.1:443',
      token_reviewer_jwt_set: true,
    });
    expect(JSON.stringify(config.data)).not.toContain('secret-reviewer');
    const role = await logical(t.backend, devRequest(t.mount, 'read', 'role/cert-agent', {}, t.root));
    expect(role.data).toMatchObject({
      bound_service_account_names: ['cert-agent', 'web-*'],
      bound_service_account_namespaces: ['certs'],
      token_ttl: 600,
      token_max_ttl: 3600,
      token_policies: ['pki-agent'],
      alias_name_source: 'serviceaccount_uid',
    });
    expect(
      await apiError(
        t.backend,
        devRequest(t.mount, 'update', 'role/empty', { bound_service_account_namespaces: 'x' }, t.root),
      ),
    ).toEqual({
      status: 400,
      errors: ['"bound_service_account_names" can not be empty'],
    });
  });
});

describe('Kubernetes login', () => {
  it('logs a bound service account in with the role TTL and Vault metadata', async () => {
    const t = await configured();
    const reply = await logical(
      t.backend,
      t.login({ role: 'cert-agent', jwt: legacyToken('cert-agent', 'certs') }),
    );
    const auth = reply.auth as AuthBlock;
    expect(reply.data).toBeNull();
    expect(auth).toMatchObject({
      policies: ['default', 'pki-agent'],
      lease_duration: 600,
      orphan: true,
      renewable: true,
      metadata: {
        role: 'cert-agent',
        service_account_name: 'cert-agent',
        service_account_namespace: 'certs',
        service_account_secret_name: 'cert-agent-token-x7k2p',
        service_account_uid: 'b0e5c1a2-3d4f-4a6b-8c9d-0e1f2a3b4c5d',
      },
    });
    expect(t.store.lookup(auth.client_token)?.displayName).toBe('kubernetes-certs-cert-agent');
  });

  it('accepts a rotated projected token for the same service account (same entity) and glob-bound names', async () => {
    const t = await configured();
    const first = await logical(
      t.backend,
      t.login({ role: 'cert-agent', jwt: projectedToken(t.clock.now(), 'cert-agent', 'certs') }),
    );
    t.clock.advance(2_400_000);
    const rotated = await logical(
      t.backend,
      t.login({ role: 'cert-agent', jwt: projectedToken(t.clock.now(), 'cert-agent', 'certs') }),
    );
    expect(rotated.auth?.entity_id).toBe(first.auth?.entity_id);
    expect(rotated.auth?.metadata?.service_account_secret_name).toBe('');
    const web = await logical(
      t.backend,
      t.login({ role: 'cert-agent', jwt: projectedToken(t.clock.now(), 'web-frontend', 'certs') }),
    );
    expect(web.auth?.metadata?.service_account_name).toBe('web-frontend');
  });

  it('answers unbound, expired and undecodable tokens with a bare 403', async () => {
    const t = await configured();
    const denied = { status: 403, errors: ['permission denied'] };
    expect(
      await apiError(t.backend, t.login({ role: 'cert-agent', jwt: legacyToken('other', 'certs') })),
    ).toEqual(denied);
    expect(
      await apiError(t.backend, t.login({ role: 'cert-agent', jwt: legacyToken('cert-agent', 'default') })),
    ).toEqual(denied);
    const expired = projectedToken(t.clock.now() - 3_700_000, 'cert-agent', 'certs');
    expect(await apiError(t.backend, t.login({ role: 'cert-agent', jwt: expired }))).toEqual(denied);
    expect(await apiError(t.backend, t.login({ role: 'cert-agent', jwt: 'not-a-jwt' }))).toEqual(denied);
    // Within cap's 60 s clock-skew leeway an expired token still passes, as against real Vault.
    const barely = projectedToken(t.clock.now() - 3_630_000, 'cert-agent', 'certs');
    expect(
      (await logical(t.backend, t.login({ role: 'cert-agent', jwt: barely }))).auth?.lease_duration,
    ).toBe(600);
  });

  it('checks the role audience and answers missing fields and unknown roles with 400s', async () => {
    const t = await configured();
    await t.write('role/aud', {
      bound_service_account_names: '*',
      bound_service_account_namespaces: '*',
      audience: 'vault',
    });
    const now = t.clock.now();
    expect(await apiError(t.backend, t.login({ role: 'aud', jwt: projectedToken(now, 'x', 'y') }))).toEqual({
      status: 403,
      errors: ['permission denied'],
    });
    expect(
      (await logical(t.backend, t.login({ role: 'aud', jwt: projectedToken(now, 'x', 'y', 'vault') }))).auth
        ?.metadata?.role,
    ).toBe('aud');
    expect(await apiError(t.backend, t.login({ jwt: 'x' }))).toEqual({
      status: 400,
      errors: ['missing role'],
    });
    expect(await apiError(t.backend, t.login({ role: 'aud' }))).toEqual({
      status: 400,
      errors: ['missing jwt'],
    });
    expect(await apiError(t.backend, t.login({ role: 'nope', jwt: 'x' }))).toEqual({
      status: 400,
      errors: ['invalid role name "nope"'],
    });
  });

  it('refuses logins before the mount is configured', async () => {
    const t = setup();
    await t.write('role/r', { bound_service_account_names: '*', bound_service_account_namespaces: '*' });
    expect(await apiError(t.backend, t.login({ role: 'r', jwt: legacyToken('a', 'b') }))).toEqual({
      status: 500,
      errors: ['could not load backend configuration'],
    });
  });
});
