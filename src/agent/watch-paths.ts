import { dirname, resolve } from 'node:path';
import { watch } from 'chokidar';

/** Stops a watcher. */
export type StopWatching = () => Promise<void>;

/**
 * Calls `onChange(path)` when one of `paths` is created, changed or deleted, and for nothing else. The parent
 * directories are watched (depth 0), not the files: a file replaced by rename (every atomic writer, ours
 * included) keeps being followed, and a deleted file is seen coming back. Events of other files in those
 * directories (temp files, backups) are ignored. Bursts (an editor's truncate-then-write) are merged into one
 * call per path after `debounceMs`.
 */
export async function watchPaths(
  paths: readonly string[],
  onChange: (path: string) => void,
  options: { readonly debounceMs?: number; readonly onError?: (error: unknown) => void } = {},
): Promise<StopWatching> {
  const wanted = new Set(paths.map((path) => resolve(path)));
  if (wanted.size === 0) return async () => undefined;
  const timers = new Map<string, NodeJS.Timeout>();
  const watcher = watch([...new Set([...wanted].map((path) => dirname(path)))], {
    ignoreInitial: true,
    depth: 0,
    followSymlinks: false,
    atomic: false,
  });
  watcher.on('all', (_event, path) => {
    const full = resolve(path);
    if (!wanted.has(full)) return;
    clearTimeout(timers.get(full));
    timers.set(
      full,
      setTimeout(() => {
        timers.delete(full);
        onChange(full);
      }, options.debounceMs ?? 100),
    );
  });
  watcher.on('error', (error) => options.onError?.(error));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return async () => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    await watcher.close();
  };
}
