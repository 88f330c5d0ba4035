import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AtomicDirectoryError,
  DATA_LINK,
  cleanAtomicDirectory,
  prepareAtomicDirectory,
  writeAtomicDirectory,
} from '../../../src/output/atomic-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'certagent-atomic-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const pair = (generation: number) => [
  { name: 'tls.key', contents: Buffer.from(`key ${generation}\n`), mode: 0o600 },
  { name: 'tls.crt', contents: Buffer.from(`crt ${generation}\n`), mode: 0o644 },
];

const generations = async (dir: string): Promise<string[]> =>
  (await readdir(dir)).filter((entry) => entry.startsWith('..') && entry !== DATA_LINK);

// A reader as documented in docs/outputs.md: read `..data`, the files by their stable names, `..data` again; a
// pair read while `..data` moved is read again (the link names a new, unique generation on every swap).
const READER = `
const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync, readlinkSync } = require('node:fs');
const { join } = require('node:path');
const stop = new Int32Array(workerData.stop);
const dir = workerData.dir;
let pairs = 0, mismatches = 0, retried = 0, naiveMismatches = 0, naivePairs = 0;
while (Atomics.load(stop, 0) === 0) {
  try {
    const before = readlinkSync(join(dir, '..data'));
    const key = readFileSync(join(dir, 'tls.key'), 'utf8');
    const crt = readFileSync(join(dir, 'tls.crt'), 'utf8');
    const after = readlinkSync(join(dir, '..data'));
    naivePairs++;
    if (key.split(' ')[1] !== crt.split(' ')[1]) naiveMismatches++;
    if (before !== after) { retried++; continue; }
    pairs++;
    if (key.split(' ')[1] !== crt.split(' ')[1]) mismatches++;
  } catch (error) {
    retried++;
  }
}
parentPort.postMessage({ pairs, mismatches, retried, naivePairs, naiveMismatches });
`;

describe('atomic directory (..data layout)', () => {
  it('lays out a generation, ..data and stable symlinks with the final modes', async () => {
    const dir = join(root, 'web');
    expect(await writeAtomicDirectory(dir, pair(1))).toEqual({ changed: true });
    const [generation] = await generations(dir);
    expect(await readlink(join(dir, DATA_LINK))).toBe(generation);
    expect(await readlink(join(dir, 'tls.key'))).toBe('..data/tls.key');
    expect(await readFile(join(dir, 'tls.crt'), 'utf8')).toBe('crt 1\n');
    expect((await stat(join(dir, 'tls.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'tls.crt'))).mode & 0o777).toBe(0o644);
    expect(generation).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{3}\.[0-9a-f]{6}$/);
  });

  it('does not rewrite an unchanged set; a changed one gets a new generation and the old is removed', async () => {
    const dir = join(root, 'web');
    await writeAtomicDirectory(dir, pair(1));
    const [first] = await generations(dir);
    expect(await writeAtomicDirectory(dir, pair(1))).toEqual({ changed: false });
    expect(await generations(dir)).toEqual([first]);
    expect(await writeAtomicDirectory(dir, pair(2))).toEqual({ changed: true });
    const after = await generations(dir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
    expect(await readFile(join(dir, 'tls.key'), 'utf8')).toBe('key 2\n');
  });

  it('a mode change alone is a new generation', async () => {
    const dir = join(root, 'web');
    await writeAtomicDirectory(dir, pair(1));
    const files = pair(1).map((file) => (file.name === 'tls.crt' ? { ...file, mode: 0o640 } : file));
    expect(await writeAtomicDirectory(dir, files)).toEqual({ changed: true });
    expect((await stat(join(dir, 'tls.crt'))).mode & 0o777).toBe(0o640);
  });

  it('rollBack puts the previous generation back; a first-ever set is kept', async () => {
    const dir = join(root, 'web');
    const first = await prepareAtomicDirectory(dir, pair(1));
    await first.commit();
    await first.rollBack();
    expect(await readFile(join(dir, 'tls.key'), 'utf8')).toBe('key 1\n');
    await first.finish();
    const second = await prepareAtomicDirectory(dir, [
      ...pair(2),
      { name: 'ca.crt', contents: Buffer.from('ca'), mode: 0o644 },
    ]);
    await second.commit();
    expect(await readFile(join(dir, 'ca.crt'), 'utf8')).toBe('ca');
    await second.rollBack();
    expect(await readFile(join(dir, 'tls.key'), 'utf8')).toBe('key 1\n');
    await expect(lstat(join(dir, 'ca.crt'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await generations(dir)).toHaveLength(1);
  });

  it('removes what a crash left (..data_tmp, unreferenced generations) and leaves other files alone', async () => {
    const dir = join(root, 'web');
    await writeAtomicDirectory(dir, pair(1));
    const [current] = await generations(dir);
    await mkdir(join(dir, '..2020_01_01_00_00_00.000.abcdef'));
    await writeFile(join(dir, '..2020_01_01_00_00_00.000.abcdef', 'tls.key'), 'stale');
    await symlink('..2020_01_01_00_00_00.000.abcdef', join(dir, '..data_tmp'));
    await writeFile(join(dir, 'unrelated.txt'), 'mine');
    expect(await cleanAtomicDirectory(dir)).toBe(current);
    expect((await readdir(dir)).sort()).toEqual(
      [DATA_LINK, current!, 'tls.crt', 'tls.key', 'unrelated.txt'].sort(),
    );
  });

  it('replaces a plain file at a stable name (migration), refuses bad names', async () => {
    const dir = join(root, 'web');
    await mkdir(dir);
    await writeFile(join(dir, 'tls.key'), 'old plain file');
    await writeAtomicDirectory(dir, pair(1));
    expect((await lstat(join(dir, 'tls.key'))).isSymbolicLink()).toBe(true);
    for (const name of ['../x', '..data', 'a/b', '']) {
      await expect(
        writeAtomicDirectory(dir, [{ name, contents: Buffer.from(''), mode: 0o644 }]),
      ).rejects.toThrow(AtomicDirectoryError);
    }
  });

  it('50 fast renewals read in a tight loop by another thread: 0 mismatched pairs, no leftover generation', async () => {
    const dir = join(root, 'web');
    await writeAtomicDirectory(dir, pair(0));
    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(READER, { eval: true, workerData: { dir, stop } });
    const report = new Promise<{
      pairs: number;
      mismatches: number;
      retried: number;
      naivePairs: number;
      naiveMismatches: number;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    try {
      for (let generation = 1; generation <= 50; generation++) {
        expect(await writeAtomicDirectory(dir, pair(generation))).toEqual({ changed: true });
      }
    } finally {
      Atomics.store(new Int32Array(stop), 0, 1);
    }
    const result = await report;
    await worker.terminate();
    console.log(`atomic directory: ${JSON.stringify(result)}`);
    expect(result.mismatches).toBe(0);
    expect(result.pairs).toBeGreaterThan(50);
    expect(await generations(dir)).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(
      [DATA_LINK, (await generations(dir))[0]!, 'tls.crt', 'tls.key'].sort(),
    );
    expect(await readFile(join(dir, 'tls.crt'), 'utf8')).toBe('crt 50\n');
  });
});
