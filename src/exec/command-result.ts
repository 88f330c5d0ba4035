/** How one command run ended. Output is truncated: it is for the log, not for parsing. */
export interface CommandResult {
  readonly exitCode: number | undefined;
  /** The signal that ended it (e.g. SIGKILL after a timeout), if any. */
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** The pass's signal aborted it (the agent is stopping). */
  readonly aborted: boolean;
  /** It could not be started at all (not found, not executable). */
  readonly failedToStart: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}
