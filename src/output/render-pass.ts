import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { CertificateTimes } from '../certs/renew-schedule.js';
import type { TemplateConfig } from '../config/runtime-config.js';
import type { CommandOutcome, DueCommand } from '../exec/command-stage.js';
import { describeOutcome, mergeDue, outcomeError, runChecks, runCommands } from '../exec/command-stage.js';
import type { CommandRunner } from '../exec/run-command.js';
import { runCommand as defaultRunner } from '../exec/run-command.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { KvSecret } from '../vault/kv-api.js';
import type { PlannedDirectory } from './directory-pass.js';
import { finishDirectories, rollBackDirectories, writeDirectories } from './directory-pass.js';
import type { KeystoreCache } from './keystore-cache.js';
import { TemplateHeldBackError } from './output-errors.js';
import { planTemplate } from './plan-template.js';
import type { PlannedFile } from './render-plan.js';
import { restorePassFiles, writePassFiles } from './write-pass-files.js';

export type { CommandOutcome, DueCommand } from '../exec/command-stage.js';

/** What one pass is given. */
export interface RenderPassInput {
  readonly templates: readonly TemplateConfig[];
  /** The latest bundle of each certificate; templates of a certificate without one are `pending`. */
  readonly bundles: ReadonlyMap<string, CertificateBundle>;
  /** The KV secrets read so far; templates reading a secret without a value yet are `pending`. */
  readonly secrets?: ReadonlyMap<string, KvSecret>;
  /** The secrets the agent reads; a template naming another fails rather than stay pending (plan-template.ts). */
  readonly declaredSecrets?: ReadonlySet<string>;
  /** Secrets a reload declared, which the agent reads only after a restart (a template naming one says so). */
  readonly secretsAwaitingRestart?: ReadonlySet<string>;
  readonly engine: TemplateEngine;
  readonly runCommand?: CommandRunner;
  /** Commands that failed in an earlier pass and are still owed to their consumer (retried here). */
  readonly pendingCommands?: readonly DueCommand[];
  /** The environment children start from (VAULT_* removed); process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** The keystores of earlier passes (one cache per agent): an unchanged keystore then costs a digest. */
  readonly keystores?: KeystoreCache;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** The certificate a destination holds after the pass. */
export interface OnDisk {
  readonly serial: string;
  readonly times: CertificateTimes;
}

/** What happened to one template. */
export interface TemplateOutcome {
  readonly destination: string;
  /** undefined for a template that reads only KV secrets. */
  readonly certificate: string | undefined;
  readonly result: 'written' | 'unchanged' | 'error' | 'pending';
  /** Why it is `error`, typed (its `code` is what /status shows); the message names the file or command. */
  readonly error?: Error;
  /** The serial of the certificate the file now holds (written or unchanged). */
  readonly serial?: string;
  /** Set when the file now holds this pass's certificate; undefined when it holds what it held before. */
  readonly onDisk?: OnDisk;
}

/** The whole pass; metrics and health are derived from it. */
export interface RenderPassResult {
  readonly templates: readonly TemplateOutcome[];
  readonly commands: readonly CommandOutcome[];
  /** Every template written or unchanged (or pending), every check passed and no command owed. */
  readonly ok: boolean;
  /** A check or write failed and files of the pass were put back as they were. */
  readonly rolledBack: boolean;
  /** Commands that failed (or could not run) and must be retried; the files they are for stay in place. */
  readonly pendingCommands: readonly DueCommand[];
  /** Why the pass is not ok, one sentence each. */
  readonly problems: readonly string[];
}

/**
 * One pass of DESIGN §2 "Files": render every template; if any template of a certificate fails, write none of
 * that certificate's files (a new key never lands beside an old certificate); write what changed, key files
 * first; run the checks of the changed templates; a failing check (or write) restores the previous files, but a
 * file that had no previous version is kept. Then each distinct command once, in config order, together with
 * the commands still owed from earlier passes: a failing command leaves the files in place and is handed back
 * in `pendingCommands` to be retried.
 */
export async function runRenderPass(input: RenderPassInput): Promise<RenderPassResult> {
  const { templates, logger } = input;
  const outcomes = new Map<TemplateConfig, TemplateOutcome>();
  const changed: Changed[] = [];

  const planInput = { ...input, secrets: input.secrets ?? new Map<string, KvSecret>() };
  const prepared = await Promise.all(templates.map((template) => planTemplate(planInput, template)));
  input.keystores?.endPass();
  // Render or plan (unknown owner, symlinked destination): either failure holds back the whole certificate.
  const failedCertificates = new Map<string, Error>();
  for (const [index, template] of templates.entries()) {
    const entry = prepared[index]!;
    if (entry.kind === 'error' && !failedCertificates.has(groupOf(template)))
      failedCertificates.set(groupOf(template), entry.error);
  }
  for (const [index, template] of templates.entries()) {
    const entry = prepared[index]!;
    const base = { destination: template.destination, certificate: template.certificate };
    const heldBy = failedCertificates.get(groupOf(template));
    if (entry.kind === 'pending') outcomes.set(template, { ...base, result: 'pending' });
    else if (entry.kind === 'error') outcomes.set(template, { ...base, result: 'error', error: entry.error });
    else if (heldBy)
      outcomes.set(template, { ...base, result: 'error', error: new TemplateHeldBackError(heldBy) });
    else if (!entry.plan.changed) outcomes.set(template, onDisk(template, 'unchanged', entry.bundle));
    else changed.push({ template, plan: entry.plan, bundle: entry.bundle });
  }

  // Keys first: a reader that sees the new certificate must find its key already in place.
  const ordered = [...changed].sort((a, b) => Number(b.plan.holdsKey) - Number(a.plan.holdsKey));
  const files = ordered.flatMap(({ template, plan }) =>
    isFile(plan) ? [{ plan, backup: template.backup }] : [],
  );
  const { written, error: fileError } = await writePassFiles(files, logger);
  // Atomic directory groups swap after the plain files, each in one rename of its `..data` link.
  const groups =
    fileError === undefined
      ? await writeDirectories(
          ordered.flatMap(({ plan }) => (isFile(plan) ? [] : [plan])),
          logger,
        )
      : undefined;
  const writeError = fileError ?? groups?.error;
  const commands: CommandOutcome[] = [];
  const stage = {
    runner: input.runCommand ?? defaultRunner,
    signal: input.signal,
    logger,
    env: input.env ?? process.env,
  };
  const failedCheck =
    writeError === undefined ? await runChecks(dueOf('check', changed), stage, commands) : undefined;
  const failure = writeError ?? (failedCheck && outcomeError(failedCheck));
  let restored = new Set<PlannedFile>();
  let restoredGroups = new Set<string>();
  if (failure !== undefined) {
    restored = await restorePassFiles(written, failure, logger);
    restoredGroups = await rollBackDirectories(groups?.written ?? [], logger);
  } else await finishDirectories(groups?.written ?? [], logger);
  const swapped = new Set((groups?.written ?? []).map((group) => group.directory));
  const inPlace = (plan: PlannedFile | PlannedDirectory): boolean =>
    isFile(plan)
      ? written.includes(plan) && !restored.has(plan)
      : swapped.has(plan.path) && !restoredGroups.has(plan.path);
  for (const { template, plan, bundle } of changed) {
    if (failure === undefined) outcomes.set(template, onDisk(template, 'written', bundle));
    else {
      outcomes.set(template, {
        destination: template.destination,
        certificate: template.certificate,
        result: 'error',
        error: failure,
        ...(inPlace(plan) && bundle ? { serial: bundle.serialNumber, onDisk: diskOf(bundle) } : {}),
      });
    }
  }

  // A failed check leaves the owed commands owed: the files they were for are (again) on disk, unreloaded.
  const owed = input.pendingCommands ?? [];
  const pendingCommands =
    failure === undefined
      ? await runCommands(mergeDue([...owed, ...dueOf('command', changed)]), stage, commands)
      : [...owed];
  const list = templates.map((template) => outcomes.get(template)!);
  const problems = [
    ...list.filter((entry) => entry.result === 'error').map((e) => `${e.destination}: ${e.error?.message}`),
    ...commands
      .filter((c) => c.kind === 'command' && c.failure !== undefined)
      .map((c) => `${describeOutcome(c)}; will retry`),
  ];
  if (failure === undefined && pendingCommands.length > 0) {
    logger.warn(
      { commands: pendingCommands.map((c) => c.spec) },
      'files are in place but a command failed; it will be retried',
    );
  }
  const ok = failure === undefined && pendingCommands.length === 0 && problems.length === 0;
  const rolledBack = restored.size + restoredGroups.size > 0;
  return { templates: list, commands, ok, rolledBack, pendingCommands, problems };
}

type Changed = {
  template: TemplateConfig;
  plan: PlannedFile | PlannedDirectory;
  bundle: CertificateBundle | undefined;
};

function isFile(plan: PlannedFile | PlannedDirectory): plan is PlannedFile {
  return !('kind' in plan);
}

/** Templates failing together: those of one certificate (a key never lands beside another's certificate). */
function groupOf(template: TemplateConfig): string {
  return template.certificate ?? `file:${template.destination}`;
}

/** The checks (or commands) of the changed templates, one per template, with what changed for it. */
function dueOf(kind: 'check' | 'command', changed: readonly Changed[]): DueCommand[] {
  const due: DueCommand[] = [];
  for (const { template, plan, bundle } of changed) {
    const spec = kind === 'check' ? template.exec?.check : template.exec?.command;
    if (!spec || !template.exec) continue;
    due.push({
      kind,
      spec,
      timeoutMs: template.exec.timeoutMs,
      index: template.index,
      certificates:
        template.certificate !== undefined && bundle
          ? [{ name: template.certificate, serial: bundle.serialNumber }]
          : [],
      files: [plan.path],
    });
  }
  return mergeDue(due);
}

function diskOf(bundle: CertificateBundle): OnDisk {
  return {
    serial: bundle.serialNumber,
    times: { notBefore: bundle.notBefore, notAfter: bundle.notAfter, obtainedAt: bundle.obtainedAt },
  };
}

function onDisk(
  template: TemplateConfig,
  result: 'written' | 'unchanged',
  bundle: CertificateBundle | undefined,
): TemplateOutcome {
  const base = { destination: template.destination, certificate: template.certificate, result };
  return bundle ? { ...base, serial: bundle.serialNumber, onDisk: diskOf(bundle) } : base;
}
