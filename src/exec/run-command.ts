import { execa } from 'execa';
import type { CommandSpec } from '../config/runtime-config.js';

/** How one command run ended. Output is truncated: it is for the log, not for parsing. */
export interface CommandResult {
  readonly exitCode: number | undefined;
  /** The signal that ended it (e.g. SIGKILL after a timeout), if any. */
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** It could not be started at all (not found, not executable). */
  readonly failedToStart: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Runs commands; the render pass takes one so tests can observe or fake them. */
export type CommandRunner = (spec: CommandSpec, options: RunCommandOptions) => Promise<CommandResult>;

export interface RunCommandOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly env?: Readonly<Record<string, string>>;
}

const OUTPUT_LIMIT = 4096;
const KILL_GRACE_MS = 2000;

/**
 * Runs a check or reload command: an argv array without a shell (arguments arrive exactly as written), a string
 * the user wrote under `sh -c`. On timeout it gets SIGTERM, then SIGKILL after a short grace. Never throws for a
 * command that fails: the result says how it ended.
 */
export const runCommand: CommandRunner = async (spec, options) => {
  const [file, args, shell] =
    'argv' in spec ? [spec.argv[0]!, spec.argv.slice(1), false] : [spec.shell, [], true];
  const started = performance.now();
  const result = await execa(file, args, {
    shell: shell ? '/bin/sh' : false,
    reject: false,
    timeout: options.timeoutMs,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: KILL_GRACE_MS,
    cancelSignal: options.signal,
    stdin: 'ignore',
    env: options.env,
    stripFinalNewline: true,
    maxBuffer: 1024 * 1024,
  });
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    failedToStart:
      result.failed &&
      result.exitCode === undefined &&
      !result.timedOut &&
      !result.isCanceled &&
      result.signal === undefined,
    stdout: truncate(String(result.stdout ?? '')),
    stderr: truncate(String(result.stderr ?? '')),
    durationMs: performance.now() - started,
  };
};

/** Whether a command run counts as a success. */
export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut;
}

/** A short human form of a command for logs. */
export function describeCommand(spec: CommandSpec): string {
  return 'argv' in spec ? JSON.stringify(spec.argv) : spec.shell;
}

function truncate(text: string): string {
  return text.length <= OUTPUT_LIMIT
    ? text
    : `${text.slice(0, OUTPUT_LIMIT)}… (${text.length - OUTPUT_LIMIT} more bytes)`;
}
