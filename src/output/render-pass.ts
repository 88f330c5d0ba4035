import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { CertificateTimes } from '../certs/renew-schedule.js';
import type { TemplateConfig } from '../config/runtime-config.js';
import type { CommandOutcome, DueCommand } from '../exec/command-stage.js';
import { mergeDue, runChecks, runCommands } from '../exec/command-stage.js';
import type { CommandRunner } from '../exec/run-command.js';
import { runCommand as defaultRunner } from '../exec/run-command.js';
import { errorMessage } from '../lib/errors.js';
import { templateContext } from '../templates/template-context.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { PlannedFile } from './render-plan.js';
import { planFile } from './render-plan.js';
import { restorePassFiles, writePassFiles } from './write-pass-files.js';

export type { CommandOutcome, DueCommand } from '../exec/command-stage.js';

/** What one pass is given. */
export interface RenderPassInput {
  readonly templates: readonly TemplateConfig[];
  /** The latest bundle of each certificate; templates of a certificate without one are `pending`. */
  readonly bundles: ReadonlyMap<string, CertificateBundle>;
  readonly engine: TemplateEngine;
  readonly runCommand?: CommandRunner;
  /** Commands that failed in an earlier pass and are still owed to their consumer (retried here). */
  readonly pendingCommands?: readonly DueCommand[];
  /** The environment children start from (VAULT_* removed); process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
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
  readonly certificate: string;
  readonly result: 'written' | 'unchanged' | 'error' | 'pending';
  readonly error?: string;
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
  const changed: { template: TemplateConfig; plan: PlannedFile; bundle: CertificateBundle }[] = [];

  const prepared = await Promise.all(templates.map((template) => renderAndPlan(input, template)));
  // Render or plan (unknown owner, symlinked destination): either failure holds back the whole certificate.
  const failedCertificates = new Set(
    templates.filter((_, index) => prepared[index]!.kind === 'error').map((template) => template.certificate),
  );
  for (const [index, template] of templates.entries()) {
    const entry = prepared[index]!;
    const base = { destination: template.destination, certificate: template.certificate };
    if (entry.kind === 'pending') outcomes.set(template, { ...base, result: 'pending' });
    else if (entry.kind === 'error') outcomes.set(template, { ...base, result: 'error', error: entry.error });
    else if (failedCertificates.has(template.certificate))
      outcomes.set(template, { ...base, result: 'error', error: HELD_BACK });
    else if (!entry.plan.changed) outcomes.set(template, onDisk(template, 'unchanged', entry.bundle));
    else changed.push({ template, plan: entry.plan, bundle: entry.bundle });
  }

  // Keys first: a reader that sees the new certificate must find its key already in place.
  const ordered = [...changed].sort((a, b) => Number(b.plan.holdsKey) - Number(a.plan.holdsKey));
  const { written, error: writeError } = await writePassFiles(
    ordered.map(({ template, plan }) => ({ plan, backup: template.backup })),
    logger,
  );
  const commands: CommandOutcome[] = [];
  const stage = {
    runner: input.runCommand ?? defaultRunner,
    signal: input.signal,
    logger,
    env: input.env ?? process.env,
  };
  const failure = writeError ?? (await runChecks(dueOf('check', changed), stage, commands));
  let restored = new Set<PlannedFile>();
  if (failure !== undefined) restored = await restorePassFiles(written, failure, logger);
  const inPlace = new Set(written.filter((plan) => !restored.has(plan)));
  for (const { template, plan, bundle } of changed) {
    if (failure === undefined) outcomes.set(template, onDisk(template, 'written', bundle));
    else {
      outcomes.set(template, {
        destination: template.destination,
        certificate: template.certificate,
        result: 'error',
        error: failure,
        ...(inPlace.has(plan) ? { serial: bundle.serialNumber, onDisk: diskOf(bundle) } : {}),
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
    ...list.filter((entry) => entry.result === 'error').map((e) => `${e.destination}: ${e.error}`),
    ...commands.filter((c) => c.kind === 'command' && c.failure).map((c) => `${c.failure}; will retry`),
  ];
  if (failure === undefined && pendingCommands.length > 0) {
    logger.warn(
      { commands: pendingCommands.map((c) => c.spec) },
      'files are in place but a command failed; it will be retried',
    );
  }
  const ok = failure === undefined && pendingCommands.length === 0 && problems.length === 0;
  return { templates: list, commands, ok, rolledBack: restored.size > 0, pendingCommands, problems };
}

const HELD_BACK = 'not written: another template of this certificate failed';

type Prepared =
  | { kind: 'pending' }
  | { kind: 'error'; error: string }
  | { kind: 'planned'; plan: PlannedFile; bundle: CertificateBundle };

async function renderAndPlan(input: RenderPassInput, template: TemplateConfig): Promise<Prepared> {
  const bundle = input.bundles.get(template.certificate);
  if (!bundle) return { kind: 'pending' };
  try {
    const contents = await input.engine.render(
      template.source,
      templateContext(bundle),
      template.destination,
    );
    return { kind: 'planned', plan: await planFile(template, contents, bundle.serialNumber), bundle };
  } catch (error) {
    input.logger.error({ destination: template.destination, error }, 'template failed');
    return { kind: 'error', error: errorMessage(error) };
  }
}

/** The checks (or commands) of the changed templates, one per template, with what changed for it. */
function dueOf(
  kind: 'check' | 'command',
  changed: readonly { template: TemplateConfig; plan: PlannedFile; bundle: CertificateBundle }[],
): DueCommand[] {
  const due: DueCommand[] = [];
  for (const { template, plan, bundle } of changed) {
    const spec = kind === 'check' ? template.exec?.check : template.exec?.command;
    if (!spec || !template.exec) continue;
    due.push({
      kind,
      spec,
      timeoutMs: template.exec.timeoutMs,
      index: template.index,
      certificates: [{ name: template.certificate, serial: bundle.serialNumber }],
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
  bundle: CertificateBundle,
): TemplateOutcome {
  return {
    destination: template.destination,
    certificate: template.certificate,
    result,
    serial: bundle.serialNumber,
    onDisk: diskOf(bundle),
  };
}
