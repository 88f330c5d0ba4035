// prepareAtomicDirectory with what readCurrentSet found earlier in the pass: trusted only while `..data` still
// names the generation that was looked at; otherwise the set is compared again.

import { mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_LINK,
  prepareAtomicDirectory,
  readCurrentSet,
  writeAtomicDirectory,
} from '../../../src/output/atomic-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'certagent-atomic-looked-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const pair = (generation: number) => [
  { name: 'tls.key', contents: Buffer.from(`key ${generation}\n`), mode: 0o600 },
  { name: 'tls.crt', contents: Buffer.from(`crt ${generation}\n`), mode: 0o644 },
];

describe('readCurrentSet and prepareAtomicDirectory', () => {
  it('finds nothing where no set was written, then the current generation and whether it matches', async () => {
    const dir = join(root, 'tls');
    expect(await readCurrentSet(dir, pair(1))).toEqual({ generation: undefined, same: false });
    await writeAtomicDirectory(dir, pair(1));
    const generation = await readlink(join(dir, DATA_LINK));
    expect(await readCurrentSet(dir, pair(1))).toEqual({ generation, same: true });
    expect(await readCurrentSet(dir, pair(2))).toEqual({ generation, same: false });
  });

  it('a look at another generation than the current one is not trusted: the set is compared again', async () => {
    const dir = join(root, 'tls');
    await writeAtomicDirectory(dir, pair(1));
    const looked = await readCurrentSet(dir, pair(2));
    expect(looked.same).toBe(false);
    // Between the look and the write, something else put set 2 in place (a new generation).
    await writeAtomicDirectory(dir, pair(2));
    const prepared = await prepareAtomicDirectory(dir, pair(2), undefined, looked);
    expect(prepared.changed).toBe(false);
  });

  it('a look at the current generation is trusted: a set it found different is written', async () => {
    const dir = join(root, 'tls');
    await writeAtomicDirectory(dir, pair(1));
    const looked = await readCurrentSet(dir, pair(2));
    // The generation now holds set 2 (changed in place after the look): only a trusted look still says "differs"
    // and writes; comparing again would find it the same and write nothing.
    const generation = await readlink(join(dir, DATA_LINK));
    for (const file of pair(2)) await writeFile(join(dir, generation, file.name), file.contents);
    const prepared = await prepareAtomicDirectory(dir, pair(2), undefined, looked);
    expect(prepared.changed).toBe(true);
    await prepared.commit();
    await prepared.finish();
    expect(await readCurrentSet(dir, pair(2))).toMatchObject({ same: true });
  });

  it('a look that found the set identical is not trusted: a file changed since is noticed and written', async () => {
    const dir = join(root, 'tls');
    await writeAtomicDirectory(dir, pair(1));
    const generation = await readlink(join(dir, DATA_LINK));
    const looked = await readCurrentSet(dir, pair(1));
    expect(looked).toEqual({ generation, same: true });
    // The generation's key changed in place after the look (generations are not changed by us, but can be).
    await writeFile(join(dir, generation, 'tls.key'), 'tampered\n');
    const prepared = await prepareAtomicDirectory(dir, pair(1), undefined, looked);
    expect(prepared.changed).toBe(true);
    await prepared.discard();
  });
});
