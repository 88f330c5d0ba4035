/** What waiting needs of a Latest: its version and a way to wait for the next one (any value type). */
export interface Versioned {
  readonly version: number;
  next(seen: number, signal?: AbortSignal): Promise<unknown>;
}

/** What a consumer has seen of each value it follows: the `version` of each Latest. */
export type SeenVersions = ReadonlyMap<string, number>;

/** The current version of every value, to remember as seen once they have been handled. */
export function currentVersions(values: ReadonlyMap<string, Versioned>): Map<string, number> {
  return new Map([...values].map(([name, latest]) => [name, latest.version]));
}

/** True when any value has a version the consumer has not handled yet. */
export function hasUnseen(values: ReadonlyMap<string, Versioned>, seen: SeenVersions): boolean {
  return [...values].some(([name, latest]) => latest.version > (seen.get(name) ?? 0));
}

/**
 * Resolves once any of `values` changes past what `seen` records, or once `timeoutMs` passes (when given), or
 * rejects when the signal aborts. Every inner wait is cancelled on the way out, so no listener is left behind.
 */
export async function waitForChange(
  values: ReadonlyMap<string, Versioned>,
  seen: SeenVersions,
  signal: AbortSignal,
  timeout?: (signal: AbortSignal) => Promise<void>,
): Promise<'changed' | 'timeout'> {
  signal.throwIfAborted();
  if (hasUnseen(values, seen)) return 'changed';
  const inner = new AbortController();
  const onAbort = (): void => inner.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const waits: Promise<'changed' | 'timeout'>[] = [...values].map(([name, latest]) =>
      latest.next(seen.get(name) ?? 0, inner.signal).then(() => 'changed' as const),
    );
    if (timeout) waits.push(timeout(inner.signal).then(() => 'timeout' as const));
    return await Promise.race(waits);
  } finally {
    signal.removeEventListener('abort', onAbort);
    inner.abort(new DOMException('wait settled', 'AbortError'));
    signal.throwIfAborted();
  }
}
