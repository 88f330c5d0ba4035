import type { Logger } from 'pino';
import type { CommandSpec } from '../config/runtime-config.js';
import type { CommandContext } from './child-env.js';
import { childEnvironment } from './child-env.js';
import type { CommandFailure } from './command-failure.js';
import { CommandFailedError, describeFailure, failureOf } from './command-failure.js';
import type { CommandRunner } from './run-command.js';
import { describeCommand } from './run-command.js';

/** A check or command due in a pass, with what changed for it. Identical specs are merged into one. */
export interface DueCommand {
  readonly kind: 'check' | 'command';
  readonly spec: CommandSpec;
  readonly timeoutMs: number;
  /** The config position of the first template naming it: commands run in config order. */
  readonly index: number;
  readonly certificates: readonly { readonly name: string; readonly serial: string }[];
  readonly files: readonly string[];
}

/** What happened to one distinct check or command. */
export interface CommandOutcome {
  readonly kind: 'check' | 'command';
  readonly spec: CommandSpec;
  /** The command in a short human form, for logs and status. */
  readonly command: string;
  /** The `result` label of certagent_command_runs_total, derived from `failure`. */
  readonly result: 'success' | 'failure' | 'timeout';
  readonly exitCode: number | undefined;
  readonly durationMs: number;
  /** How a failed run ended (undefined on success); describeOutcome puts it in words. */
  readonly failure?: CommandFailure;
}

/** `check nginx -t exited with 1`, `command systemctl reload nginx succeeded`: one outcome for logs and status. */
export function describeOutcome(outcome: CommandOutcome): string {
  return outcomeError(outcome)?.message ?? `${outcome.kind} ${outcome.command} succeeded`;
}

/** A failed outcome as a typed error (its message is describeOutcome's), or undefined when it succeeded. */
export function outcomeError(outcome: CommandOutcome): CommandFailedError | undefined {
  return outcome.failure && new CommandFailedError(outcome.kind, outcome.command, outcome.failure);
}

/** What a stage is run with. */
export interface StageOptions {
  readonly runner: CommandRunner;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** The agent's environment, scrubbed of VAULT_* before a child sees it. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Merges due commands with the same spec (a reload shared by the key and the certificate template runs once) and
 * sorts them by config order. Changed files and certificates are the union; for a certificate named twice the
 * later serial wins (a retried reload is told about the files now on disk).
 */
export function mergeDue(commands: readonly DueCommand[]): DueCommand[] {
  const merged = new Map<string, DueCommand>();
  for (const entry of commands) {
    const key = `${entry.kind}\0${JSON.stringify(entry.spec)}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, entry);
      continue;
    }
    const serials = new Map(seen.certificates.map((c) => [c.name, c.serial]));
    for (const c of entry.certificates) serials.set(c.name, c.serial);
    merged.set(key, {
      ...seen,
      index: Math.min(seen.index, entry.index),
      timeoutMs: Math.max(seen.timeoutMs, entry.timeoutMs),
      certificates: [...serials].map(([name, serial]) => ({ name, serial })),
      files: [...new Set([...seen.files, ...entry.files])],
    });
  }
  return [...merged.values()].sort((a, b) => a.index - b.index);
}

/**
 * Runs the checks of a pass in order and stops at the first failure (its outcome is returned): the files are
 * bad and will be rolled back, so nothing after it matters.
 */
export async function runChecks(
  checks: readonly DueCommand[],
  options: StageOptions,
  outcomes: CommandOutcome[],
): Promise<CommandOutcome | undefined> {
  for (const check of checks) {
    const outcome = await runOne(check, options);
    outcomes.push(outcome);
    if (outcome.failure !== undefined) return outcome;
  }
  return undefined;
}

/**
 * Runs every command of a pass, in order, each once, and returns those that failed: the files stay (they were
 * checked), and the failed commands are retried later. Every command is tried even when an earlier one failed,
 * since each reloads a different consumer.
 */
export async function runCommands(
  commands: readonly DueCommand[],
  options: StageOptions,
  outcomes: CommandOutcome[],
): Promise<DueCommand[]> {
  const failed: DueCommand[] = [];
  for (const command of commands) {
    if (options.signal.aborted) {
      failed.push(command);
      continue;
    }
    const outcome = await runOne(command, options);
    outcomes.push(outcome);
    if (outcome.failure !== undefined) failed.push(command);
  }
  return failed;
}

async function runOne(due: DueCommand, options: StageOptions): Promise<CommandOutcome> {
  const context: CommandContext = { kind: due.kind, certificates: due.certificates, files: due.files };
  const result = await options.runner(due.spec, {
    timeoutMs: due.timeoutMs,
    signal: options.signal,
    env: childEnvironment(options.env, context),
  });
  const failure = failureOf(result, due.timeoutMs);
  const outcome: CommandOutcome = {
    kind: due.kind,
    spec: due.spec,
    command: describeCommand(due.spec),
    result: failure === undefined ? 'success' : failure.reason === 'timeout' ? 'timeout' : 'failure',
    exitCode: result.exitCode,
    durationMs: Math.round(result.durationMs),
    ...(failure === undefined ? {} : { failure }),
  };
  const fields = {
    kind: due.kind,
    command: outcome.command,
    exit_code: result.exitCode,
    duration_ms: outcome.durationMs,
    stdout: result.stdout || undefined,
    stderr: result.stderr || undefined,
    signal: result.signal,
  };
  if (failure === undefined) options.logger.info(fields, `${due.kind} succeeded`);
  else {
    const words = describeFailure(failure);
    const why = { reason: failure.reason, failure: words, timed_out: failure.reason === 'timeout' };
    // The error too, so the line carries the code /status shows for the template (EXEC_EXIT, EXEC_TIMEOUT…).
    options.logger.warn({ ...fields, ...why, error: outcomeError(outcome) }, `${due.kind} failed`);
  }
  return outcome;
}
