// Kubernetes and JWT logins over HTTP against the dev server (AppRole: auth-logins.test.ts).

import vault from 'node-vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevServer } from '../../../src/dev-server/start-dev-server.js';
import { startDevServer } from '../../../src/dev-server/start-dev-server.js';
import { FakeClock } from '../../helpers/fake-clock.js';

let server: DevServer;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0, 0));
  server = await startDevServer({ port: 0, rootToken: 'dev-root', clock, defaultPki: false });
});

afterEach(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown, token: string | undefined = 'dev-root') {
  const response = await fetch(`${server.address}/v1/${path}`, {
    method,
    headers: token === undefined ? {} : { 'X-Vault-Token': token },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'dev' })}.${part(claims)}.${Buffer.from('unverified').toString('base64url')}`;
}

function serviceAccountJwt(name: string, namespace: string): string {
  const iat = Math.floor(clock.now() / 1000);
  return fakeJwt({
    aud: ['https://kubernetes.default.svc'],
    exp: iat + 3600,
    iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': { namespace, serviceaccount: { name, uid: `uid-${namespace}-${name}` } },
    sub: `system:serviceaccount:${namespace}:${name}`,
  });
}

describe('Kubernetes over HTTP', () => {
  it('logs in a bound service account with node-vault, again with a rotated token, and refuses an unbound one', async () => {
    await call('POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
    await call('POST', 'auth/kubernetes/config', { kubernetes_host: 'https://kubernetes.default.svc' });
    await call('POST', 'auth/kubernetes/role/cert-agent', {
      bound_service_account_names: 'cert-agent',
      bound_service_account_namespaces: 'certs',
      token_ttl: 600,
      token_policies: 'pki-agent',
    });
    const client = vault({ endpoint: server.address });
    // node-vault renders the mount from the call's own arguments, so the mount point has to be passed here.
    const first = await client.kubernetesLogin({
      mount_point: 'kubernetes',
      role: 'cert-agent',
      jwt: serviceAccountJwt('cert-agent', 'certs'),
    });
    expect(first.auth).toMatchObject({
      lease_duration: 600,
      metadata: {
        role: 'cert-agent',
        service_account_name: 'cert-agent',
        service_account_namespace: 'certs',
        service_account_uid: 'uid-certs-cert-agent',
      },
    });
    clock.advance(3_000_000);
    const rotated = await client.kubernetesLogin({
      mount_point: 'kubernetes',
      role: 'cert-agent',
      jwt: serviceAccountJwt('cert-agent', 'certs'),
    });
    expect(rotated.auth.entity_id).toBe(first.auth.entity_id);
    expect(rotated.auth.client_token).not.toBe(first.auth.client_token);

    const denied = await call(
      'POST',
      'auth/kubernetes/login',
      { role: 'cert-agent', jwt: serviceAccountJwt('intruder', 'certs') },
      undefined,
    );
    expect(denied).toEqual({ status: 403, json: { errors: ['permission denied'] } });
    expect(await call('POST', 'auth/kubernetes/login', { role: 'ghost', jwt: 'x' }, undefined)).toEqual({
      status: 400,
      json: { errors: ['invalid role name "ghost"'] },
    });
  });
});

describe('JWT over HTTP', () => {
  it('checks audience and bound claims and logs in with the role TTL', async () => {
    await call('POST', 'sys/auth/jwt', { type: 'jwt' });
    await call('POST', 'auth/jwt/config', {
      bound_issuer: 'https://ci.example.com',
      jwks_url: 'https://ci.example.com/jwks',
    });
    await call('POST', 'auth/jwt/role/deploy', {
      role_type: 'jwt',
      bound_audiences: ['vault'],
      bound_claims: { branch: 'main' },
      user_claim: 'sub',
      token_ttl: '5m',
    });
    const iat = Math.floor(clock.now() / 1000);
    const claims = {
      iss: 'https://ci.example.com',
      sub: 'pipeline',
      aud: 'vault',
      branch: 'main',
      iat,
      exp: iat + 300,
    };
    const ok = await call('POST', 'auth/jwt/login', { role: 'deploy', jwt: fakeJwt(claims) }, undefined);
    expect(ok.status).toBe(200);
    expect(ok.json.auth).toMatchObject({
      lease_duration: 300,
      metadata: { role: 'deploy' },
      policies: ['default'],
    });
    expect(
      await call(
        'POST',
        'auth/jwt/login',
        { role: 'deploy', jwt: fakeJwt({ ...claims, branch: 'dev' }) },
        undefined,
      ),
    ).toEqual({
      status: 400,
      json: {
        errors: ['error validating claims: claim "branch" does not match any associated bound claim values'],
      },
    });
    clock.advance(400_000);
    expect(await call('POST', 'auth/jwt/login', { role: 'deploy', jwt: fakeJwt(claims) }, undefined)).toEqual(
      {
        status: 400,
        json: { errors: ['error validating token: invalid expiration time (exp) claim: token is expired'] },
      },
    );
  });
});
