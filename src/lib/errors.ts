/**
 * Base class of every error certagent raises on purpose. `code` is stable and meant to be matched on;
 * the message is for people. The CLI alone decides which exit code an error maps to.
 */
export class AgentError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A configuration problem found before anything was touched (exit 2 at the CLI). */
export class ConfigError extends AgentError {
  /** Every problem found, already formatted as `FILE:LINE:COL: path: message`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super('CONFIG_INVALID', problems.join('\n'), options);
    this.problems = problems;
  }
}

/** The command line itself is wrong (unknown flag, missing argument): exit 2 at the CLI. */
export class UsageError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}

/** Returns the message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The first value `pick` finds on `error` or along its `cause` chain (libraries wrap the error that matters: undici
 * the socket's, our own errors Vault's), looking at most `maxDepth` links deep.
 */
export function findInCauses<T>(
  error: unknown,
  pick: (link: object) => T | undefined,
  maxDepth = 8,
): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < maxDepth && current !== null && typeof current === 'object'; depth++) {
    const found = pick(current);
    if (found !== undefined) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The first string `code` on `error` or along its causes that `accept` takes (all by default). */
export function codeInCauses(
  error: unknown,
  accept: (code: string) => boolean = () => true,
  maxDepth?: number,
): string | undefined {
  return findInCauses(
    error,
    (link) => {
      const code = (link as { code?: unknown }).code;
      return typeof code === 'string' && accept(code) ? code : undefined;
    },
    maxDepth,
  );
}

/** An error from the OS (it names its system call): EACCES, ENOSPC… are conditions to act on, not bugs. */
export function isOsError(error: unknown): boolean {
  return typeof (error as { syscall?: unknown } | null)?.syscall === 'string';
}
