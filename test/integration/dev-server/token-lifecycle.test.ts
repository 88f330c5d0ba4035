// The token endpoints of the in-process dev server over HTTP, with a hand-driven clock: raw fetch for the exact
// wire shapes, node-vault for what a third-party client sees.

import vault from 'node-vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevServer } from '../../../src/dev-server/start-dev-server.js';
import { startDevServer } from '../../../src/dev-server/start-dev-server.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };

let server: DevServer;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0, 0));
  server = await startDevServer({ port: 0, rootToken: 'dev-root', clock, defaultPki: false });
});

afterEach(async () => {
  await server.close();
});

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${server.address}/v1/${path}`, {
    method,
    headers: token === undefined ? {} : { 'X-Vault-Token': token },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: text === '' ? undefined : JSON.parse(text),
  };
}

describe('token lifecycle over raw HTTP', () => {
  it('ttl=5s, explicit_max_ttl=12s: lookup shows both, renewal is capped with a warning, then 403 everywhere', async () => {
    const created = await call('POST', 'auth/token/create', 'dev-root', {
      ttl: '5s',
      explicit_max_ttl: '12s',
      policies: ['agent'],
    });
    expect(created.status).toBe(200);
    expect(created.type).toBe('application/json');
    expect(created.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      // Vault warns (and still creates the token) when a policy does not exist yet.
      warnings: ['Policy "agent" does not exist'],
      auth: {
        lease_duration: 5,
        renewable: true,
        orphan: false,
        policies: ['agent', 'default'],
        token_type: 'service',
      },
    });
    const token = created.json.auth.client_token as string;

    const looked = await call('GET', 'auth/token/lookup-self', token);
    expect(looked.json.data).toMatchObject({
      ttl: 5,
      creation_ttl: 5,
      explicit_max_ttl: 12,
      expire_time: '2025-01-01T12:00:05Z',
      renewable: true,
      issue_time: '2025-01-01T12:00:00Z',
    });
    expect(looked.json.auth).toBeNull();

    clock.advance(4000);
    const renewed = await call('POST', 'auth/token/renew-self', token, { increment: '1h' });
    expect(renewed.status).toBe(200);
    expect(renewed.json.auth.lease_duration).toBe(8);
    expect(renewed.json.auth.client_token).toBe(token);
    expect(renewed.json.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "8s"; TTL value is capped accordingly',
    ]);

    clock.advance(7000);
    expect((await call('GET', 'auth/token/lookup-self', token)).json.data.ttl).toBe(1);
    clock.advance(1000);
    for (const [method, path] of [
      ['GET', 'auth/token/lookup-self'],
      ['POST', 'auth/token/renew-self'],
      ['POST', 'auth/token/revoke-self'],
    ] as const) {
      const denied = await call(method, path, token);
      expect(denied.status).toBe(403);
      expect(denied.json).toEqual(PERMISSION_DENIED);
    }
  });

  it('revoke-self answers 204 and the token is gone; lookup of an unknown token is a 403 "bad token"', async () => {
    const token = (await call('POST', 'auth/token/create', 'dev-root', {})).json.auth.client_token as string;
    const revoked = await call('POST', 'auth/token/revoke-self', token);
    expect(revoked.status).toBe(204);
    expect(revoked.json).toBeUndefined();
    expect((await call('GET', 'auth/token/lookup-self', token)).status).toBe(403);
    const lookup = await call('POST', 'auth/token/lookup', 'dev-root', { token });
    expect(lookup).toMatchObject({ status: 403, json: { errors: ['bad token'] } });
  });

  it('answers the root token\'s renewal with "invalid lease ID" and bad input with token-create wording', async () => {
    expect(await call('POST', 'auth/token/renew-self', 'dev-root')).toMatchObject({
      status: 400,
      json: { errors: ['invalid lease ID'] },
    });
    expect(await call('POST', 'auth/token/create', 'dev-root', { explicit_max_ttl: 'soon' })).toMatchObject({
      status: 400,
      json: { errors: ["'explicit_max_ttl' value could not be parsed"] },
    });
  });
});

describe('token lifecycle through node-vault', () => {
  it('tokenCreate, tokenLookupSelf and tokenRenewSelf behave as against Vault, and expiry rejects with 403', async () => {
    const client = vault({ endpoint: server.address, token: 'dev-root' });
    const created = await client.tokenCreate({ ttl: '5s', explicit_max_ttl: '12s' });
    expect(client.token).toBe(created.auth.client_token);

    const looked = await client.tokenLookupSelf();
    expect(looked.data).toMatchObject({
      ttl: 5,
      explicit_max_ttl: 12,
      path: 'auth/token/create',
      display_name: 'token',
    });

    clock.advance(3000);
    const renewed = await client.tokenRenewSelf({ increment: 3600 });
    expect(renewed.auth.lease_duration).toBe(9);
    expect(renewed.warnings).toHaveLength(1);

    clock.advance(9000);
    const failure = await client.tokenLookupSelf().then(
      () => undefined,
      (error: { message: string; response: { statusCode: number; body: unknown } }) => error,
    );
    expect(failure?.response.statusCode).toBe(403);
    expect(failure?.message).toBe('1 error occurred:\n\t* permission denied\n\n');
    expect(failure?.response.body).toEqual(PERMISSION_DENIED);
  });
});
