// KV v2 as Vault's kv plugin answers it (reference/vault-api.md §4): versions, check-and-set, soft deletion,
// metadata and listing, driven over HTTP with a hand-moved clock.

import { describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../../helpers/dev-server.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const clock = new FakeClock(Date.UTC(2025, 0, 1));
const server = useDevServer({ defaultPki: false, rootToken: 'root', clock }, 'each');
const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const write = (path: string, body: unknown) => callVault(server(), 'POST', `secret/data/${path}`, { body });
const read = (path: string) => callVault(server(), 'GET', `secret/data/${path}`);

describe('secret/data', () => {
  it('writes versions and reads the latest or a given one, with metadata', async () => {
    const first = await write('app', { data: { user: 'a' } });
    expect(first.json.data).toEqual({
      created_time: at(clock.now()),
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
    clock.advance(5000);
    expect((await write('app', { data: { user: 'b' } })).json.data.version).toBe(2);
    const latest = await read('app');
    expect(latest.json.data).toEqual({
      data: { user: 'b' },
      metadata: {
        created_time: at(clock.now()),
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 2,
      },
    });
    expect(latest.json.mount_type).toBe('kv');
    expect((await read('app?version=1')).json.data.data).toEqual({ user: 'a' });
    expect([(await read('app?version=7')).status, (await read('app?version=7')).json]).toEqual([
      404,
      { errors: [] },
    ]);
    expect([(await read('missing')).status, (await read('missing')).text]).toEqual([404, '{"errors":[]}\n']);
  });

  it('enforces check-and-set', async () => {
    expect((await write('db', { data: { a: 1 }, options: { cas: 0 } })).status).toBe(200);
    const stale = await write('db', { data: { a: 2 }, options: { cas: 0 } });
    expect([stale.status, stale.json]).toEqual([
      400,
      { errors: ['check-and-set parameter did not match the current version'] },
    ]);
    expect((await write('db', { data: { a: 2 }, options: { cas: 1 } })).json.data.version).toBe(2);
    await callVault(server(), 'POST', 'secret/config', { body: { cas_required: true } });
    expect((await write('db', { data: { a: 3 } })).json.errors).toEqual([
      'check-and-set parameter required for this call',
    ]);
  });

  it('refuses a write without data', async () => {
    expect((await write('x', {})).json).toEqual({ errors: ['no data provided'] });
  });

  it('soft-deletes the latest version: a 404 that still carries the envelope and deletion_time', async () => {
    await write('gone', { data: { a: 1 } });
    clock.advance(3000);
    expect((await callVault(server(), 'DELETE', 'secret/data/gone')).status).toBe(204);
    const reply = await read('gone');
    expect(reply.status).toBe(404);
    expect(reply.json).toMatchObject({
      lease_id: '',
      data: { data: null, metadata: { deletion_time: at(clock.now()), destroyed: false, version: 1 } },
      mount_type: 'kv',
    });
    expect(
      (await callVault(server(), 'POST', 'secret/undelete/gone', { body: { versions: [1] } })).status,
    ).toBe(204);
    expect((await read('gone')).json.data.data).toEqual({ a: 1 });
    await callVault(server(), 'POST', 'secret/destroy/gone', { body: { versions: [1] } });
    const destroyed = await read('gone');
    expect([destroyed.status, destroyed.json.data.metadata.destroyed]).toEqual([404, true]);
  });

  it('patches with a JSON merge patch into a new version', async () => {
    await write('p', { data: { a: 1, b: { c: 2, d: 3 } } });
    const patched = await callVault(server(), 'PATCH', 'secret/data/p', {
      body: { data: { a: null, b: { d: 4 } } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.json.data.version).toBe(2);
    expect((await read('p')).json.data.data).toEqual({ b: { c: 2, d: 4 } });
  });
});

describe('secret/metadata', () => {
  it('reads the metadata of every version, lists folders, and deletes everything', async () => {
    const created = clock.now();
    await write('team/a', { data: { x: 1 } });
    clock.advance(1000);
    await write('team/a', { data: { x: 2 } });
    await write('team/sub/b', { data: { x: 1 } });
    await write('top', { data: { x: 1 } });
    const meta = await callVault(server(), 'GET', 'secret/metadata/team/a');
    expect(meta.json.data).toEqual({
      cas_required: false,
      created_time: at(created),
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: at(clock.now()),
      versions: {
        '1': { created_time: at(created), deletion_time: '', destroyed: false },
        '2': { created_time: at(clock.now()), deletion_time: '', destroyed: false },
      },
    });
    expect((await callVault(server(), 'LIST', 'secret/metadata')).json.data.keys).toEqual(['team/', 'top']);
    expect((await callVault(server(), 'LIST', 'secret/metadata/team')).json.data.keys).toEqual(['a', 'sub/']);
    expect((await callVault(server(), 'LIST', 'secret/metadata/none')).status).toBe(404);
    expect((await callVault(server(), 'DELETE', 'secret/metadata/team/a')).status).toBe(204);
    expect((await read('team/a')).status).toBe(404);
    expect((await callVault(server(), 'GET', 'secret/metadata/team/a')).status).toBe(404);
  });

  it('keeps at most max_versions versions', async () => {
    await callVault(server(), 'POST', 'secret/metadata/m', { body: { max_versions: 2 } });
    for (let i = 1; i <= 3; i++) await write('m', { data: { i } });
    const meta = (await callVault(server(), 'GET', 'secret/metadata/m')).json.data;
    expect([meta.current_version, meta.oldest_version, Object.keys(meta.versions)]).toEqual([
      3,
      2,
      ['2', '3'],
    ]);
    expect((await read('m?version=1')).status).toBe(404);
  });
});

describe('paths the plugin does not serve', () => {
  it('answers unsupported path and unsupported operation', async () => {
    expect((await callVault(server(), 'GET', 'secret/app')).json.errors).toEqual([
      '1 error occurred:\n\t* unsupported path\n\n',
    ]);
    expect((await callVault(server(), 'LIST', 'secret/data/app')).status).toBe(405);
  });
});
