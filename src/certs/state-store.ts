import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../lib/write-file-atomic.js';
import type { CertificateBundle } from './bundle.js';
import type { CertificateStore, StoredBundleResult } from './certificate-store.js';
import { StateSaveError } from './cert-errors.js';
import { decodeStoredBundle, encodeStoredBundle } from './stored-bundle.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
// A real bundle is a few kilobytes; anything far larger is not ours and is not read into memory.
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILE_NAME = 200;

/**
 * Keeps one JSON file per certificate under `<state_dir>/certificates/`, holding the private key: the directory is
 * 0700, files are 0600 and replaced atomically. The state_dir itself is created 0700 when missing but left as it
 * is when it exists (systemd's StateDirectory= or a volume mount may own it); the subdirectory is always ours.
 */
export class StateStore implements CertificateStore {
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, 'certificates');
  }

  /**
   * Where a killed save may have left temp files: the state_dir and its certificates/ subdirectory, both the
   * agent's own (any file of the temp naming there is ours). For removeStaleTempFiles at start.
   */
  tempFileLocations(): { dir: string; names: 'any' }[] {
    return [
      { dir: dirname(this.#dir), names: 'any' },
      { dir: this.#dir, names: 'any' },
    ];
  }

  /** The file a certificate's bundle is kept in. */
  pathOf(name: string): string {
    return join(this.#dir, fileNameFor(name));
  }

  async load(name: string): Promise<StoredBundleResult> {
    const path = this.pathOf(name);
    try {
      const info = await stat(path);
      if (!info.isFile()) return { status: 'invalid', reason: 'not a regular file' };
      if ((info.mode & 0o077) !== 0) {
        // Someone widened access to a private key: treat it as exposed rather than keep using it.
        return {
          status: 'invalid',
          reason: `file mode ${(info.mode & 0o777).toString(8)} is wider than 600`,
        };
      }
      if (info.size > MAX_FILE_BYTES) return { status: 'invalid', reason: 'file is too large' };
      const decoded = decodeStoredBundle(await readFile(path, 'utf8'), name);
      return 'bundle' in decoded
        ? { status: 'found', bundle: decoded.bundle }
        : { status: 'invalid', reason: decoded.reason };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return {
        status: 'invalid',
        reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      };
    }
  }

  async save(bundle: CertificateBundle): Promise<void> {
    try {
      await mkdir(this.#dir, { recursive: true, mode: DIR_MODE });
      await chmod(this.#dir, DIR_MODE);
      await writeFileAtomic({
        path: this.pathOf(bundle.name),
        contents: encodeStoredBundle(bundle),
        mode: FILE_MODE,
      });
    } catch (error) {
      throw new StateSaveError(`could not save certificate ${bundle.name} to the state directory`, {
        cause: error,
      });
    }
  }
}

/**
 * A file name for any certificate name: letters, digits, `_` and `-` are kept, every other byte becomes `%XX`
 * (so names cannot collide, and `.`/`/` can never climb out of the directory); very long names are cut and
 * made unique with a digest.
 */
export function fileNameFor(name: string): string {
  let safe = [...Buffer.from(name, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;
    })
    .join('');
  if (safe === '') safe = '%';
  if (safe.length > MAX_FILE_NAME) {
    const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
    safe = `${safe.slice(0, MAX_FILE_NAME - 17)}~${digest}`;
  }
  return `${safe}.json`;
}
