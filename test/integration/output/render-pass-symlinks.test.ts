// Issue 7 point 9: a symlink planted at a destination (or its .bak) in a shared directory must never make the
// agent read another file into the destination or write through the link, unless the template opts in.

import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../../src/config/runtime-config.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

const h = usePassHarness();
const { template, pass } = h;
const SECRET = 'token-sink-content-that-must-not-leak\n';

describe('runRenderPass and symlinks', () => {
  it('refuses a symlinked destination: nothing read through it, nothing written, the link and its target intact', async () => {
    await mkdir(join(h.dir, 'private'));
    const target = join(h.dir, 'private', 'token');
    await writeFile(target, SECRET, { mode: 0o600 });
    await symlink(target, join(h.dir, 'cert.pem'));
    const exec = { check: { shell: 'exit 1' } as CommandSpec, command: undefined, timeoutMs: 10_000 };
    const result = await pass(
      [
        template(0, 'cert.pem', 'cert.pem', { exec, backup: true }),
        template(1, 'key.pem', 'key.pem', { exec }),
      ],
      new Map([['web', await makeBundle()]]),
    );
    expect(result.ok).toBe(false);
    expect(result.templates[0]!.error).toMatchObject({
      code: 'DESTINATION_SYMLINK',
      message: expect.stringMatching(
        /destination .*cert\.pem is a symlink: refusing to follow it .*follow_symlink: true/,
      ),
    });
    // The whole certificate is held back: no key lands without its certificate. Its own code says so, and its
    // cause is the failure that held it back.
    expect(result.templates[1]!.error).toMatchObject({
      code: 'TEMPLATE_HELD_BACK',
      message: expect.stringMatching(/another template of this certificate failed/),
      cause: result.templates[0]!.error,
    });
    expect(result.commands).toEqual([]);
    expect(await readlink(join(h.dir, 'cert.pem'))).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(SECRET);
    await expect(lstat(join(h.dir, 'cert.pem.bak'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(join(h.dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces a symlink planted at the .bak name instead of writing through it', async () => {
    await writeFile(join(h.dir, 'cert.pem'), 'old\n', { mode: 0o644 });
    const target = join(h.dir, 'elsewhere');
    await writeFile(target, SECRET);
    await symlink(target, join(h.dir, 'cert.pem.bak'));
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { backup: true })],
      new Map([['web', await makeBundle()]]),
    );
    expect(result.ok).toBe(true);
    expect((await lstat(join(h.dir, 'cert.pem.bak'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(h.dir, 'cert.pem.bak'), 'utf8')).toBe('old\n');
    expect(await readFile(target, 'utf8')).toBe(SECRET);
  });

  it('with follow_symlink: true writes the target, keeps the link, and restores the target on a failed check', async () => {
    await mkdir(join(h.dir, 'real'));
    const target = join(h.dir, 'real', 'cert.pem');
    await writeFile(target, 'old\n', { mode: 0o644 });
    await symlink(target, join(h.dir, 'cert.pem'));
    const bundle = await makeBundle();
    const first = await pass(
      [template(0, 'cert.pem', 'cert.pem', { followSymlink: true, backup: true })],
      new Map([['web', bundle]]),
    );
    expect(first.ok).toBe(true);
    expect(await readlink(join(h.dir, 'cert.pem'))).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(`${bundle.certificate}\n`);
    expect(await readFile(`${target}.bak`, 'utf8')).toBe('old\n');

    const failing = { check: { shell: 'exit 3' } as CommandSpec, command: undefined, timeoutMs: 10_000 };
    const second = await pass(
      [template(0, 'cert.pem', 'cert.pem', { followSymlink: true, exec: failing })],
      new Map([['web', await makeBundle()]]),
    );
    expect(second).toMatchObject({ ok: false, rolledBack: true });
    expect(await readFile(target, 'utf8')).toBe(`${bundle.certificate}\n`);
    expect(await readlink(join(h.dir, 'cert.pem'))).toBe(target);
  });

  it('with follow_symlink: true creates the target of a dangling link', async () => {
    await mkdir(join(h.dir, 'real'));
    await symlink('real/cert.pem', join(h.dir, 'cert.pem'));
    const bundle = await makeBundle();
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { followSymlink: true })],
      new Map([['web', bundle]]),
    );
    expect(result.ok).toBe(true);
    expect(await readFile(join(h.dir, 'real', 'cert.pem'), 'utf8')).toBe(`${bundle.certificate}\n`);
    expect(await readlink(join(h.dir, 'cert.pem'))).toBe('real/cert.pem');
  });
});
