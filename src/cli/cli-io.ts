import type { SignalInbox } from './signal-inbox.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** SIGUSR1/SIGHUP caught by main.ts before the app loaded; absent in tests that call commands directly. */
  readonly signals?: SignalInbox;
}

/** A sub-command: takes its own arguments, returns the process exit code. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** Exit codes are decided here and nowhere else (DESIGN §1.1). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;
