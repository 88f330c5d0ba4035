// How a check or reload command that did not succeed ended, as a value: the render pass, metrics and status
// decide on `reason`, and only describeFailure turns it into words (one phrasing for the log and for status).
// CommandFailedError carries it where a failure travels as an error (a template's outcome, a log line), with a
// stable code per reason.

import { AgentError } from '../lib/errors.js';
import type { CommandResult } from './command-result.js';
import { succeeded } from './run-command.js';

/** Why a command run did not succeed. */
export type CommandFailure =
  /** It ran and exited with a code other than 0. */
  | { readonly reason: 'exit'; readonly exitCode: number }
  /** A signal ended it that certagent did not send (the OOM killer, an operator's kill). */
  | { readonly reason: 'signal'; readonly signal: string }
  /** It outlived exec.timeout; `signal` is the one that finally ended it (SIGTERM, or SIGKILL after the grace). */
  | { readonly reason: 'timeout'; readonly timeoutMs: number; readonly signal?: string }
  /** It never ran: not found, not executable, or (exec.signal) no process to signal. */
  | { readonly reason: 'not-started'; readonly cause: string }
  /** The agent is stopping and stopped it. */
  | { readonly reason: 'aborted' };

/** How the run failed, or undefined when it succeeded. `timeoutMs` is the limit it ran under. */
export function failureOf(result: CommandResult, timeoutMs: number): CommandFailure | undefined {
  if (succeeded(result)) return undefined;
  if (result.aborted) return { reason: 'aborted' };
  if (result.timedOut)
    return {
      reason: 'timeout',
      timeoutMs,
      ...(result.signal === undefined ? {} : { signal: result.signal }),
    };
  if (result.startError !== undefined) return { reason: 'not-started', cause: result.startError };
  if (result.exitCode !== undefined) return { reason: 'exit', exitCode: result.exitCode };
  if (result.signal !== undefined) return { reason: 'signal', signal: result.signal };
  // Neither an exit code nor a signal: the runner could not tell, which only a process that never ran leaves.
  return { reason: 'not-started', cause: 'it ended without an exit code or a signal' };
}

/** The failure in words, completing "check nginx -t …" (`exited with 1`, `timed out`, …). */
export function describeFailure(failure: CommandFailure): string {
  switch (failure.reason) {
    case 'exit':
      return `exited with ${failure.exitCode}`;
    case 'signal':
      return `was killed by ${failure.signal}`;
    case 'timeout':
      return 'timed out';
    case 'not-started':
      return `could not be started: ${failure.cause}`;
    case 'aborted':
      return 'was stopped: the agent is stopping';
  }
}

/** The stable code of each way a run can fail, for /status and log matching (documented in troubleshooting.md). */
const CODES: Readonly<Record<CommandFailure['reason'], string>> = {
  exit: 'EXEC_EXIT',
  signal: 'EXEC_SIGNAL',
  timeout: 'EXEC_TIMEOUT',
  'not-started': 'EXEC_NOT_STARTED',
  aborted: 'EXEC_ABORTED',
};

/**
 * A check or command did not succeed, as an error: the message is `check nginx -t exited with 1` (the words the
 * log and /status already used), the code says how it ended whichever kind it was, so one can be matched on
 * without parsing the other.
 */
export class CommandFailedError extends AgentError {
  readonly kind: 'check' | 'command';
  /** The command in its short form (describeCommand), as log lines name it. */
  readonly command: string;
  readonly failure: CommandFailure;

  constructor(kind: 'check' | 'command', command: string, failure: CommandFailure) {
    super(CODES[failure.reason], `${kind} ${command} ${describeFailure(failure)}`);
    this.kind = kind;
    this.command = command;
    this.failure = failure;
  }
}
