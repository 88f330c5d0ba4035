// The dev server's HTTP core against a fake backend: the envelope and headers, errors and methods, as
// reference/vault-api.md §0 describes them (bodies, tokens and the sealed state: vault-core-requests.test.ts).

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

describe('envelope and headers', () => {
  it('renders every envelope key, nulls when empty, a fresh request id, and a trailing newline', async () => {
    await mountFake();
    const first = await callVault(server(), 'GET', 'fake/echo');
    const second = await callVault(server(), 'GET', 'fake/echo');
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual([
      'request_id',
      'lease_id',
      'renewable',
      'lease_duration',
      'data',
      'wrap_info',
      'warnings',
      'auth',
      'mount_type',
    ]);
    expect(first.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'fake',
    });
    expect(first.json.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second.json.request_id).not.toBe(first.json.request_id);
    expect(first.text.endsWith('}\n')).toBe(true);
  });

  it('sends Content-Type application/json exactly and Cache-Control no-store, on success and error', async () => {
    await mountFake();
    for (const path of ['fake/echo', 'fake/bad', 'nowhere/x']) {
      const reply = await callVault(server(), 'GET', path);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('fills data null, warnings, lease fields and auth from the backend answer', async () => {
    await mountFake();
    expect((await callVault(server(), 'GET', 'fake/nodata')).json.data).toBeNull();
    expect((await callVault(server(), 'GET', 'fake/warn')).json.warnings).toEqual(['careful']);
    const lease = (await callVault(server(), 'GET', 'fake/lease')).json;
    expect(lease).toMatchObject({
      lease_id: 'fake/lease/1',
      lease_duration: 60,
      renewable: true,
      data: { v: 1 },
    });
    const login = (await callVault(server(), 'POST', 'fake/login', { token: null })).json;
    expect(login.data).toBeNull();
    expect(login.auth.client_token).toBe('hvs.fake');
  });

  it('answers 204 with no body for an empty write and 404 {"errors":[]} for an empty read', async () => {
    await mountFake();
    const write = await callVault(server(), 'POST', 'fake/empty', { body: {} });
    expect(write.status).toBe(204);
    expect(write.text).toBe('');
    expect(write.headers['content-type']).toBe('application/json');
    const read = await callVault(server(), 'GET', 'fake/empty');
    expect(read.status).toBe(404);
    expect(read.text).toBe('{"errors":[]}\n');
  });

  it('passes raw bodies through with their own content type', async () => {
    await mountFake();
    const raw = await callVault(server(), 'GET', 'fake/raw');
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toBe('application/pem-certificate-chain');
    expect(raw.text).toBe('-----BEGIN X-----');
  });

  it('keeps a status override on a logical answer (a deleted KV version is a 404 with an envelope)', async () => {
    await mountFake();
    const gone = await callVault(server(), 'GET', 'fake/gone');
    expect(gone.status).toBe(404);
    expect(gone.json.data).toEqual({ data: null });
    expect(gone.json.request_id).toBeTypeOf('string');
  });
});

describe('errors', () => {
  it('maps backend errors to their status with {"errors":[…]}', async () => {
    await mountFake();
    expect(await pick(callVault(server(), 'GET', 'fake/bad'))).toEqual([
      400,
      { errors: ['role rule violated'] },
    ]);
    expect(await pick(callVault(server(), 'GET', 'fake/missing'))).toEqual([404, { errors: [] }]);
    expect(await pick(callVault(server(), 'GET', 'fake/nope'))).toEqual([
      404,
      { errors: ['1 error occurred:\n\t* unsupported path\n\n'] },
    ]);
    expect(await pick(callVault(server(), 'GET', 'fake/crash'))).toEqual([
      500,
      { errors: ['1 error occurred:\n\t* kaput\n\n'] },
    ]);
  });

  it('answers an unknown route with Vault’s 404 text, after the token check', async () => {
    expect(await pick(callVault(server(), 'GET', 'nowhere/at/all'))).toEqual([
      404,
      { errors: ['no handler for route "nowhere/at/all". route entry not found.'] },
    ]);
    expect((await callVault(server(), 'GET', 'nowhere/at/all', { token: null })).status).toBe(403);
  });

  it('answers 404 {"errors":[]} outside /v1/', async () => {
    expect(await pick(callVault(server(), 'GET', '/v2/sys/health'))).toEqual([404, { errors: [] }]);
    expect(await pick(callVault(server(), 'GET', '/'))).toEqual([404, { errors: [] }]);
  });
});

describe('methods', () => {
  it('reads with GET, lists with LIST and ?list=true|1, and adds the trailing slash Vault adds', async () => {
    await mountFake();
    const before = fake.calls.length;
    expect((await callVault(server(), 'LIST', 'fake/keys')).json.data.keys).toEqual(['a', 'b/']);
    expect((await callVault(server(), 'GET', 'fake/keys?list=true')).status).toBe(200);
    expect((await callVault(server(), 'GET', 'fake/keys?list=1')).status).toBe(200);
    const calls = fake.calls.slice(before);
    expect(calls.map((c) => [c.operation, c.path])).toEqual([
      ['list', 'keys/'],
      ['list', 'keys/'],
      ['list', 'keys/'],
    ]);
    expect(calls[1]!.data).toEqual({});
  });

  it('answers a bare 400 to a bad list value, and reads on list=false', async () => {
    await mountFake();
    expect(await pick(callVault(server(), 'GET', 'fake/echo?list=yes'))).toEqual([400, { errors: [] }]);
    expect((await callVault(server(), 'GET', 'fake/echo?list=false')).json.data.operation).toBe('read');
  });

  it('answers 404 to a list with no keys', async () => {
    await mountFake();
    expect(await pick(callVault(server(), 'LIST', 'fake/nokeys'))).toEqual([404, { errors: [] }]);
  });

  it('treats POST and PUT alike, and DELETE as delete with query data', async () => {
    await mountFake();
    const post = await callVault(server(), 'POST', 'fake/echo', { body: { a: 1 } });
    const put = await callVault(server(), 'PUT', 'fake/echo', { body: { a: 1 } });
    expect(post.json.data).toEqual(put.json.data);
    expect(post.json.data).toMatchObject({ operation: 'update', data: { a: 1 } });
    const del = await callVault(server(), 'DELETE', 'fake/echo?versions=1&versions=2');
    expect(del.json.data).toMatchObject({ operation: 'delete', data: { versions: ['1', '2'] } });
  });

  it('turns GET query parameters into data (help is reserved)', async () => {
    await mountFake();
    const read = await callVault(server(), 'GET', 'fake/echo?version=3&help=1');
    expect(read.json.data.data).toEqual({ version: '3' });
  });

  it('requires application/merge-patch+json for PATCH', async () => {
    await mountFake();
    const wrong = await callVault(server(), 'PATCH', 'fake/echo', {
      body: { a: 1 },
      headers: { 'content-type': 'application/json' },
    });
    expect(await pick(Promise.resolve(wrong))).toEqual([
      415,
      { errors: ['PATCH requires Content-Type of application/merge-patch+json, provided application/json'] },
    ]);
    const right = await callVault(server(), 'PATCH', 'fake/echo', {
      body: { a: 1 },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(right.json.data).toMatchObject({ operation: 'patch', data: { a: 1 } });
  });

  it('answers 405 to HEAD outside sys/health and to unknown methods', async () => {
    await mountFake();
    expect((await callVault(server(), 'HEAD', 'fake/echo')).status).toBe(405);
    expect(await pick(callVault(server(), 'OPTIONS', 'fake/echo'))).toEqual([405, { errors: [] }]);
    expect((await callVault(server(), 'HEAD', 'sys/health')).status).toBe(200);
  });
});

async function pick(reply: Promise<{ status: number; json: unknown }>): Promise<[number, unknown]> {
  const r = await reply;
  return [r.status, r.json];
}
