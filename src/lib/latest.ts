/**
 * Holds the latest value of something that changes (the token, a certificate bundle) and lets consumers wait for
 * the next different one. Setting a value equal to the current one is a no-op, so consumers never redo work for
 * an unchanged input.
 */
export class Latest<T> {
  #value: T | undefined;
  #version = 0;
  #waiters = new Set<() => void>();
  readonly #equals: (a: T, b: T) => boolean;

  constructor(equals: (a: T, b: T) => boolean = Object.is) {
    this.#equals = equals;
  }

  get value(): T | undefined {
    return this.#value;
  }

  /** Increases by one on every accepted change; lets a consumer tell whether it has seen the current value. */
  get version(): number {
    return this.#version;
  }

  /** Publishes `value`; returns false (and wakes nobody) when it equals the current one. */
  set(value: T): boolean {
    if (this.#version > 0 && this.#equals(this.#value as T, value)) return false;
    this.#value = value;
    this.#version++;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    return true;
  }

  /** Resolves with the value once its version is greater than `seen`; rejects if the signal aborts first. */
  async next(seen: number, signal?: AbortSignal): Promise<{ value: T; version: number }> {
    while (this.#version <= seen) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.#waiters.delete(wake);
          reject(signal?.reason);
        };
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    return { value: this.#value as T, version: this.#version };
  }

  /** Every new value from now on (starting with the current one, if any), until the signal aborts. */
  async *changes(signal: AbortSignal): AsyncGenerator<T> {
    let seen = 0;
    while (!signal.aborted) {
      let next: { value: T; version: number };
      try {
        next = await this.next(seen, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      seen = next.version;
      yield next.value;
    }
  }
}
