import {
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
  chmod,
  mkdir,
  lstat,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPathFor, writeFileAtomic } from '../../../src/lib/write-file-atomic.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-write-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the file with the exact mode, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      const path = join(dir, 'key.pem');
      expect(await writeFileAtomic({ path, contents: 'secret', mode: 0o600 })).toEqual({ changed: true });
      expect((await stat(path)).mode & 0o7777).toBe(0o600);
      expect(await readFile(path, 'utf8')).toBe('secret');
    } finally {
      process.umask(previous);
    }
  });

  it('leaves an identical file untouched: same inode and mtime', async () => {
    const path = join(dir, 'cert.pem');
    await writeFileAtomic({ path, contents: 'A', mode: 0o644 });
    const before = await stat(path);
    expect(await writeFileAtomic({ path, contents: Buffer.from('A'), mode: 0o644 })).toEqual({
      changed: false,
    });
    const after = await stat(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces the file (new inode) when content or mode differ', async () => {
    const path = join(dir, 'cert.pem');
    await writeFileAtomic({ path, contents: 'A', mode: 0o644 });
    const first = await stat(path);
    expect(await writeFileAtomic({ path, contents: 'B', mode: 0o644 })).toEqual({ changed: true });
    const second = await stat(path);
    expect(second.ino).not.toBe(first.ino);
    expect(await readFile(path, 'utf8')).toBe('B');
    await chmod(path, 0o666);
    expect(await writeFileAtomic({ path, contents: 'B', mode: 0o640 })).toEqual({ changed: true });
    expect((await stat(path)).mode & 0o7777).toBe(0o640);
  });

  it('creates missing parent directories', async () => {
    const path = join(dir, 'a', 'b', 'c.pem');
    await writeFileAtomic({ path, contents: 'x', mode: 0o644 });
    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('chowns to the given owner (own uid works without privileges)', async () => {
    const path = join(dir, 'owned.pem');
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    expect(await writeFileAtomic({ path, contents: 'x', mode: 0o600, uid, gid })).toEqual({ changed: true });
    const info = await stat(path);
    expect([info.uid, info.gid]).toEqual([uid, gid]);
    expect(await writeFileAtomic({ path, contents: 'x', mode: 0o600, uid, gid })).toEqual({ changed: false });
  });

  it('leaves no temp file behind when the rename fails', async () => {
    const path = join(dir, 'target');
    await mkdir(path); // renaming a file over a directory fails
    await writeFile(join(path, 'inside'), 'keep');
    await expect(writeFileAtomic({ path, contents: 'x', mode: 0o644 })).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['target']);
  });

  it('replaces a symlink at the path instead of writing through it, even when the target already matches', async () => {
    const target = join(dir, 'target.pem');
    await writeFile(target, 'x');
    await chmod(target, 0o644);
    const path = join(dir, 'link.pem');
    await symlink(target, path);
    expect(await writeFileAtomic({ path, contents: 'x', mode: 0o644 })).toEqual({ changed: true });
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
    await writeFileAtomic({ path, contents: 'new', mode: 0o644 });
    expect(await readFile(target, 'utf8')).toBe('x');
  });

  it('names temp files .NAME.HEX.tmp beside the destination (the form stale-file cleanup recognises)', () => {
    expect(tempPathFor('/etc/tls/web.key')).toMatch(/^\/etc\/tls\/\.web\.key\.[0-9a-f]{12}\.tmp$/);
  });
});
