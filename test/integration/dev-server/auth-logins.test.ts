// AppRole logins against the in-process dev server over HTTP, with a hand-driven clock: mounting through sys/auth,
// the login envelope, role-driven TTLs at renewal, and Vault's login errors (Kubernetes, JWT: auth-logins-k8s-jwt).

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

describe('AppRole over HTTP', () => {
  async function appRole() {
    expect((await call('POST', 'sys/auth/approle', { type: 'approle' })).status).toBe(204);
    const role = await call('POST', 'auth/approle/role/cert-agent', {
      token_ttl: '20m',
      token_max_ttl: '1h',
      token_policies: 'pki-agent',
      secret_id_num_uses: 3,
    });
    expect(role.status).toBe(204);
    const roleId = (await call('GET', 'auth/approle/role/cert-agent/role-id')).json.data.role_id as string;
    const secret = await call('POST', 'auth/approle/role/cert-agent/secret-id', {});
    return { roleId, secretId: secret.json.data.secret_id as string };
  }

  it('reads role TTLs back as integers and logs in with the envelope and auth block of §3', async () => {
    const { roleId, secretId } = await appRole();
    const role = await call('GET', 'auth/approle/role/cert-agent');
    expect(role.json.data).toMatchObject({
      token_ttl: 1200,
      token_max_ttl: 3600,
      secret_id_num_uses: 3,
      token_policies: ['pki-agent'],
    });

    const login = await call(
      'POST',
      'auth/approle/login',
      { role_id: roleId, secret_id: secretId },
      undefined,
    );
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      warnings: null,
      auth: {
        policies: ['default', 'pki-agent'],
        token_policies: ['default', 'pki-agent'],
        metadata: { role_name: 'cert-agent' },
        lease_duration: 1200,
        renewable: true,
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    });
    const looked = await call('GET', 'auth/token/lookup-self', undefined, login.json.auth.client_token);
    expect(looked.json.data).toMatchObject({
      path: 'auth/approle/login',
      display_name: 'approle',
      ttl: 1200,
      meta: { role_name: 'cert-agent' },
    });
  });

  it('renews with the role TTL up to its max, then the token dies and answers 403', async () => {
    const { roleId, secretId } = await appRole();
    const client = vault({ endpoint: server.address });
    const login = await client.approleLogin({ role_id: roleId, secret_id: secretId });
    expect(client.token).toBe(login.auth.client_token);
    expect(login.auth.lease_duration).toBe(1200);

    clock.advance(1_000_000);
    expect((await client.tokenRenewSelf()).auth.lease_duration).toBe(1200);
    clock.advance(1_100_000);
    const capped = await client.tokenRenewSelf({ increment: '2h' });
    expect(capped.auth.lease_duration).toBe(1500);
    expect(capped.warnings).toEqual([
      'TTL of "2h" exceeded the effective max_ttl of "25m"; TTL value is capped accordingly',
    ]);
    clock.advance(1_500_000);
    const denied = await call('POST', 'auth/token/renew-self', {}, login.auth.client_token);
    expect(denied).toEqual({
      status: 403,
      json: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
    });
  });

  it('answers bad credentials with 400s and spends secret_id uses', async () => {
    const { roleId, secretId } = await appRole();
    expect(await call('POST', 'auth/approle/login', {}, undefined)).toEqual({
      status: 400,
      json: { errors: ['missing role_id'] },
    });
    expect(await call('POST', 'auth/approle/login', { role_id: roleId }, undefined)).toEqual({
      status: 400,
      json: { errors: ['missing secret_id'] },
    });
    for (let use = 0; use < 3; use += 1) {
      expect(
        (await call('POST', 'auth/approle/login', { role_id: roleId, secret_id: secretId }, undefined))
          .status,
      ).toBe(200);
    }
    expect(
      await call('POST', 'auth/approle/login', { role_id: roleId, secret_id: secretId }, undefined),
    ).toEqual({
      status: 400,
      json: { errors: ['invalid role or secret ID'] },
    });
  });
});
