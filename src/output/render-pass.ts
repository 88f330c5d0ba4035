import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { CommandSpec, TemplateConfig } from '../config/runtime-config.js';
import type { CommandResult, CommandRunner } from '../exec/run-command.js';
import { describeCommand, runCommand as defaultRunner, succeeded } from '../exec/run-command.js';
import { errorMessage } from '../lib/errors.js';
import { templateContext } from '../templates/template-context.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { PlannedFile } from './render-plan.js';
import { planFile, preparePlanned, prepareRestore } from './render-plan.js';
import type { PreparedWrite } from './write-file-atomic.js';
import { syncDirectory } from './write-file-atomic.js';
import { dirname } from 'node:path';

/** What one pass is given. */
export interface RenderPassInput {
  readonly templates: readonly TemplateConfig[];
  /** The latest bundle of each certificate; templates of a certificate without one are `pending`. */
  readonly bundles: ReadonlyMap<string, CertificateBundle>;
  readonly engine: TemplateEngine;
  readonly runCommand?: CommandRunner;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** What happened to one template. */
export interface TemplateOutcome {
  readonly destination: string;
  readonly certificate: string;
  readonly result: 'written' | 'unchanged' | 'error' | 'pending';
  readonly error?: string;
  /** The serial of the certificate the file now holds (written or unchanged). */
  readonly serial?: string;
}

/** What happened to one distinct check or command. */
export interface CommandOutcome {
  readonly kind: 'check' | 'command';
  readonly spec: CommandSpec;
  /** The command in a short human form, for logs and status. */
  readonly command: string;
  readonly result: 'success' | 'failure' | 'timeout';
  readonly exitCode: number | undefined;
  readonly durationMs: number;
}

/** The whole pass; metrics and health are derived from it. */
export interface RenderPassResult {
  readonly templates: readonly TemplateOutcome[];
  readonly commands: readonly CommandOutcome[];
  /** Every template written or unchanged (or pending) and every check and command successful. */
  readonly ok: boolean;
  /** A check or command failed (or a write did) and the files of the pass were put back as they were. */
  readonly rolledBack: boolean;
}

/**
 * One pass of DESIGN §2 "Files": render every template; if any template of a certificate fails, write none of
 * that certificate's files (a new key never lands beside an old certificate); write what changed, key files
 * first; then run the checks of the changed templates and, if they pass, each distinct command once, in config
 * order. A failing check, command or write puts every file of the pass back as it was.
 */
export async function runRenderPass(input: RenderPassInput): Promise<RenderPassResult> {
  const { templates, logger } = input;
  const outcomes = new Map<TemplateConfig, TemplateOutcome>();
  const changed: { template: TemplateConfig; plan: PlannedFile }[] = [];

  const prepared = await Promise.all(templates.map((template) => renderAndPlan(input, template)));
  // Render or plan (unknown owner, unreadable destination): either failure holds back the whole certificate.
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
    else if (!entry.plan.changed) outcomes.set(template, outcome(template, 'unchanged', entry.plan.serial));
    else changed.push({ template, plan: entry.plan });
  }

  // Keys first: a reader that sees the new certificate must find its key already in place.
  const ordered = [...changed].sort((a, b) => Number(b.plan.holdsKey) - Number(a.plan.holdsKey));
  const { written, error: writeError } = await writeAll(ordered, logger);
  const commands: CommandOutcome[] = [];
  const changedTemplates = changed.map(({ template }) => template);
  let failure = writeError;
  failure ??= await runStage(input, 'check', changedTemplates, commands);
  failure ??= await runStage(input, 'command', changedTemplates, commands);

  const rolledBack = failure !== undefined && written.length > 0;
  if (failure !== undefined) await rollBack(written, failure, logger);
  for (const { template, plan } of changed) {
    outcomes.set(
      template,
      failure === undefined
        ? outcome(template, 'written', plan.serial)
        : {
            destination: template.destination,
            certificate: template.certificate,
            result: 'error',
            error: failure,
          },
    );
  }
  const list = templates.map((template) => outcomes.get(template)!);
  const ok = !failure && list.every((entry) => entry.result !== 'error');
  return { templates: list, commands, ok, rolledBack };
}

/**
 * Puts every file the pass renamed into place back as it was, in two phases like the write (old contents
 * prepared first, then renamed back to back), so the window with a mismatched key and certificate stays short.
 * A file that cannot be restored is logged and the others are still restored.
 */
async function rollBack(written: readonly PlannedFile[], reason: string, logger: Logger): Promise<void> {
  const failed = (plan: PlannedFile) => (error: unknown) =>
    logger.error(
      { destination: plan.path, error: errorMessage(error) },
      'could not restore the previous file',
    );
  const prepared: { plan: PlannedFile; write: PreparedWrite }[] = [];
  for (const plan of written) {
    const write = await prepareRestore(plan).catch(failed(plan));
    if (write) prepared.push({ plan, write });
  }
  for (const { plan, write } of prepared) await write.commit({ syncDirectory: false }).catch(failed(plan));
  for (const dir of new Set(written.map((plan) => dirname(plan.path)))) await syncDirectory(dir);
  if (written.length > 0)
    logger.warn({ reason, files: written.length }, 'pass rolled back: previous files restored');
}

const HELD_BACK = 'not written: another template of this certificate failed';

type Prepared =
  { kind: 'pending' } | { kind: 'error'; error: string } | { kind: 'planned'; plan: PlannedFile };

async function renderAndPlan(input: RenderPassInput, template: TemplateConfig): Promise<Prepared> {
  const bundle = input.bundles.get(template.certificate);
  if (!bundle) return { kind: 'pending' };
  try {
    const contents = await input.engine.render(
      template.source,
      templateContext(bundle),
      template.destination,
    );
    return { kind: 'planned', plan: await planFile(template, contents, bundle.serialNumber) };
  } catch (error) {
    input.logger.error({ destination: template.destination, error: errorMessage(error) }, 'template failed');
    return { kind: 'error', error: errorMessage(error) };
  }
}

/** Runs each distinct check (or command) of the changed templates once, in config order; returns the failure. */
async function runStage(
  input: RenderPassInput,
  kind: 'check' | 'command',
  changed: readonly TemplateConfig[],
  outcomes: CommandOutcome[],
): Promise<string | undefined> {
  const runner = input.runCommand ?? defaultRunner;
  const seen = new Set<string>();
  const due: { spec: CommandSpec; timeoutMs: number }[] = [];
  for (const template of [...changed].sort((a, b) => a.index - b.index)) {
    const spec = kind === 'check' ? template.exec?.check : template.exec?.command;
    if (!spec || !template.exec) continue;
    const key = JSON.stringify(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    due.push({ spec, timeoutMs: template.exec.timeoutMs });
  }
  for (const { spec, timeoutMs } of due) {
    const result = await runner(spec, { timeoutMs, signal: input.signal });
    const ok = succeeded(result);
    const entry: CommandOutcome = {
      kind,
      spec,
      command: describeCommand(spec),
      result: ok ? 'success' : result.timedOut ? 'timeout' : 'failure',
      exitCode: result.exitCode,
      durationMs: Math.round(result.durationMs),
    };
    outcomes.push(entry);
    const fields = {
      kind,
      command: entry.command,
      exit_code: result.exitCode,
      duration_ms: entry.durationMs,
      stdout: result.stdout || undefined,
      stderr: result.stderr || undefined,
      signal: result.signal,
    };
    if (ok) input.logger.info(fields, `${kind} succeeded`);
    else {
      input.logger.warn({ ...fields, timed_out: result.timedOut }, `${kind} failed`);
      return `${kind} ${entry.command} ${howItEnded(result)}`;
    }
  }
  return undefined;
}

function howItEnded(result: CommandResult): string {
  if (result.timedOut) return 'timed out';
  if (result.aborted) return 'was stopped: the agent is stopping';
  if (result.failedToStart) return 'could not be started';
  return `exited with ${result.exitCode ?? result.signal ?? 'an error'}`;
}

function outcome(template: TemplateConfig, result: 'written' | 'unchanged', serial: string): TemplateOutcome {
  return { destination: template.destination, certificate: template.certificate, result, serial };
}

/**
 * Writes the changed files in two phases: every temp file written and fsynced first, then all renamed back to
 * back (keys first) and the directories fsynced, so the files of a pass change within microseconds of each
 * other. Returns the files now in place (to restore on failure) and the first error.
 */
async function writeAll(
  ordered: readonly { template: TemplateConfig; plan: PlannedFile }[],
  logger: Logger,
): Promise<{ written: PlannedFile[]; error: string | undefined }> {
  const prepared: { plan: PlannedFile; write: PreparedWrite }[] = [];
  for (const { template, plan } of ordered) {
    try {
      const write = await preparePlanned(plan, template.backup);
      if (write) prepared.push({ plan, write });
    } catch (error) {
      await Promise.all(prepared.map(({ write }) => write.discard()));
      return { written: [], error: `write failed for ${plan.path}: ${errorMessage(error)}` };
    }
  }
  const written: PlannedFile[] = [];
  for (const [index, { plan, write }] of prepared.entries()) {
    try {
      await write.commit({ syncDirectory: false });
      written.push(plan);
    } catch (error) {
      await Promise.all(prepared.slice(index + 1).map((entry) => entry.write.discard()));
      return { written, error: `write failed for ${plan.path}: ${errorMessage(error)}` };
    }
  }
  for (const dir of new Set(written.map((plan) => dirname(plan.path)))) await syncDirectory(dir);
  for (const plan of written) {
    logger.info(
      { destination: plan.path, mode: plan.mode.toString(8).padStart(4, '0'), serial: plan.serial },
      'file written',
    );
  }
  return { written, error: undefined };
}
