import type { Task } from '../lib/task-group.js';
import { isAbortError } from '../lib/task-group.js';

/**
 * Long-running tasks side by side, in a set that changes while it runs: the first fatal failure stops every task,
 * the outer signal stops them all, and a reload starts the sources of new certificates and stops those of removed
 * ones, one key at a time.
 */
export class TaskSet {
  readonly #group = new AbortController();
  readonly #tasks = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #failure: { error: unknown } | undefined;

  constructor(signal: AbortSignal) {
    if (signal.aborted) this.#group.abort(signal.reason);
    else signal.addEventListener('abort', () => this.#group.abort(signal.reason), { once: true });
  }

  /** Aborts when the set stops (outer signal, or a task failed). */
  get signal(): AbortSignal {
    return this.#group.signal;
  }

  /** Starts `task` under `key` (nothing happens once the set is stopping). */
  start(key: string, task: Task): void {
    if (this.#group.signal.aborted) return;
    const controller = new AbortController();
    const signal = AbortSignal.any([this.#group.signal, controller.signal]);
    const done = (async () => {
      try {
        await task(signal);
      } catch (error) {
        if (signal.aborted && isAbortError(error)) return;
        this.#failure ??= { error };
        this.#group.abort(error);
      }
    })();
    this.#tasks.set(key, { controller, done });
    void done.finally(() => {
      if (this.#tasks.get(key)?.done === done) this.#tasks.delete(key);
    });
  }

  /** Stops the task under `key` and waits until it has finished (its write in flight, if any). */
  async stop(key: string): Promise<void> {
    const entry = this.#tasks.get(key);
    if (!entry) return;
    entry.controller.abort(new DOMException(`${key} stopped`, 'AbortError'));
    await entry.done;
  }

  /** Resolves once the set stopped and every task finished; rejects with the first fatal failure. */
  async wait(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.#group.signal.aborted) resolve();
      else this.#group.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks.values()].map((entry) => entry.done));
    if (this.#failure) throw this.#failure.error;
  }
}
