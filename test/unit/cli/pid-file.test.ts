import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePidFile } from '../../../src/cli/pid-file.js';

describe('writePidFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-pid-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes our pid and removes the file at the end', async () => {
    const path = join(dir, 'run', 'certagent.pid');
    const remove = await writePidFile(path);
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await remove();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("leaves a newer instance's pid file alone", async () => {
    const path = join(dir, 'certagent.pid');
    const remove = await writePidFile(path);
    await writeFile(path, '999999\n');
    await remove();
    expect(await readFile(path, 'utf8')).toBe('999999\n');
  });
});
