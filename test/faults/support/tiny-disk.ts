// Real file-system faults where the machine allows them: a tiny tmpfs mounted over the output directory (root
// with CAP_SYS_ADMIN, as in this project's CI container), remounted read-only or filled to the last byte. Where
// mounting is not allowed the scenarios fall back to an injected error (see destination-faults.test.ts).

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from './agent-harness.js';

const run = promisify(execFile);

/** Mounts a tmpfs of `sizeKb` on `dir`; false when this machine does not allow it. Unmounted by stopAll. */
export async function mountTinyTmpfs(dir: string, sizeKb: number): Promise<boolean> {
  // CERTAGENT_FAULTS_NO_MOUNT=1 exercises the injected fallback on a machine that could mount.
  if (process.env.CERTAGENT_FAULTS_NO_MOUNT === '1') return false;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir]);
  } catch {
    return false;
  }
  // Lazy unmount: the agent may still hold a directory handle when the cleanup runs.
  onCleanup(async () => void (await run('umount', ['-l', dir]).catch(() => undefined)));
  return true;
}

export async function remount(dir: string, mode: 'ro' | 'rw'): Promise<void> {
  await run('mount', ['-o', `remount,${mode}`, dir]);
}

/** Fills the file system holding `dir` until a write fails with ENOSPC; returns the filler files. */
export async function fillUp(dir: string): Promise<string[]> {
  const fillers: string[] = [];
  for (let size = 256 * 1024; size >= 1; size = Math.floor(size / 2)) {
    for (;;) {
      const path = join(dir, `.filler-${fillers.length}`);
      try {
        await writeFile(path, Buffer.alloc(size, 0x61));
        fillers.push(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        fillers.push(path); // a partial file may have been left: freeing space removes it too
        break;
      }
    }
  }
  return fillers;
}
