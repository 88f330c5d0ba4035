import { readFile, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/write-file-atomic.js';

/**
 * Writes the process id to `pid_file` (for init systems and `kill -HUP $(cat …)`) and returns a function that
 * removes it again, but only while it still holds our pid: a newer instance's file is left alone.
 */
export async function writePidFile(path: string | undefined): Promise<() => Promise<void>> {
  if (!path) return async () => undefined;
  const pid = String(process.pid);
  await writeFileAtomic({ path, contents: `${pid}\n`, mode: 0o644 });
  return async () => {
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current.trim() === pid) await unlink(path).catch(() => undefined);
  };
}
