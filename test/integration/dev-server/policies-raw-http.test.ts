// sys/policy and sys/policies/acl over raw HTTP: the exact bodies Vault answers (the 403's multierror text, 204 on
// write and delete, `rules` vs `policy`, 404 with an empty errors array), JSON and base64 documents, and the
// refusals for root, default and unparsable documents.

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../helpers/dev-server.js';

const server = useDevServer({}, 'each');
const call = (method: string, path: string, body?: unknown, token?: string) =>
  callVault(server(), method, path, { body, ...(token === undefined ? {} : { token }) });

const PERMISSION_DENIED = '{"errors":["1 error occurred:\\n\\t* permission denied\\n\\n"]}\n';

async function tokenWith(...policies: string[]): Promise<string> {
  return (await call('POST', 'auth/token/create', { policies })).json.auth.client_token as string;
}

describe('sys/policies/acl', () => {
  it('writes a JSON document, lists, reads and deletes it', async () => {
    const document = JSON.stringify({ path: { 'secret/data/app': { capabilities: ['read'] } } });
    const write = await call('PUT', 'sys/policies/acl/App', { policy: document });
    expect(write.status).toBe(204);
    expect(write.text).toBe('');
    expect((await call('LIST', 'sys/policies/acl')).json.data).toEqual({ keys: ['app', 'default', 'root'] });
    const read = await call('GET', 'sys/policies/acl/app');
    expect(read.json.data).toEqual({ name: 'app', policy: document });
    expect(read.json.name).toBe('app');
    expect((await call('DELETE', 'sys/policies/acl/app')).status).toBe(204);
    const gone = await call('GET', 'sys/policies/acl/app');
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ errors: [] });
  });

  it('accepts a base64 document, as Vault does', async () => {
    const hcl = 'path "pki/issue/dev" { capabilities = ["update"] }';
    const write = await call('PUT', 'sys/policies/acl/b64', { policy: Buffer.from(hcl).toString('base64') });
    expect(write.status).toBe(204);
    expect((await call('GET', 'sys/policies/acl/b64')).json.data.policy).toBe(hcl);
  });

  it.each([
    ['an empty document', 'x', { policy: '' }, "'policy' parameter not supplied or empty"],
    [
      'a bad capability',
      'x',
      { policy: 'path "a" { capabilities = ["all"] }' },
      'failed to parse policy: path "a": invalid capability "all"',
    ],
    [
      'a syntax error',
      'x',
      { policy: 'path "a" {' },
      'failed to parse policy: At 1: expected "}", got end of file',
    ],
    [
      'a rewrite of root',
      'root',
      { policy: 'path "a" { capabilities = ["read"] }' },
      'cannot update "root" policy',
    ],
  ])('refuses %s with 400', async (_name, name, body, message) => {
    const reply = await call('PUT', `sys/policies/acl/${name}`, body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ errors: [message] });
  });

  it('refuses to delete root and default', async () => {
    expect((await call('DELETE', 'sys/policies/acl/default')).json).toEqual({
      errors: ['cannot delete "default" policy'],
    });
    expect((await call('DELETE', 'sys/policies/acl/root')).json).toEqual({
      errors: ['cannot delete "root" policy'],
    });
  });
});

describe('sys/policy (the older API)', () => {
  it('takes `rules`, reads back `rules`, and lists both keys and policies', async () => {
    const rules = 'path "secret/*" { capabilities = ["list"] }';
    expect((await call('PUT', 'sys/policy/lister', { rules })).status).toBe(204);
    expect((await call('GET', 'sys/policy/lister')).json.data).toEqual({ name: 'lister', rules });
    const list = await call('GET', 'sys/policy');
    expect(list.json.data).toEqual({
      keys: ['default', 'lister', 'root'],
      policies: ['default', 'lister', 'root'],
    });
    expect(list.json.policies).toEqual(['default', 'lister', 'root']);
  });
});

describe('enforcement', () => {
  it('answers a denied request with exactly the body Vault writes', async () => {
    const token = await tokenWith('nothing');
    const denied = await call('GET', 'secret/data/app', undefined, token);
    expect(denied.status).toBe(403);
    expect(denied.text).toBe(PERMISSION_DENIED);
  });

  it('checks sys/ paths too, sudo where Vault needs it, and lets a policy open them', async () => {
    await call('PUT', 'sys/policies/acl/admin', {
      policy: `path "sys/policies/acl/*" { capabilities = ["read", "update", "list"] }
path "sys/auth/*" { capabilities = ["update"] }
path "sys/mounts/*" { capabilities = ["update"] }`,
    });
    const token = await tokenWith('admin');
    expect(
      (await call('PUT', 'sys/policies/acl/other', { policy: 'path "a" { capabilities = ["read"] }' }, token))
        .status,
    ).toBe(204);
    expect((await call('LIST', 'sys/policies/acl', undefined, token)).status).toBe(200);
    expect((await call('DELETE', 'sys/policies/acl/other', undefined, token)).status).toBe(403);
    expect((await call('POST', 'sys/mounts/kv2', { type: 'kv' }, token)).status).toBe(204);
    // sys/auth/* is root-protected in Vault: update alone is not enough without sudo.
    expect((await call('POST', 'sys/auth/approle', { type: 'approle' }, token)).status).toBe(403);
    expect((await call('GET', 'sys/dev/requests', undefined, token)).status).toBe(403);
  });

  it('keeps the default policy and the mount preflight working for any token', async () => {
    const token = await tokenWith('nothing');
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).status).toBe(200);
    expect((await call('POST', 'auth/token/renew-self', {}, token)).status).toBe(200);
    // The `vault kv` preflight works for any live token, as in Vault.
    expect((await call('GET', 'sys/internal/ui/mounts/secret/app', undefined, token)).status).toBe(200);
    const wrap = { token, body: { a: 1 }, headers: { 'x-vault-wrap-ttl': '60s' } };
    expect((await callVault(server(), 'POST', 'sys/wrapping/wrap', wrap)).status).toBe(200);
    expect((await call('POST', 'auth/token/revoke-self', {}, token)).status).toBe(204);
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).text).toBe(PERMISSION_DENIED);
  });

  it("grants the token store's sudo-only operations through the sudo capability, not only to root", async () => {
    await call('PUT', 'sys/policies/acl/minter', {
      policy: `path "auth/token/create" { capabilities = ["update", "sudo"] }
path "auth/token/accessors" { capabilities = ["list", "sudo"] }`,
    });
    // `list` on the accessors without `sudo`: a root-protected path, so `list` alone is not enough.
    await call('PUT', 'sys/policies/acl/creator', {
      policy: `path "auth/token/create" { capabilities = ["update"] }
path "auth/token/accessors" { capabilities = ["list"] }`,
    });
    const minter = await tokenWith('minter');
    const creator = await tokenWith('creator');
    const orphan = { policies: ['default'], no_parent: true };
    expect((await call('POST', 'auth/token/create', orphan, minter)).json.auth.orphan).toBe(true);
    expect((await call('POST', 'auth/token/create', orphan, creator)).json).toEqual({
      errors: ['root or sudo privileges required to create orphan token'],
    });
    expect((await call('POST', 'auth/token/create', { policies: ['default'] }, creator)).status).toBe(200);
    expect((await call('LIST', 'auth/token/accessors', undefined, minter)).status).toBe(200);
    expect((await call('LIST', 'auth/token/accessors', undefined, creator)).status).toBe(403);
  });
});

// Vault spends a use of a limited-use token before it acts on the ACL's answer (checkToken returns the entry with
// the 403 "so we can decrement the use count"): a refused request costs a use like any other, whether the path's
// capabilities or the sudo of a root-protected path were missing.
describe('limited-use tokens refused by the ACL', () => {
  async function limited(): Promise<string> {
    await call('PUT', 'sys/policies/acl/lister', {
      policy: 'path "auth/token/accessors" { capabilities = ["list"] }',
    });
    const created = await call('POST', 'auth/token/create', { policies: ['lister'], num_uses: 4 });
    return created.json.auth.client_token as string;
  }
  const usesLeft = async (token: string): Promise<unknown> =>
    (await call('GET', 'auth/token/lookup-self', undefined, token)).json.data.num_uses;

  it('spends a use on a path its policies do not grant', async () => {
    const token = await limited();
    expect(await usesLeft(token)).toBe(3);
    expect((await call('LIST', 'sys/policies/acl', undefined, token)).text).toBe(PERMISSION_DENIED);
    expect(await usesLeft(token)).toBe(1);
  });

  it('spends a use on a root-protected path listed without sudo', async () => {
    const token = await limited();
    expect(await usesLeft(token)).toBe(3);
    expect((await call('LIST', 'auth/token/accessors', undefined, token)).text).toBe(PERMISSION_DENIED);
    expect(await usesLeft(token)).toBe(1);
    // The last use goes on a refusal too, and the token is gone afterwards.
    expect((await call('LIST', 'auth/token/accessors', undefined, token)).status).toBe(403);
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).text).toBe(PERMISSION_DENIED);
  });
});
