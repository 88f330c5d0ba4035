// The stable names of an atomic directory: `tls.crt -> ..data/tls.crt`, made and removed atomically.

import { randomBytes } from 'node:crypto';
import { lstat, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../lib/errors.js';

/** The symlink every stable name goes through; one rename of it changes the whole set. */
export const DATA_LINK = '..data';

/** What a stable name's symlink holds: `..data/<name>`. */
const linkTarget = (name: string): string => `${DATA_LINK}/${name}`;

/** A directory could not be laid out (a bad name, a stable name taken by a directory, an I/O error). */
export class AtomicDirectoryError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('ATOMIC_DIRECTORY', message, options);
  }
}

/** ENOENT (and EINVAL: not a symlink) are "nothing there" for the reads of this layout. */
export function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'EINVAL') return undefined;
  throw error;
}

/** True when every stable name is the symlink linkStableNames makes; false when one was deleted or replaced. */
export async function stableNamesLinked(
  directory: string,
  files: readonly { name: string }[],
): Promise<boolean> {
  for (const { name } of files) {
    const target = await readlink(join(directory, name)).catch(ignoreMissing);
    if (target !== linkTarget(name)) return false;
  }
  return true;
}

/** Each stable name a symlink to `..data/<name>`; a plain file there (a former layout) is replaced atomically. */
export async function linkStableNames(directory: string, files: readonly { name: string }[]): Promise<void> {
  for (const { name } of files) {
    const path = join(directory, name);
    const target = linkTarget(name);
    const info = await lstat(path).catch(ignoreMissing);
    if (info?.isSymbolicLink() && (await readlink(path)) === target) continue;
    if (info?.isDirectory())
      throw new AtomicDirectoryError(`${path} is a directory, not a place for ${name}`);
    const tmp = join(directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    await symlink(target, tmp);
    await rename(tmp, path).catch(async (error: unknown) => {
      await unlink(tmp).catch(ignoreMissing);
      throw error;
    });
  }
}

/** Stable names of the old set that the new one lacks (only our own symlinks into `..data` are removed). */
export async function unlinkDroppedNames(
  directory: string,
  oldNames: readonly string[],
  files: readonly { name: string }[],
): Promise<void> {
  const kept = new Set(files.map((file) => file.name));
  for (const name of oldNames) {
    if (kept.has(name)) continue;
    const path = join(directory, name);
    const target = await readlink(path).catch(() => undefined);
    if (target === linkTarget(name)) await unlink(path).catch(ignoreMissing);
  }
}
