// A bound on how long a test waits for an event. The event itself (a callback, a log line, a file-system event, a
// fake-clock sleep) is what the test waits on; the deadline only turns "it never happened" into a failure that
// names what was awaited, instead of the runner's anonymous test timeout.

/** Resolves or rejects as `event` does, or rejects after `timeoutMs` of real time naming `what`. */
export async function withDeadline<T>(event: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([event, expired]);
  } finally {
    clearTimeout(timer);
  }
}
