// The real dev server (port 0) driven by a third-party Vault client, node-vault: what works against it should
// work against Vault. Health, seal/unseal, mounts and tuning, KV v2, tokens, and errors as node-vault sees them.

import vault from 'node-vault';
import { describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';

const server = useDevServer({}, 'each');

function client(token: string | undefined = server().rootToken, options: Record<string, unknown> = {}) {
  return vault({ apiVersion: 'v1', endpoint: server().address, token, ...options });
}

describe('node-vault against the dev server', () => {
  it('reads health and seal status, seals and unseals', async () => {
    const v = client();
    expect(await v.health()).toMatchObject({ initialized: true, sealed: false, version: '1.18.3' });
    expect(await v.status()).toMatchObject({ sealed: false, t: 1, n: 1, progress: 0 });
    await v.seal();
    // node-vault resolves sys/health with the body whatever the status (503 here).
    expect(await v.health()).toMatchObject({ sealed: true });
    await expect(v.read('secret/data/anything')).rejects.toThrow('Vault is sealed');
    expect(await v.unseal({ key: server().unsealKey })).toMatchObject({ sealed: false });
    expect((await v.health()).sealed).toBe(false);
  });

  it('lists the dev-mode mounts: secret/ as KV v2 and pki/ with a 10-year max TTL', async () => {
    const mounts = await client().mounts();
    expect(mounts.data['secret/']).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(mounts.data['pki/']).toMatchObject({ type: 'pki', config: { max_lease_ttl: 315_360_000 } });
    const auths = await client().auths();
    expect(auths.data['token/'].type).toBe('token');
  });

  it('mounts, tunes and unmounts an engine, and enables an auth method', async () => {
    const v = client();
    await v.mount({ mount_point: 'kv-app', type: 'kv', options: { version: '2' } });
    await v.write('sys/mounts/kv-app/tune', { max_lease_ttl: '87600h', default_lease_ttl: '1h' });
    const tune = await v.read('sys/mounts/kv-app/tune');
    expect(tune.data).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 315_360_000 });
    await expect(v.mount({ mount_point: 'kv-app', type: 'kv' })).rejects.toThrow(
      'path is already in use at kv-app/',
    );
    await v.unmount({ mount_point: 'kv-app' });
    expect((await v.mounts()).data['kv-app/']).toBeUndefined();
    await v.enableAuth({ mount_point: 'approle', type: 'approle' });
    expect((await v.auths()).data['approle/'].type).toBe('approle');
  });

  it('round-trips KV v2 secrets, with LIST and with ?list=1', async () => {
    const v = client();
    const written = await v.write('secret/data/app/db', { data: { user: 'svc', password: 's3cr3t' } });
    expect(written.data.version).toBe(1);
    const read = await v.read('secret/data/app/db');
    expect(read.data.data).toEqual({ user: 'svc', password: 's3cr3t' });
    expect(read.data.metadata.version).toBe(1);
    expect((await v.list('secret/metadata/app')).data.keys).toEqual(['db']);
    const noVerbs = client(server().rootToken, { noCustomHTTPVerbs: true });
    expect((await noVerbs.list('secret/metadata/app')).data.keys).toEqual(['db']);
    await expect(
      v.write('secret/data/app/db', { data: { user: 'x' }, options: { cas: 0 } }),
    ).rejects.toMatchObject({
      message: 'check-and-set parameter did not match the current version',
      response: { statusCode: 400 },
    });
    await v.delete('secret/data/app/db');
    await expect(v.read('secret/data/app/db')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it('creates a token and sees 403 permission denied once it is revoked', async () => {
    const created = await client().tokenCreate({ ttl: '1h', policies: ['default'] });
    const token = created.auth.client_token as string;
    const self = await client(token).tokenLookupSelf();
    // A second may pass between create and lookup on the real clock.
    expect(self.data).toMatchObject({ policies: ['default'] });
    expect(self.data.ttl).toBeGreaterThanOrEqual(3599);
    expect(self.data.ttl).toBeLessThanOrEqual(3600);
    await client(token).tokenRevokeSelf();
    await expect(client(token).tokenLookupSelf()).rejects.toMatchObject({
      message: expect.stringContaining('permission denied'),
      response: { statusCode: 403 },
    });
  });
});
