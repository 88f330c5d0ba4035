/** A long-running part of the agent: runs until `signal` aborts (resolves) or fails fatally (rejects). */
export type Task = (signal: AbortSignal) => Promise<void>;

/**
 * Runs tasks side by side. The first one to fail aborts the others; the group settles once every task has
 * finished, rejecting with the first failure. When the outer signal aborts, every task is asked to stop.
 */
export async function runTaskGroup(signal: AbortSignal, tasks: readonly Task[]): Promise<void> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let firstError: { error: unknown } | undefined;
  try {
    await Promise.all(
      tasks.map(async (task) => {
        try {
          await task(controller.signal);
        } catch (error) {
          if (!firstError && !(controller.signal.aborted && isAbortError(error))) firstError = { error };
          controller.abort(error);
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (firstError) throw firstError.error;
}

/** True for the rejection that an aborted wait produces (AbortError), which is not a failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
