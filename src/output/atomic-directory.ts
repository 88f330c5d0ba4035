import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  mkdir,
  open,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  unlink,
} from 'node:fs/promises';
import { join } from 'node:path';
import {
  AtomicDirectoryError,
  DATA_LINK,
  ignoreMissing,
  linkStableNames,
  stableNamesLinked,
  unlinkDroppedNames,
} from './stable-names.js';

export { AtomicDirectoryError, DATA_LINK } from './stable-names.js';
import { syncDirectory } from '../lib/write-file-atomic.js';

const DATA_TMP = '..data_tmp';
/** `..2026_12_01_21_05_09.123.1a2b3c`: sortable by time, unique by the random tail. */
const GENERATION = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{3}\.[0-9a-f]{6}$/;
const PERMISSION_BITS = 0o7777;

/** One file of the set, by its stable name (a plain name: no `/`, not starting with `..`). */
export interface DirectoryFile {
  readonly name: string;
  readonly contents: Uint8Array;
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

/**
 * What a look at the current set found (readCurrentSet): the generation `..data` pointed to (undefined when none,
 * or not a generation's name) and whether it held exactly the files looked for.
 */
export interface CurrentSet {
  readonly generation: string | undefined;
  readonly same: boolean;
}

/** A new generation written and fsynced, waiting for the swap; or nothing to do (`changed: false`). */
export interface PreparedDirectory {
  readonly directory: string;
  readonly changed: boolean;
  /** No generation existed before: a rollback keeps this one (no set is worse than a valid one). */
  readonly firstEver: boolean;
  /** Renames `..data` to the new generation (one atomic step) and makes sure every stable name exists. */
  commit(): Promise<void>;
  /** After commit, when a check failed: `..data` back to the previous generation. A first-ever set stays. */
  rollBack(): Promise<void>;
  /** After a successful commit: removes every older generation. */
  finish(): Promise<void>;
  /** Instead of commit: removes the new generation. */
  discard(): Promise<void>;
}

/**
 * The layout of Kubernetes' AtomicWriter: the files live in a timestamped generation directory, `..data` is a
 * symlink to the current one and each stable name is a symlink to `..data/<name>`. A new set is written into a
 * fresh generation (final modes, fsynced), then one rename of a `..data_tmp` symlink over `..data` switches every
 * file at once. A reader that resolves `..data` once, or Envoy's `watched_directory` (which reacts to that
 * rename), never sees a key beside another generation's certificate. Leftovers of a crash (a `..data_tmp`,
 * generations `..data` does not point to) are removed first. Unchanged sets are not rewritten. `looked`: what
 * readCurrentSet found for these files in this pass, trusted while `..data` still points to the same generation
 * (generations are never changed in place), so the files are not read a second time.
 */
export async function prepareAtomicDirectory(
  directory: string,
  files: readonly DirectoryFile[],
  now: () => number = Date.now,
  looked?: CurrentSet,
): Promise<PreparedDirectory> {
  checkNames(files);
  await mkdir(directory, { recursive: true, mode: 0o755 });
  const previous = await cleanAtomicDirectory(directory);
  // A difference planning found is trusted while `..data` names the same generation; a set it found identical is
  // compared again (cheap, and never stale): only a changed plan comes here from a pass.
  const same =
    previous !== undefined &&
    (looked !== undefined && looked.generation === previous && !looked.same
      ? false
      : await sameSet(join(directory, previous), files));
  if (same) {
    await linkStableNames(directory, files);
    return { directory, changed: false, firstEver: false, ...NOTHING };
  }
  const generation = generationName(now());
  const generationPath = join(directory, generation);
  await mkdir(generationPath, { mode: 0o755 });
  try {
    for (const file of files) await writeNewFile(join(generationPath, file.name), file);
    await syncDirectory(generationPath);
  } catch (error) {
    await rm(generationPath, { recursive: true, force: true });
    throw error;
  }
  const oldNames = previous === undefined ? [] : await readdir(join(directory, previous));
  return {
    directory,
    changed: true,
    firstEver: previous === undefined,
    commit: async () => {
      await swapData(directory, generation);
      await linkStableNames(directory, files);
      await unlinkDroppedNames(directory, oldNames, files);
      await syncDirectory(directory);
    },
    rollBack: async () => {
      if (previous === undefined) return; // No set is worse than a valid one: a first-ever set stays.
      await swapData(directory, previous);
      await linkStableNames(
        directory,
        oldNames.map((name) => ({ name })),
      );
      await unlinkDroppedNames(
        directory,
        files.map((file) => file.name),
        oldNames.map((name) => ({ name })),
      );
      await syncDirectory(directory);
      await rm(generationPath, { recursive: true, force: true });
    },
    finish: async () => {
      await cleanAtomicDirectory(directory);
    },
    discard: () => rm(generationPath, { recursive: true, force: true }),
  };
}

/** prepare + commit + finish: the whole swap, for callers that run no check in between. */
export async function writeAtomicDirectory(
  directory: string,
  files: readonly DirectoryFile[],
  now?: () => number,
): Promise<{ changed: boolean }> {
  const prepared = await prepareAtomicDirectory(directory, files, now);
  if (prepared.changed) {
    await prepared.commit();
    await prepared.finish();
  }
  return { changed: prepared.changed };
}

/**
 * The current generation and whether it already holds exactly these files (names, contents, modes, owners); a
 * pass hands the answer to prepareAtomicDirectory, which then need not read the files again.
 */
export async function readCurrentSet(
  directory: string,
  files: readonly DirectoryFile[],
): Promise<CurrentSet> {
  const current = await readlink(join(directory, DATA_LINK)).catch(ignoreMissing);
  if (current === undefined || !GENERATION.test(current)) return { generation: undefined, same: false };
  if (!(await sameSet(join(directory, current), files))) return { generation: current, same: false };
  // The files are right but a stable name was deleted or replaced (`rm tls.crt`): the pass must repair it, yet
  // nothing is to be rewritten. Said as "no trusted look", so the write compares again, finds the set the same
  // and only links the names (a new generation would rewrite the key and swap `..data` for nothing).
  if (!(await stableNamesLinked(directory, files))) return { generation: undefined, same: false };
  return { generation: current, same: true };
}

/**
 * Removes what a crash can leave (a `..data_tmp` link, generations `..data` does not point to) and returns the
 * current generation's name, if any. Anything else in the directory is left alone.
 */
export async function cleanAtomicDirectory(directory: string): Promise<string | undefined> {
  const current = await readlink(join(directory, DATA_LINK)).catch(ignoreMissing);
  for (const entry of (await readdir(directory).catch(ignoreMissing)) ?? []) {
    if (entry === DATA_TMP) await unlink(join(directory, entry)).catch(ignoreMissing);
    else if (GENERATION.test(entry) && entry !== current)
      await rm(join(directory, entry), { recursive: true, force: true });
  }
  return current;
}

const NOTHING = {
  commit: async () => undefined,
  rollBack: async () => undefined,
  finish: async () => undefined,
  discard: async () => undefined,
};

function checkNames(files: readonly DirectoryFile[]): void {
  const seen = new Set<string>();
  for (const { name } of files) {
    if (name === '' || name === '.' || name.includes('/') || name.startsWith('..') || name.includes('\0'))
      throw new AtomicDirectoryError(`${JSON.stringify(name)} cannot be a file name in an atomic directory`);
    if (seen.has(name)) throw new AtomicDirectoryError(`two files named ${JSON.stringify(name)}`);
    seen.add(name);
  }
}

function generationName(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-12-01T21:05:09.123Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '_')}_${iso.slice(11, 19).replaceAll(':', '_')}.${iso.slice(20, 23)}`;
  return `..${stamp}.${randomBytes(3).toString('hex')}`;
}

/** Created with its final mode (O_EXCL, then fchmod past the umask), never through a symlink, fsynced, chowned. */
async function writeNewFile(path: string, file: DirectoryFile): Promise<void> {
  const mode = file.mode & PERMISSION_BITS;
  const handle = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    await handle.chmod(mode);
    await handle.writeFile(file.contents);
    await handle.sync();
    if (file.uid !== undefined || file.gid !== undefined) await handle.chown(file.uid ?? -1, file.gid ?? -1);
  } finally {
    await handle.close();
  }
}

async function sameSet(generationPath: string, files: readonly DirectoryFile[]): Promise<boolean> {
  const names = await readdir(generationPath).catch(ignoreMissing);
  if (names === undefined || names.length !== files.length) return false;
  for (const file of files) {
    const path = join(generationPath, file.name);
    const info = await stat(path).catch(ignoreMissing);
    if (!info?.isFile() || (info.mode & PERMISSION_BITS) !== (file.mode & PERMISSION_BITS)) return false;
    if ((file.uid ?? info.uid) !== info.uid || (file.gid ?? info.gid) !== info.gid) return false;
    if (info.size !== file.contents.byteLength || !(await readFile(path)).equals(file.contents)) return false;
  }
  return true;
}

/** `..data_tmp` → generation, renamed over `..data`: the one step that switches the whole set. */
async function swapData(directory: string, generation: string): Promise<void> {
  const tmp = join(directory, DATA_TMP);
  await unlink(tmp).catch(ignoreMissing);
  await symlink(generation, tmp);
  await rename(tmp, join(directory, DATA_LINK));
}
