import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { TemplateConfig } from '../config/runtime-config.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { KvSecret } from '../vault/kv-api.js';
import type { CurrentSet, DirectoryFile, PreparedDirectory } from './atomic-directory.js';
import type { KeystoreCache } from './keystore-cache.js';
import { prepareAtomicDirectory, readCurrentSet } from './atomic-directory.js';
import { OutputWriteError } from './output-errors.js';
import { resolveOwner } from './owner.js';
import { holdsPrivateKey } from './render-plan.js';
import type { OutputContent } from './render-output.js';
import { renderOutput } from './render-output.js';

/** An atomic directory group of a pass: every file rendered, and whether the set differs from the current one. */
export interface PlannedDirectory {
  readonly kind: 'directory';
  /** The directory (the group's destination). */
  readonly path: string;
  readonly files: readonly DirectoryFile[];
  readonly changed: boolean;
  /** What planning read of the current set, handed to the write so the files are read once per pass. */
  readonly current: CurrentSet;
  readonly holdsKey: false;
  readonly serial: string | undefined;
}

/** What a group is rendered from. */
export interface DirectoryInputs {
  readonly engine: TemplateEngine;
  readonly bundle: CertificateBundle | undefined;
  readonly secrets: ReadonlyMap<string, KvSecret>;
  readonly env?: NodeJS.ProcessEnv;
  readonly keystores?: KeystoreCache | undefined;
}

/** A group file's content: a keystore for `builtin: keystore.p12`, else its template. */
export function contentOf(file: NonNullable<TemplateConfig['directory']>['files'][number]): OutputContent {
  return file.pkcs12 ? { kind: 'pkcs12', pkcs12: file.pkcs12 } : { kind: 'template', source: file.source };
}

/**
 * Renders every file of the group (a failure fails the whole group: no partial set is ever written). Modes: the
 * file's `perms`, else the group's, else 0600 for a key or keystore and 0644 for the rest.
 */
export async function planDirectory(
  template: TemplateConfig,
  inputs: DirectoryInputs,
): Promise<PlannedDirectory> {
  const { uid, gid } = await resolveOwner(template.user, template.group);
  const files: DirectoryFile[] = [];
  for (const file of template.directory?.files ?? []) {
    const content = contentOf(file);
    const contents = await renderOutput(content, {
      ...inputs,
      destination: join(template.destination, file.name),
    });
    const secret = content.kind === 'pkcs12' || holdsPrivateKey(contents.toString('utf8'));
    files.push({
      name: file.name,
      contents,
      mode: file.perms ?? template.perms ?? (secret ? 0o600 : 0o644),
      uid,
      gid,
    });
  }
  const current = await readCurrentSet(template.destination, files);
  return {
    kind: 'directory',
    path: template.destination,
    files,
    changed: !current.same,
    current,
    holdsKey: false,
    serial: inputs.bundle?.serialNumber,
  };
}

/** Writes each changed group's new generation and swaps `..data`; stops at the first failure. */
export async function writeDirectories(
  plans: readonly PlannedDirectory[],
  logger: Logger,
): Promise<{ written: PreparedDirectory[]; error: OutputWriteError | undefined }> {
  const written: PreparedDirectory[] = [];
  for (const plan of plans) {
    try {
      const prepared = await prepareAtomicDirectory(plan.path, plan.files, undefined, plan.current);
      if (!prepared.changed) continue;
      await prepared.commit();
      written.push(prepared);
      logger.info(
        { destination: plan.path, files: plan.files.length, serial: plan.serial },
        'directory swapped',
      );
    } catch (cause) {
      const error = new OutputWriteError(plan.path, cause);
      logger.error({ destination: plan.path, error }, 'directory not written');
      return { written, error };
    }
  }
  return { written, error: undefined };
}

/** A check failed: each swapped group back to its previous generation (a first-ever set stays). */
export async function rollBackDirectories(
  written: readonly PreparedDirectory[],
  logger: Logger,
): Promise<Set<string>> {
  const restored = new Set<string>();
  for (const prepared of written) {
    try {
      await prepared.rollBack();
      if (!prepared.firstEver) restored.add(prepared.directory);
    } catch (error) {
      logger.error({ destination: prepared.directory, error }, 'could not swap the directory back');
    }
  }
  return restored;
}

/** The pass succeeded: older generations go. A failure here only leaves a generation for the next start. */
export async function finishDirectories(
  written: readonly PreparedDirectory[],
  logger: Logger,
): Promise<void> {
  for (const prepared of written) {
    await prepared
      .finish()
      .catch((error: unknown) =>
        logger.warn(
          { destination: prepared.directory, error },
          'old generations not removed; retried at the next write',
        ),
      );
  }
}
