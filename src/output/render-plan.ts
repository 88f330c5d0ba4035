import { readFile, stat, unlink } from 'node:fs/promises';
import type { TemplateConfig } from '../config/runtime-config.js';
import { resolveOwner } from './owner.js';
import type { PreparedWrite } from './write-file-atomic.js';
import { prepareFileAtomic, writeFileAtomic } from './write-file-atomic.js';

const PERMISSION_BITS = 0o7777;

/** One file of a pass: what it should be, what it was, and whether it must be written. */
export interface PlannedFile {
  readonly path: string;
  readonly contents: Buffer;
  readonly mode: number;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** It holds a private key: written before the certificate files, 0600 unless perms say otherwise. */
  readonly holdsKey: boolean;
  /** The serial of the certificate it was rendered from. */
  readonly serial: string;
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
 * file holding a private key and 0644 otherwise.
 */
export async function planFile(
  template: TemplateConfig,
  rendered: string,
  serial: string,
): Promise<PlannedFile> {
  const holdsKey = holdsPrivateKey(rendered);
  const mode = template.perms ?? (holdsKey ? 0o600 : 0o644);
  const { uid, gid } = await resolveOwner(template.user, template.group);
  const contents = Buffer.from(rendered, 'utf8');
  const previous = await readPrevious(template.destination);
  const changed =
    previous === undefined ||
    !previous.contents.equals(contents) ||
    previous.mode !== mode ||
    (uid !== undefined && previous.uid !== uid) ||
    (gid !== undefined && previous.gid !== gid);
  return { path: template.destination, contents, mode, uid, gid, holdsKey, serial, changed, previous };
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

/** Puts the file back as it was before the pass: the old content and mode, or no file at all. */
export async function restoreFile(plan: PlannedFile): Promise<void> {
  const write = await prepareRestore(plan);
  if (write) await write.commit();
}

/**
 * The first half of restoreFile, so a rollback can rename all the old files back to back as the pass did the
 * new ones. A file that did not exist before is removed here and now (undefined is returned).
 */
export async function prepareRestore(plan: PlannedFile): Promise<PreparedWrite | undefined> {
  if (!plan.previous) {
    await unlink(plan.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return undefined;
  }
  return prepareFileAtomic({
    path: plan.path,
    contents: plan.previous.contents,
    mode: plan.previous.mode,
    uid: plan.previous.uid,
    gid: plan.previous.gid,
  });
}

async function readPrevious(path: string): Promise<PlannedFile['previous']> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    return {
      contents: await readFile(path),
      mode: info.mode & PERMISSION_BITS,
      uid: info.uid,
      gid: info.gid,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
