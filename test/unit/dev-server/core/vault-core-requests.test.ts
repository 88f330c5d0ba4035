// The dev server's HTTP core against a fake backend: request bodies, the token check and the sealed state, as
// reference/vault-api.md §0 describes them (the envelope, errors and methods: vault-core.test.ts).

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';
import { fakeBackend } from '../support/fake-backend.js';

const fake = fakeBackend();
const server = useDevServer({
  defaultPki: false,
  rootToken: 'root',
  backends: new Map([['fake', fake.registered]]),
});

async function mountFake(): Promise<void> {
  if (server().mounts.find('fake/') === undefined) {
    server().mounts.enable({ class: 'secret', path: 'fake', type: 'fake' });
  }
}

describe('bodies', () => {
  it('accepts JSON, form-encoded and empty bodies', async () => {
    await mountFake();
    const form = await callVault(server(), 'POST', 'fake/echo', {
      body: 'a=1&b=x&b=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.json.data.data).toEqual({ a: '1', b: ['x', 'y'] });
    // A form content type with a JSON body is read as JSON, as Vault peeks at the first byte.
    const jsonish = await callVault(server(), 'POST', 'fake/echo', {
      body: '{"n": 5}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(jsonish.json.data.data).toEqual({ n: 5 });
    expect((await callVault(server(), 'POST', 'fake/echo')).json.data.data).toEqual({});
  });

  it('refuses malformed JSON and non-object JSON with 400 and Go’s wording', async () => {
    await mountFake();
    expect(await pick(callVault(server(), 'POST', 'fake/echo', { body: '{"a":' }))).toEqual([
      400,
      { errors: ['failed to parse JSON input: unexpected EOF'] },
    ]);
    const bad = await callVault(server(), 'POST', 'fake/echo', { body: '{x}' });
    expect(bad.json.errors[0]).toBe(
      "failed to parse JSON input: invalid character 'x' looking for beginning of value",
    );
    const array = await callVault(server(), 'POST', 'fake/echo', { body: '[1]' });
    expect(array.json.errors[0]).toBe(
      'failed to parse JSON input: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });

  it('refuses a body over 32 MiB with 413', async () => {
    await mountFake();
    const big = Buffer.alloc(32 * 1024 * 1024 + 1, 0x20);
    expect(await pick(callVault(server(), 'POST', 'fake/echo', { body: big }))).toEqual([
      413,
      { errors: ['http: request body too large'] },
    ]);
  });
});

describe('tokens', () => {
  it('accepts X-Vault-Token and Authorization: Bearer, X-Vault-Token winning', async () => {
    await mountFake();
    const bearer = await callVault(server(), 'GET', 'fake/echo', {
      token: null,
      headers: { authorization: 'Bearer root' },
    });
    expect(bearer.json.data.token).toBe('root');
    const both = await callVault(server(), 'GET', 'fake/echo', {
      token: 'nope',
      headers: { authorization: 'Bearer root' },
    });
    expect(both.status).toBe(403);
  });

  it('answers 403 permission denied for a missing, unknown or revoked token', async () => {
    await mountFake();
    const denied = [403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] }];
    expect(await pick(callVault(server(), 'GET', 'fake/echo', { token: null }))).toEqual(denied);
    expect(await pick(callVault(server(), 'GET', 'fake/echo', { token: 'hvs.unknown' }))).toEqual(denied);
    const created = await callVault(server(), 'POST', 'auth/token/create', { body: { ttl: '1h' } });
    const child = created.json.auth.client_token as string;
    expect((await callVault(server(), 'GET', 'fake/echo', { token: child })).status).toBe(200);
    expect((await callVault(server(), 'POST', 'auth/token/revoke-self', { token: child })).status).toBe(204);
    expect(await pick(callVault(server(), 'GET', 'fake/echo', { token: child }))).toEqual(denied);
  });

  it('lets unauthenticated paths through without a token, and ignores a bad one there', async () => {
    await mountFake();
    expect((await callVault(server(), 'GET', 'fake/public/x', { token: null })).json.data.token).toBeNull();
    expect((await callVault(server(), 'GET', 'fake/public/x', { token: 'bogus' })).status).toBe(200);
  });

  it('spends one use of a limited token per authenticated request', async () => {
    await mountFake();
    const created = await callVault(server(), 'POST', 'auth/token/create', { body: { num_uses: 2 } });
    const token = created.json.auth.client_token as string;
    expect((await callVault(server(), 'GET', 'fake/echo', { token })).status).toBe(200);
    expect((await callVault(server(), 'GET', 'fake/echo', { token })).status).toBe(200);
    expect((await callVault(server(), 'GET', 'fake/echo', { token })).status).toBe(403);
  });

  it("asks for sudo on the backend's root paths before the backend sees the request", async () => {
    await mountFake();
    const read = (paths: string[], caps: string) =>
      paths.map((p) => `path "fake/${p}" { capabilities = [${caps}] }`).join('\n');
    const paths = ['sudo/x', 'sudo-exact', 'sudo-exactly'];
    const withPolicy = async (name: string, policy: string): Promise<string> => {
      await callVault(server(), 'PUT', `sys/policies/acl/${name}`, { body: { policy } });
      const created = await callVault(server(), 'POST', 'auth/token/create', { body: { policies: [name] } });
      return created.json.auth.client_token as string;
    };
    const reader = await withPolicy('reader', read(paths, '"read"'));
    const sudoer = await withPolicy('sudoer', read(paths, '"read", "sudo"'));
    const before = fake.calls.length;
    expect((await callVault(server(), 'GET', 'fake/sudo/x', { token: reader })).status).toBe(403);
    expect((await callVault(server(), 'GET', 'fake/sudo-exact', { token: reader })).status).toBe(403);
    expect(fake.calls.length).toBe(before);
    // An exact root path protects only itself.
    expect((await callVault(server(), 'GET', 'fake/sudo-exactly', { token: reader })).status).toBe(200);
    for (const path of paths) {
      expect((await callVault(server(), 'GET', `fake/${path}`, { token: sudoer })).status).toBe(200);
    }
  });
});

describe('sealed', () => {
  it('answers 503 Vault is sealed on every non-sys path until unsealed', async () => {
    await mountFake();
    server().seal();
    try {
      expect(await pick(callVault(server(), 'GET', 'fake/echo'))).toEqual([
        503,
        { errors: ['Vault is sealed'] },
      ]);
      expect((await callVault(server(), 'GET', 'sys/mounts')).status).toBe(503);
      expect((await callVault(server(), 'GET', 'sys/seal-status')).status).toBe(200);
    } finally {
      server().unseal();
    }
    expect((await callVault(server(), 'GET', 'fake/echo')).status).toBe(200);
  });
});

async function pick(reply: Promise<{ status: number; json: unknown }>): Promise<[number, unknown]> {
  const r = await reply;
  return [r.status, r.json];
}
