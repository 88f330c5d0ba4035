import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OwnerError, resolveOwner } from '../../../src/output/owner.js';

let dir: string;
let files: { passwd: string; group: string };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-owner-'));
  files = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  await writeFile(
    files.passwd,
    'root:x:0:0:root:/root:/bin/sh\n# comment\nnginx:x:101:101:nginx:/var/lib/nginx:/sbin/nologin\nwww:x:33:33::/var/www:\n',
  );
  await writeFile(files.group, 'root:x:0:\nnginx:x:102:\nssl-cert:x:110:postgres\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('resolveOwner', () => {
  it('leaves both undefined when the template names neither', async () => {
    expect(await resolveOwner(undefined, undefined, files)).toEqual({ uid: undefined, gid: undefined });
  });

  it('looks names up in passwd and group (the group database, not the user’s primary group)', async () => {
    expect(await resolveOwner('nginx', 'nginx', files)).toEqual({ uid: 101, gid: 102 });
    expect(await resolveOwner('www', 'ssl-cert', files)).toEqual({ uid: 33, gid: 110 });
  });

  it('takes numeric ids as they are, even without a database', async () => {
    const none = { passwd: join(dir, 'absent'), group: join(dir, 'absent') };
    expect(await resolveOwner('1234', '0', none)).toEqual({ uid: 1234, gid: 0 });
  });

  it('refuses an unknown name with a typed error naming it', async () => {
    const error = await resolveOwner('haproxy', undefined, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OwnerError);
    expect(error).toMatchObject({ code: 'OWNER_UNKNOWN' });
    expect((error as Error).message).toContain('user "haproxy"');
    await expect(resolveOwner(undefined, 'postgres', files)).rejects.toThrow(/group "postgres"/);
  });

  it('does not match a prefix of a name', async () => {
    await expect(resolveOwner('ngin', undefined, files)).rejects.toBeInstanceOf(OwnerError);
  });
});
