// Response wrapping (reference/vault-api.md §6): X-Vault-Wrap-TTL, single-use unwrap, lookup and wrap.

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const clock = new FakeClock(Date.UTC(2025, 0, 1));
const server = useDevServer({ defaultPki: false, rootToken: 'root', clock });

async function wrappedSecret(ttl = '5m') {
  await callVault(server(), 'POST', 'secret/data/app', { body: { data: { password: 'p' } } });
  return callVault(server(), 'GET', 'secret/data/app', { headers: { 'x-vault-wrap-ttl': ttl } });
}

describe('X-Vault-Wrap-TTL', () => {
  it('answers wrap_info only: empty request id, null data and auth, zero lease', async () => {
    const reply = await wrappedSecret('300');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      request_id: '',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      warnings: null,
      auth: null,
    });
    expect(reply.json.wrap_info).toEqual({
      token: expect.stringMatching(/^hvs\./),
      accessor: expect.stringMatching(/^[0-9A-Za-z]{24}$/),
      ttl: 300,
      creation_time: new Date(clock.now()).toISOString().replace('.000Z', 'Z'),
      creation_path: 'secret/data/app',
    });
  });

  it('refuses a malformed or negative wrap TTL with 400', async () => {
    const bad = await callVault(server(), 'GET', 'secret/data/app', {
      headers: { 'x-vault-wrap-ttl': '5x' },
    });
    expect(bad.json.errors).toEqual([
      'error parsing X-Vault-Wrap-TTL header: time: unknown unit "x" in duration "5x"',
    ]);
    const negative = await callVault(server(), 'GET', 'secret/data/app', {
      headers: { 'x-vault-wrap-ttl': '-5m' },
    });
    expect(negative.json.errors).toEqual([
      'error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative',
    ]);
  });

  it('wraps the auth of a login with wrapped_accessor', async () => {
    const reply = await callVault(server(), 'POST', 'auth/token/create', {
      body: { ttl: '1h' },
      headers: { 'x-vault-wrap-ttl': '1m' },
    });
    const unwrapped = await callVault(server(), 'POST', 'sys/wrapping/unwrap', {
      token: reply.json.wrap_info.token,
    });
    expect(reply.json.wrap_info.wrapped_accessor).toBe(unwrapped.json.auth.accessor);
  });
});

describe('sys/wrapping/unwrap', () => {
  it('returns the original envelope once, with the wrapping token in X-Vault-Token', async () => {
    const token = (await wrappedSecret()).json.wrap_info.token as string;
    const first = await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token });
    expect(first.status).toBe(200);
    expect(first.json.data.data).toEqual({ password: 'p' });
    expect(first.json.mount_type).toBe('kv');
    expect(first.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token });
    expect([second.status, second.json]).toEqual([
      400,
      { errors: ['wrapping token is not valid or does not exist'] },
    ]);
  });

  it('accepts the wrapping token in the body with another valid token in the header', async () => {
    const token = (await wrappedSecret()).json.wrap_info.token as string;
    expect(
      (await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token: null, body: { token } })).status,
    ).toBe(403);
    const reply = await callVault(server(), 'POST', 'sys/wrapping/unwrap', { body: { token } });
    expect(reply.json.data.data).toEqual({ password: 'p' });
  });

  it('refuses an expired wrapping token, and the wrapping token is good for nothing else', async () => {
    const token = (await wrappedSecret('10s')).json.wrap_info.token as string;
    expect((await callVault(server(), 'GET', 'secret/data/app', { token })).status).toBe(403);
    clock.advance(11_000);
    const reply = await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token });
    expect(reply.json.errors).toEqual(['wrapping token is not valid or does not exist']);
  });
});

describe('sys/wrapping/lookup and wrap', () => {
  it('looks a wrapping token up without a client token and without spending it', async () => {
    const token = (await wrappedSecret('2m')).json.wrap_info.token as string;
    const lookup = await callVault(server(), 'POST', 'sys/wrapping/lookup', { token: null, body: { token } });
    expect(lookup.json.data).toEqual({
      creation_path: 'secret/data/app',
      creation_time: expect.any(String),
      creation_ttl: 120,
    });
    expect((await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token })).status).toBe(200);
    const after = await callVault(server(), 'POST', 'sys/wrapping/lookup', { body: { token } });
    expect(after.status).toBe(400);
  });

  it('wraps posted data, and needs a wrap TTL to do so', async () => {
    const wrapped = await callVault(server(), 'POST', 'sys/wrapping/wrap', {
      body: { hello: 'world' },
      headers: { 'x-vault-wrap-ttl': '1m' },
    });
    const token = wrapped.json.wrap_info.token as string;
    expect(wrapped.json.wrap_info.creation_path).toBe('sys/wrapping/wrap');
    expect((await callVault(server(), 'POST', 'sys/wrapping/unwrap', { token })).json.data).toEqual({
      hello: 'world',
    });
    const unwrapped = await callVault(server(), 'POST', 'sys/wrapping/wrap', { body: { hello: 'world' } });
    expect(unwrapped.json.errors).toEqual(['endpoint requires response wrapping to be used']);
  });
});
