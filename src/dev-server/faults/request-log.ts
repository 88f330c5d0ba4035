// Every request the dev server answered, so tests can assert how often certagent called Vault (and on which
// paths) without instrumenting the client. Counts are kept apart from the bounded list of entries, so a long-running
// dev server neither grows without bound nor under-counts.

/** One answered request. `status` is 0 when the connection was reset by an injected fault. */
export interface RequestRecord {
  readonly method: string;
  /** Logical path without `/v1/` and without the query (`pki/issue/dev`); other URLs keep their leading `/`. */
  readonly path: string;
  readonly status: number;
  /** Milliseconds since the epoch, from the dev server's clock. */
  readonly time: number;
}

const MAX_ENTRIES = 10_000;

/** The request log of one dev server. */
export class RequestLog {
  #entries: RequestRecord[] = [];
  readonly #counts = new Map<string, number>();

  /** Appends one request (the oldest entries are dropped past 10 000; counts are kept). */
  record(entry: RequestRecord): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    this.#counts.set(entry.path, (this.#counts.get(entry.path) ?? 0) + 1);
  }

  /** The most recent requests, oldest first. */
  get entries(): readonly RequestRecord[] {
    return this.#entries;
  }

  /** How many requests were recorded since the last clear. */
  get length(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  /** How many requests had a path starting with `prefix` (`pki/` counts every PKI call). */
  countMatching(prefix: string): number {
    const wanted = stripApiPrefix(prefix);
    let total = 0;
    for (const [path, n] of this.#counts) if (path.startsWith(wanted)) total += n;
    return total;
  }

  /** Requests per path, for the paths starting with `prefix`. */
  countsByPath(prefix = ''): Record<string, number> {
    const wanted = stripApiPrefix(prefix);
    const out: Record<string, number> = {};
    for (const [path, n] of [...this.#counts].sort(([a], [b]) => a.localeCompare(b))) {
      if (path.startsWith(wanted)) out[path] = n;
    }
    return out;
  }

  /** Forgets every request. */
  clear(): void {
    this.#entries = [];
    this.#counts.clear();
  }
}

// Callers may write the URL form (`/v1/pki/`); the log keeps logical paths.
function stripApiPrefix(prefix: string): string {
  return prefix.startsWith('/v1/') ? prefix.slice(4) : prefix;
}
