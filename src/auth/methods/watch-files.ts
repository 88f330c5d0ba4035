import { dirname } from 'node:path';
import { watch } from 'chokidar';

/**
 * Watches the directories holding `files` and calls `onChange` on any change there. Watching the directory, not
 * the file, is what catches Kubernetes' projected-volume update: a new `..2024_…` directory and an atomic rename
 * of the `..data` symlink, after which the file path resolves to new content without the file itself changing.
 * Callers compare content, so spurious events cost one read.
 */
export async function watchFiles(
  files: readonly string[],
  onChange: () => void,
): Promise<() => Promise<void>> {
  const dirs = [...new Set(files.map((file) => dirname(file)))];
  const watcher = watch(dirs, { ignoreInitial: true, depth: 2, followSymlinks: false, atomic: false });
  watcher.on('all', () => onChange());
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return () => watcher.close();
}
