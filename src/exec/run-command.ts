import type { CommandSpec } from '../config/runtime-config.js';
import { scrubbedEnvironment } from './child-env.js';
import type { CommandResult } from './command-result.js';
import { describeSignal, signalPidFile } from './signal-pid-file.js';

export type { CommandResult } from './command-result.js';

/** Runs commands; the render pass takes one so tests can observe or fake them. */
export type CommandRunner = (spec: CommandSpec, options: RunCommandOptions) => Promise<CommandResult>;

/** How long a command may run, what stops it early, and its environment. */
export interface RunCommandOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The whole environment (see childEnvironment); by default the agent's own without `VAULT_*`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Between SIGTERM and SIGKILL; 2 s unless a test wants it shorter. */
  readonly killGraceMs?: number;
}

const OUTPUT_LIMIT = 4096;
const KILL_GRACE_MS = 2000;
// After SIGKILL only a process that left the group (setsid) can still hold the pipes open: stop waiting for it.
const PIPE_GRACE_MS = 500;

/**
 * Runs a check or reload command: an argv array without a shell (arguments arrive exactly as written), a string
 * the user wrote under `sh -c`. On timeout or abort its whole process group gets SIGTERM, then SIGKILL after a
 * short grace: killing only `sh` would leave `sh -c 'sleep 60; reload'`'s children holding the output pipes, and
 * the pass waiting on them. Never throws for a command that fails: the result says how it ended.
 */
export const runCommand: CommandRunner = async (spec, options) => {
  if ('signal' in spec) return signalPidFile(spec.signal);
  const [file, args, shell] =
    'argv' in spec ? [spec.argv[0]!, spec.argv.slice(1), false] : [spec.shell, [], true];
  // execa (and its dependencies) load at the first command, not with the agent: many agents never run one.
  const { execa } = await import('execa');
  const started = performance.now();
  const subprocess = execa(file, args, {
    shell: shell ? '/bin/sh' : false,
    reject: false,
    detached: true,
    stdin: 'ignore',
    // Never extended from process.env: VAULT_TOKEN and friends must not reach a check or reload command.
    env: options.env ?? scrubbedEnvironment(process.env),
    extendEnv: false,
    stripFinalNewline: true,
    maxBuffer: 1024 * 1024,
  });
  const stopper = groupStopper(subprocess, options.killGraceMs ?? KILL_GRACE_MS);
  const timer = setTimeout(() => stopper.stop('timeout'), options.timeoutMs);
  const onAbort = () => stopper.stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const result = await subprocess;
    const timedOut = stopper.reason === 'timeout';
    const aborted = stopper.reason === 'abort';
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut,
      aborted,
      startError: startErrorOf(result, stopper.reason),
      stdout: truncate(String(result.stdout ?? '')),
      stderr: truncate(String(result.stderr ?? '')),
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
    stopper.dispose();
    options.signal?.removeEventListener('abort', onAbort);
  }
};

interface Stopper {
  readonly reason: 'timeout' | 'abort' | undefined;
  stop(reason: 'timeout' | 'abort'): void;
  dispose(): void;
}

function groupStopper(
  subprocess: {
    pid?: number | undefined;
    stdout: { destroy(): void } | null;
    stderr: { destroy(): void } | null;
  },
  graceMs: number,
): Stopper {
  let reason: 'timeout' | 'abort' | undefined;
  const timers: NodeJS.Timeout[] = [];
  const signalGroup = (signal: NodeJS.Signals) => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    get reason() {
      return reason;
    },
    stop(why) {
      if (reason) return;
      reason = why;
      signalGroup('SIGTERM');
      timers.push(
        setTimeout(() => {
          signalGroup('SIGKILL');
          timers.push(
            setTimeout(() => {
              subprocess.stdout?.destroy();
              subprocess.stderr?.destroy();
            }, PIPE_GRACE_MS),
          );
        }, graceMs),
      );
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

// A run that failed without an exit code, a signal or our own stop never started: execa says why (`spawn
// /usr/sbin/nginx ENOENT`).
function startErrorOf(
  result: { failed: boolean; exitCode?: number; signal?: string; originalMessage?: string },
  stoppedFor: Stopper['reason'],
): string | undefined {
  if (!result.failed || result.exitCode !== undefined || result.signal !== undefined || stoppedFor)
    return undefined;
  return result.originalMessage ?? 'it could not be started';
}

/** Whether a command run counts as a success. */
export function succeeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

/** A short human form of a command for logs. */
export function describeCommand(spec: CommandSpec): string {
  if ('signal' in spec) return describeSignal(spec.signal);
  return 'argv' in spec ? spec.argv.map(quoteArg).join(' ') : spec.shell;
}

// The argv as a person would type it: plain words as they are, anything else in single quotes.
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function truncate(text: string): string {
  return text.length <= OUTPUT_LIMIT
    ? text
    : `${text.slice(0, OUTPUT_LIMIT)}… (${text.length - OUTPUT_LIMIT} more bytes)`;
}
