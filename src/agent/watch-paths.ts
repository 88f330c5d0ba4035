import { existsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { watch } from 'chokidar';

/** Stops a watcher. */
export type StopWatching = () => Promise<void>;

/**
 * Calls `onChange(path)` when one of `paths` is created, changed or deleted, and for nothing else. The parent
 * directories are watched, not the files: a file replaced by rename (every atomic writer, ours included) keeps
 * being followed, and a deleted file is seen coming back. Events of other files in those directories (temp files,
 * backups) are ignored. Bursts (an editor's truncate-then-write) are merged into one call per path after
 * `debounceMs`.
 *
 * A parent that does not exist yet (a destination directory the first write creates, an atomic group's
 * directory) is watched from its nearest existing ancestor, along the one path down to it: chokidar follows a
 * directory made under a watched one and reports the files it finds there, so no write in between is missed, and
 * a parent removed and made again is followed again. Everything off those paths is ignored, so an ancestor such
 * as /etc is not walked. (Given a path that does not exist, chokidar reports nothing, ever.)
 */
export async function watchPaths(
  paths: readonly string[],
  onChange: (path: string) => void,
  options: { readonly debounceMs?: number; readonly onError?: (error: unknown) => void } = {},
): Promise<StopWatching> {
  const wanted = new Set(paths.map((path) => resolve(path)));
  if (wanted.size === 0) return async () => undefined;
  const timers = new Map<string, NodeJS.Timeout>();
  const parents = new Set([...wanted].map((path) => dirname(path)));
  const roots = new Set([...parents].map((parent) => nearestExisting(parent)));
  // Followed: the wanted files, and every directory from the filesystem root down to each parent.
  const onTheWay = new Set<string>();
  for (const parent of parents)
    for (let dir = parent; !onTheWay.has(dir); dir = dirname(dir)) onTheWay.add(dir);
  const followed = (path: string): boolean => {
    const full = resolve(path);
    return wanted.has(full) || onTheWay.has(full);
  };
  const watcher = watch([...roots], {
    ignoreInitial: true,
    ignored: (path: string) => !followed(path),
    followSymlinks: false,
    atomic: false,
  });
  const report = (full: string): void => {
    clearTimeout(timers.get(full));
    timers.set(
      full,
      setTimeout(() => {
        timers.delete(full);
        onChange(full);
      }, options.debounceMs ?? 100),
    );
  };
  watcher.on('all', (event, path) => {
    const full = resolve(path);
    if (wanted.has(full)) report(full);
    // A directory removed with its files (rm -r) is not always followed by an event for each file in it.
    else if (event === 'unlinkDir') for (const file of wanted) if (file.startsWith(full + sep)) report(file);
  });
  watcher.on('error', (error) => options.onError?.(error));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return async () => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    await watcher.close();
  };
}

/** `path` if it exists, else its nearest ancestor that does (the root at worst). */
function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && current !== dirname(current)) current = dirname(current);
  return current;
}
