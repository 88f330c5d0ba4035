import { lstat, readdir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The temp names writeFileAtomic uses: `.NAME.HEX.tmp`, HEX being 12 hex digits (tempPathFor). Kept in step with
 * it; the older agents' files have the same form, so they are recognised too.
 */
const TEMP_NAME = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

/** Where to look: a directory, and which destination names in it are ours ('any': the whole directory is). */
export interface TempLocation {
  readonly dir: string;
  readonly names: ReadonlySet<string> | 'any';
}

/** The locations of the template destinations: beside each, temp files of it and of its `.bak`. */
export async function destinationLocations(
  destinations: readonly { readonly destination: string; readonly followSymlink: boolean }[],
): Promise<TempLocation[]> {
  const byDir = new Map<string, Set<string>>();
  for (const { destination, followSymlink } of destinations) {
    // A followed link is written at its target: that is where a killed write left its temp file.
    const path = followSymlink ? await realpath(destination).catch(() => destination) : destination;
    const names = byDir.get(dirname(path)) ?? new Set<string>();
    names.add(basename(path));
    names.add(`${basename(path)}.bak`);
    byDir.set(dirname(path), names);
  }
  return [...byDir].map(([dir, names]) => ({ dir, names }));
}

/**
 * Removes the temp files a killed agent left behind (SIGKILL between create and rename), before anything else
 * writes: only regular files of the agent's own naming, and beside a destination only those named after it, so a
 * shared directory such as /etc/nginx/tls keeps everything that is not ours. Some held private keys (0600).
 * Returns how many were removed; the count (and the paths) go to the log.
 */
export async function removeStaleTempFiles(
  locations: readonly TempLocation[],
  logger: Logger,
): Promise<number> {
  const removed: string[] = [];
  for (const { dir, names } of locations) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = TEMP_NAME.exec(entry);
      if (!match || (names !== 'any' && !names.has(match[1]!))) continue;
      const path = join(dir, entry);
      try {
        if (!(await lstat(path)).isFile()) continue;
        await unlink(path);
        removed.push(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          logger.warn({ path, error }, 'could not remove a stale temp file');
      }
    }
  }
  if (removed.length > 0)
    logger.warn(
      { removed: removed.length, files: removed },
      'stale temp files from an interrupted run removed',
    );
  else logger.debug('no stale temp files found');
  return removed.length;
}
