/** How one command run ended. Output is truncated: it is for the log, not for parsing. */
export interface CommandResult {
  readonly exitCode: number | undefined;
  /** The signal that ended it (e.g. SIGKILL after a timeout), if any. */
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** The pass's signal aborted it (the agent is stopping). */
  readonly aborted: boolean;
  /**
   * Why it could not be started at all (not found, not executable; for exec.signal, no process to signal), or
   * undefined when it ran.
   */
  readonly startError: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}
