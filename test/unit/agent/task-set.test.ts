import { describe, expect, it } from 'vitest';
import { TaskSet } from '../../../src/agent/task-set.js';

/** A task that runs until its signal aborts, and records that it stopped. */
function untilAborted(log: string[], name: string) {
  return (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => {
        log.push(`${name} stopped`);
        resolve();
      });
    });
}

describe('TaskSet', () => {
  it('stops one task by key and lets the others run; the outer signal stops the rest', async () => {
    const outer = new AbortController();
    const set = new TaskSet(outer.signal);
    const log: string[] = [];
    set.start('a', untilAborted(log, 'a'));
    set.start('b', untilAborted(log, 'b'));
    await set.stop('a');
    expect(log).toEqual(['a stopped']);
    set.start('c', untilAborted(log, 'c'));
    outer.abort();
    await set.wait();
    expect(log.sort()).toEqual(['a stopped', 'b stopped', 'c stopped']);
  });

  it('the first fatal failure stops every task and is what wait() rejects with', async () => {
    const set = new TaskSet(new AbortController().signal);
    const log: string[] = [];
    set.start('a', untilAborted(log, 'a'));
    set.start('boom', async () => {
      throw new Error('fatal');
    });
    await expect(set.wait()).rejects.toThrow('fatal');
    expect(log).toEqual(['a stopped']);
  });

  it('a task stopped by key that rejects with its abort reason is not a failure', async () => {
    const outer = new AbortController();
    const set = new TaskSet(outer.signal);
    set.start(
      'a',
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    await set.stop('a');
    outer.abort();
    await expect(set.wait()).resolves.toBeUndefined();
  });
});
