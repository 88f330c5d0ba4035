import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What to write: the final content, mode and (optionally) owner of one file. */
export interface WriteFileAtomicInput {
  readonly path: string;
  readonly contents: string | Uint8Array;
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

/** Whether the file on disk was replaced. */
export interface WriteFileAtomicResult {
  readonly changed: boolean;
}

const PERMISSION_BITS = 0o7777;

/** A file written to its temp name, fsynced and chowned, waiting to be renamed into place. */
export interface PreparedWrite {
  readonly path: string;
  /** Renames the temp file over the destination (atomic), then fsyncs the directory unless told not to. */
  commit(options?: { syncDirectory?: boolean }): Promise<void>;
  /** Removes the temp file instead. */
  discard(): Promise<void>;
}

/**
 * Replaces a file so that a reader sees either the old or the new content, never a mix, and a key is never
 * readable by more than intended, not even for an instant: the temp file is created in the same directory with
 * the final mode (O_EXCL, then fchmod to defeat the umask), written, fsynced and chowned before the rename, and the
 * directory is fsynced after it. A file that already has this content, mode and owner is not touched at all, so
 * its mtime and inode stay (readers watching it see nothing).
 */
export async function writeFileAtomic(input: WriteFileAtomicInput): Promise<WriteFileAtomicResult> {
  const prepared = await prepareFileAtomic(input);
  if (!prepared) return { changed: false };
  await prepared.commit();
  return { changed: true };
}

/**
 * The first half of writeFileAtomic: everything slow (write, fsync, chown) without the rename. Several files
 * prepared first and committed back to back change within microseconds of each other, so a reader almost never
 * sees a new key beside an old certificate. Undefined when the file is already as wanted.
 */
export async function prepareFileAtomic(input: WriteFileAtomicInput): Promise<PreparedWrite | undefined> {
  const contents = typeof input.contents === 'string' ? Buffer.from(input.contents, 'utf8') : input.contents;
  const mode = input.mode & PERMISSION_BITS;
  if (await isAlreadyWritten(input, contents, mode)) return undefined;

  const dir = dirname(input.path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tempPath = tempPathFor(input.path);
  // O_EXCL|O_NOFOLLOW: a name planted in a shared directory (file or symlink) makes the open fail, never redirect it.
  const handle = await open(
    tempPath,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(contents);
      await handle.sync();
      if (input.uid !== undefined || input.gid !== undefined) {
        await handle.chown(input.uid ?? -1, input.gid ?? -1);
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  return {
    path: input.path,
    commit: async (options) => {
      try {
        await rename(tempPath, input.path);
      } catch (error) {
        await unlink(tempPath).catch(() => undefined);
        throw error;
      }
      if (options?.syncDirectory !== false) await syncDirectory(dir);
    },
    discard: () => unlink(tempPath).catch(() => undefined),
  };
}

/**
 * The temp name for a destination: `.NAME.HEX.tmp` beside it, HEX being 12 random hex digits. Stale ones (left by a
 * SIGKILL) are recognised by this exact form at the next start (stale-temp-files.ts), so change both together.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function isAlreadyWritten(
  input: WriteFileAtomicInput,
  contents: Uint8Array,
  mode: number,
): Promise<boolean> {
  try {
    // lstat: a symlink at the path is never "already written" (the rename replaces the link, not its target).
    const info = await lstat(input.path);
    if (!info.isFile() || (info.mode & PERMISSION_BITS) !== mode) return false;
    if (input.uid !== undefined && info.uid !== input.uid) return false;
    if (input.gid !== undefined && info.gid !== input.gid) return false;
    if (info.size !== contents.byteLength) return false;
    return Buffer.from(await readFile(input.path)).equals(contents);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Makes the rename durable; some filesystems refuse fsync on a directory, which is not worth failing over. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on some filesystems: the rename itself already happened.
  } finally {
    await handle.close();
  }
}
