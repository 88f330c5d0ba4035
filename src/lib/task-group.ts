/** A long-running part of the agent: runs until `signal` aborts (resolves) or fails fatally (rejects). */
export type Task = (signal: AbortSignal) => Promise<void>;

/** True for the rejection that an aborted wait produces (AbortError), which is not a failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
