import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch } from 'chokidar';

/**
 * Calls `onChange` when the content of one of `files` changes, and only then.
 *
 * The directories holding the files are watched at depth 0 (a file replaced by rename is seen, which a watch on
 * the file itself misses), and their events are filtered to what can change a watched file: the file's own entry,
 * and the `..`-prefixed entries at the top of the directory, where Kubernetes' projected volumes swap the `..data`
 * symlink to a new `..<timestamp>` directory. When a file is a symlink, the directory of its target is watched
 * too, so a target edited in place is seen. Writes to anything else in those directories (the agent's log file,
 * `state_dir`, rendered outputs) are ignored without reading anything. A relevant event re-reads the files and
 * compares a digest of their content with the last one seen, so a rewrite with the same content (or a touch)
 * wakes nobody: every wake-up means different credentials.
 */
export async function watchFiles(
  files: readonly string[],
  onChange: () => void,
): Promise<() => Promise<void>> {
  const paths = files.map((file) => resolve(file));
  const own = entries(paths);
  /** Directory → entry names that matter there: the files' own entries plus their current symlink targets. */
  let wanted = own;
  const watcher = watch([...own.keys()], {
    ignoreInitial: true,
    depth: 0,
    followSymlinks: false,
    atomic: false,
  });
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));

  /** Re-resolves symlinked files and moves the extra watches to the directories of their current targets. */
  const followTargets = async (): Promise<void> => {
    const targets = await Promise.all(paths.map((path) => realpath(path).catch(() => path)));
    const next = entries([...paths, ...targets]);
    for (const dir of next.keys()) if (!wanted.has(dir)) watcher.add(dir);
    for (const dir of wanted.keys()) if (!next.has(dir)) watcher.unwatch(dir);
    wanted = next;
  };
  const relevant = (path: string): boolean => {
    const names = wanted.get(dirname(path));
    const name = basename(path);
    return names !== undefined && (names.has(name) || (own.has(dirname(path)) && name.startsWith('..')));
  };

  await followTargets();
  let seen = await fingerprint(paths);
  let checking: Promise<void> | undefined;
  let again = false;
  const check = async (): Promise<void> => {
    do {
      again = false;
      await followTargets();
      const now = await fingerprint(paths);
      if (now !== seen) {
        seen = now;
        onChange();
      }
    } while (again);
  };
  watcher.on('all', (_event, path) => {
    if (!relevant(resolve(path))) return;
    if (checking) {
      again = true;
      return;
    }
    checking = check().finally(() => (checking = undefined));
  });
  return async () => {
    await watcher.close();
    await checking;
  };
}

/** A digest of the files' content (a missing file counts as its error code); the content itself is not kept. */
async function fingerprint(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    try {
      hash.update(await readFile(path));
      hash.update('\0ok\0');
    } catch (error) {
      hash.update(`\0${(error as NodeJS.ErrnoException).code ?? 'error'}\0`);
    }
  }
  return hash.digest('hex');
}

function entries(paths: readonly string[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const path of paths) {
    const names = map.get(dirname(path)) ?? new Set<string>();
    names.add(basename(path));
    map.set(dirname(path), names);
  }
  return map;
}
