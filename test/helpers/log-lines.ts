// The JSON log of a logger under test, as parsed lines that tests can wait on. Every state change an agent test
// waits for (files written, a failure counted, a reload applied) is followed by a log line, so re-checking on
// each line is waiting on the code under test's own events rather than polling on a timer.

import { Writable } from 'node:stream';
import { withDeadline } from './deadline.js';

export type LogLine = Record<string, unknown>;

export class LogLines {
  readonly lines: LogLine[] = [];
  /** Hand this to pino (`pino(options, log.stream)`) or createLogger. */
  readonly stream: Writable;
  #waiters: (() => void)[] = [];

  constructor() {
    this.stream = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        for (const line of String(chunk).split('\n').filter(Boolean))
          this.lines.push(JSON.parse(line) as LogLine);
        for (const wake of this.#waiters.splice(0)) wake();
        done();
      },
    });
  }

  /** The messages so far, in order. */
  get messages(): string[] {
    return this.lines.map((line) => String(line.msg));
  }

  /**
   * Resolves with `probe`'s first answer that is not undefined or false, checking now and again after every new
   * line; fails after `timeoutMs` naming `what`. A probe may read files or metrics: a line that arrives while it
   * runs makes it run again, so no line is missed. The probe runs in a microtask after the line, so it also sees
   * what the code under test changes synchronously right after logging (a certificate source logs a failure,
   * then reports it to the health state).
   */
  async until<T>(
    probe: () => T | undefined | false | Promise<T | undefined | false>,
    what: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const check = async (): Promise<T> => {
      for (;;) {
        const seen = this.lines.length;
        const value = await probe();
        if (value !== undefined && value !== false) return value;
        if (this.lines.length === seen) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    };
    return withDeadline(check(), timeoutMs, what);
  }

  /** The first line (from index `from` on) that `match` accepts, waiting for it if need be. */
  line(match: (line: LogLine) => boolean, what: string, from = 0, timeoutMs = 10_000): Promise<LogLine> {
    return this.until(() => this.lines.slice(from).find(match), what, timeoutMs);
  }
}
