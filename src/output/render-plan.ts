import { constants } from 'node:fs';
import { open, readlink, realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { TemplateConfig } from '../config/runtime-config.js';
import { AgentError } from '../lib/errors.js';
import { resolveOwner } from './owner.js';
import type { PreparedWrite } from '../lib/write-file-atomic.js';
import { prepareFileAtomic, writeFileAtomic } from '../lib/write-file-atomic.js';

const PERMISSION_BITS = 0o7777;

/** A destination is a symlink and the template did not opt in with `follow_symlink: true`. */
export class SymlinkDestinationError extends AgentError {
  constructor(path: string) {
    super(
      'DESTINATION_SYMLINK',
      `destination ${path} is a symlink: refusing to follow it (remove the link, or set follow_symlink: true on the template to write to its target)`,
    );
  }
}

/** One file of a pass: what it should be, what it was, and whether it must be written. */
export interface PlannedFile {
  /** Where the file is written: the destination, or its target when a followed symlink was resolved. */
  readonly path: string;
  readonly contents: Buffer;
  readonly mode: number;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** It holds a private key: written before the certificate files, 0600 unless perms say otherwise. */
  readonly holdsKey: boolean;
  /** The serial of the certificate it was rendered from (undefined for a template of secrets only). */
  readonly serial: string | undefined;
  readonly changed: boolean;
  /** What was on disk before, to restore on rollback; undefined when there was no file. */
  readonly previous:
    | { readonly contents: Buffer; readonly mode: number; readonly uid: number; readonly gid: number }
    | undefined;
}

/** Whether rendered text holds a private key (any PEM flavour). */
export function holdsPrivateKey(contents: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(contents);
}

/**
 * Compares what a template wants with what is on disk: content, mode and owner. Default perms are 0600 for a
 * file holding a private key and 0644 otherwise. A symlink at the destination is refused unless the template
 * says `follow_symlink: true`, in which case its target is planned (and written) instead.
 */
export async function planFile(
  template: TemplateConfig,
  rendered: string | Buffer,
  serial: string | undefined,
): Promise<PlannedFile> {
  // A binary output is a keystore, which holds the private key.
  const holdsKey = typeof rendered === 'string' ? holdsPrivateKey(rendered) : true;
  const mode = template.perms ?? (holdsKey ? 0o600 : 0o644);
  const { uid, gid } = await resolveOwner(template.user, template.group);
  const contents = typeof rendered === 'string' ? Buffer.from(rendered, 'utf8') : rendered;
  const path = template.followSymlink ? await resolveLink(template.destination) : template.destination;
  const previous = await readPrevious(path);
  const changed =
    previous === undefined ||
    !previous.contents.equals(contents) ||
    previous.mode !== mode ||
    (uid !== undefined && previous.uid !== uid) ||
    (gid !== undefined && previous.gid !== gid);
  return { path, contents, mode, uid, gid, holdsKey, serial, changed, previous };
}

/**
 * Prepares the planned file (temp file written and fsynced, not yet renamed); with `backup`, the previous content
 * is first kept in `<path>.bak`. Undefined when the file turned out to be as wanted already.
 */
export async function preparePlanned(plan: PlannedFile, backup: boolean): Promise<PreparedWrite | undefined> {
  if (backup && plan.previous) {
    await writeFileAtomic({
      path: `${plan.path}.bak`,
      contents: plan.previous.contents,
      mode: plan.previous.mode,
    });
  }
  return prepareFileAtomic({
    path: plan.path,
    contents: plan.contents,
    mode: plan.mode,
    uid: plan.uid,
    gid: plan.gid,
  });
}

/** Puts the previous content and mode back; a file that had no previous version is left as it is. */
export async function restoreFile(plan: PlannedFile): Promise<void> {
  const write = await prepareRestore(plan);
  if (write) await write.commit();
}

/**
 * The first half of restoreFile, so a rollback can rename all the old files back to back as the pass did the
 * new ones. Undefined when there is nothing to restore: a file that did not exist before the pass is never
 * deleted, because a valid certificate on disk is better than none (the consumer may not even be running yet).
 */
export async function prepareRestore(plan: PlannedFile): Promise<PreparedWrite | undefined> {
  if (!plan.previous) return undefined;
  return prepareFileAtomic({
    path: plan.path,
    contents: plan.previous.contents,
    mode: plan.previous.mode,
    uid: plan.previous.uid,
    gid: plan.previous.gid,
  });
}

/**
 * `follow_symlink: true`: the final target of the destination; the destination itself when nothing is there; the
 * link's own target when it dangles (the file is created there, as a write through the link would).
 */
async function resolveLink(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const target = await readlink(path).catch(() => undefined);
  return target === undefined ? path : resolve(dirname(path), target);
}

/**
 * Reads what is at the path without ever following a final symlink: opened O_NOFOLLOW and inspected through the
 * open handle, so a link planted between a check and the read cannot make the agent copy another file's content
 * into the destination or its `.bak`. Something that is not a regular file (a directory) counts as no file.
 */
async function readPrevious(path: string): Promise<PlannedFile['previous']> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new SymlinkDestinationError(path);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    return {
      contents: await handle.readFile(),
      mode: info.mode & PERMISSION_BITS,
      uid: info.uid,
      gid: info.gid,
    };
  } finally {
    await handle.close();
  }
}
