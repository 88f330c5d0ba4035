import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import { StateSaveError } from '../../../src/certs/cert-errors.js';
import { fileNameFor, StateStore } from '../../../src/certs/state-store.js';
import { createTestCa } from '../../helpers/test-ca.js';
import { harness } from './support/source-harness.js';

let bundle: CertificateBundle;
let dir: string;

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

beforeAll(async () => {
  const h = harness(await createTestCa());
  bundle = await h.source.ensure(new AbortController().signal);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-state-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('StateStore', () => {
  it('saves into a 0700 directory as a 0600 file and loads the same bundle back', async () => {
    const stateDir = join(dir, 'state');
    const store = new StateStore(stateDir);
    await store.save(bundle);
    const path = store.pathOf('web');
    expect(path).toBe(join(stateDir, 'certificates', 'web.json'));
    expect(await modeOf(stateDir)).toBe(0o700);
    expect(await modeOf(dirname(path))).toBe(0o700);
    expect(await modeOf(path)).toBe(0o600);
    expect(await store.load('web')).toEqual({ status: 'found', bundle: { ...bundle } });
    expect(await readdir(dirname(path))).toEqual(['web.json']);
  });

  it('replaces the previous bundle', async () => {
    const store = new StateStore(dir);
    await store.save({ ...bundle, obtainedAt: bundle.obtainedAt - 5 });
    await store.save(bundle);
    const loaded = await store.load('web');
    expect(loaded.status === 'found' && loaded.bundle.obtainedAt).toBe(bundle.obtainedAt);
  });

  it('narrows a widened certificates directory back to 0700, and leaves an existing state_dir alone', async () => {
    const store = new StateStore(dir);
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'certificates'), { mode: 0o755 });
    await chmod(join(dir, 'certificates'), 0o755);
    await store.save(bundle);
    expect(await modeOf(join(dir, 'certificates'))).toBe(0o700);
    expect(await modeOf(dir)).toBe(0o755);
  });

  it('reports a missing file as missing', async () => {
    expect(await new StateStore(dir).load('web')).toEqual({ status: 'missing' });
  });

  it('reports a corrupt file as invalid instead of throwing', async () => {
    const store = new StateStore(dir);
    await store.save(bundle);
    await writeFile(store.pathOf('web'), '{"version": 1, "bundle": {', { mode: 0o600 });
    expect(await store.load('web')).toEqual({ status: 'invalid', reason: 'not valid JSON' });
  });

  it('does not trust a file others can read', async () => {
    const store = new StateStore(dir);
    await store.save(bundle);
    await chmod(store.pathOf('web'), 0o644);
    expect(await store.load('web')).toEqual({ status: 'invalid', reason: 'file mode 644 is wider than 600' });
  });

  it('reports a directory where the file should be as invalid', async () => {
    const store = new StateStore(dir);
    await mkdir(store.pathOf('web'), { recursive: true });
    expect(await store.load('web')).toMatchObject({ status: 'invalid' });
  });

  it('throws StateSaveError, naming the certificate but not the key, when it cannot write', async () => {
    await writeFile(join(dir, 'certificates'), 'a file, not a directory');
    const error = await new StateStore(dir).save(bundle).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateSaveError);
    expect((error as StateSaveError).code).toBe('STATE_SAVE_FAILED');
    expect((error as StateSaveError).message).toContain('web');
    expect((error as StateSaveError).message).not.toContain('PRIVATE KEY');
  });

  it('keeps every name inside the certificates directory', async () => {
    const store = new StateStore(dir);
    for (const name of ['../escape', '/etc/passwd', '..', 'a/b']) {
      await store.save({ ...bundle, name });
      expect(dirname(store.pathOf(name))).toBe(join(dir, 'certificates'));
      expect((await store.load(name)).status).toBe('found');
    }
    expect(await readdir(dir)).toEqual(['certificates']);
  });
});

describe('fileNameFor', () => {
  it.each([
    ['web', 'web.json'],
    ['api_v2-int', 'api_v2-int.json'],
    ['../x', '%2E%2E%2Fx.json'],
    ['a.b', 'a%2Eb.json'],
    ['é', '%C3%A9.json'],
  ])('%s → %s', (name, file) => {
    expect(fileNameFor(name)).toBe(file);
  });

  it('gives different names different files', () => {
    const names = ['a b', 'a_b', 'a%20b', 'a.b', 'a-b', 'A b'];
    expect(new Set(names.map(fileNameFor)).size).toBe(names.length);
  });

  it('keeps very long names short and distinct', () => {
    const long = (suffix: string) => `${'x'.repeat(400)}${suffix}`;
    expect(fileNameFor(long('1')).length).toBeLessThanOrEqual(205);
    expect(fileNameFor(long('1'))).not.toBe(fileNameFor(long('2')));
  });
});
