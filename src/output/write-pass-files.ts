import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { OutputWriteError } from './output-errors.js';
import type { PlannedFile } from './render-plan.js';
import { preparePlanned, prepareRestore } from './render-plan.js';
import type { PreparedWrite } from '../lib/write-file-atomic.js';
import { syncDirectory } from '../lib/write-file-atomic.js';

/** A changed file of a pass and whether its template keeps a `.bak`. */
export interface FileToWrite {
  readonly plan: PlannedFile;
  readonly backup: boolean;
}

/** The files now in place, and the first write failure (naming the path, the OS's error as its cause) if any. */
export interface WriteOutcome {
  readonly written: PlannedFile[];
  readonly error: OutputWriteError | undefined;
}

/**
 * Writes the changed files in two phases: every temp file written and fsynced first, then all renamed back to
 * back (in the order given: keys first) and the directories fsynced, so the files of a pass change within
 * microseconds of each other. A failure is logged with its cause (code, syscall, path: EACCES, ENOSPC, EROFS…)
 * through the error serializer, and the files after it are not touched.
 */
export async function writePassFiles(files: readonly FileToWrite[], logger: Logger): Promise<WriteOutcome> {
  const prepared: { plan: PlannedFile; write: PreparedWrite }[] = [];
  for (const { plan, backup } of files) {
    try {
      const write = await preparePlanned(plan, backup);
      if (write) prepared.push({ plan, write });
    } catch (error) {
      await Promise.all(prepared.map(({ write }) => write.discard()));
      return { written: [], error: failed(plan, error, logger) };
    }
  }
  const written: PlannedFile[] = [];
  for (const [index, { plan, write }] of prepared.entries()) {
    try {
      await write.commit({ syncDirectory: false });
      written.push(plan);
    } catch (error) {
      await Promise.all(prepared.slice(index + 1).map((entry) => entry.write.discard()));
      await syncDirectories(written);
      return { written, error: failed(plan, error, logger) };
    }
  }
  await syncDirectories(written);
  for (const plan of written) {
    logger.info(
      { destination: plan.path, mode: plan.mode.toString(8).padStart(4, '0'), serial: plan.serial },
      'file written',
    );
  }
  return { written, error: undefined };
}

/**
 * Puts back the previous version of every file the pass renamed into place, in two phases like the write (old
 * contents prepared first, then renamed back to back), so the window with a mismatched key and certificate
 * stays short. A file that had no previous version stays as written: a valid certificate on disk is better than
 * none. Returns the files actually restored; one that cannot be restored is logged and the others still are.
 */
export async function restorePassFiles(
  written: readonly PlannedFile[],
  reason: Error,
  logger: Logger,
): Promise<Set<PlannedFile>> {
  const onError = (plan: PlannedFile) => (error: unknown) => {
    logger.error({ destination: plan.path, error }, 'could not restore the previous file');
  };
  const prepared: { plan: PlannedFile; write: PreparedWrite }[] = [];
  for (const plan of written) {
    const write = await prepareRestore(plan).catch(onError(plan));
    if (write) prepared.push({ plan, write });
  }
  const restored = new Set<PlannedFile>();
  for (const { plan, write } of prepared) {
    await write.commit({ syncDirectory: false }).then(() => restored.add(plan), onError(plan));
  }
  await syncDirectories([...restored]);
  const kept = written.filter((plan) => !plan.previous).map((plan) => plan.path);
  if (restored.size > 0 || kept.length > 0) {
    logger.warn(
      // `reason` in words as before; `error` so the line carries the failure's code, as /status does.
      {
        reason: reason.message,
        error: reason,
        restored: restored.size,
        kept_new: kept.length > 0 ? kept : undefined,
      },
      kept.length > 0
        ? 'pass rolled back: previous files restored; files that had no previous version were kept'
        : 'pass rolled back: previous files restored',
    );
  }
  return restored;
}

function failed(plan: PlannedFile, cause: unknown, logger: Logger): OutputWriteError {
  const error = new OutputWriteError(plan.path, cause);
  // `code` (the OS's) stays at the top of the line, where it was before the error was typed.
  logger.error({ destination: plan.path, code: error.osCode, error }, 'file not written');
  return error;
}

async function syncDirectories(files: readonly PlannedFile[]): Promise<void> {
  for (const dir of new Set(files.map((plan) => dirname(plan.path)))) await syncDirectory(dir);
}
