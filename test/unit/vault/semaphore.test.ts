import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/vault/semaphore.js';

describe('Semaphore', () => {
  it('grants at most `limit` slots and serves waiters in arrival order', async () => {
    const gate = new Semaphore(2);
    const order: number[] = [];
    const first = await gate.acquire();
    const second = await gate.acquire();
    const waiting = [3, 4, 5].map((n) => gate.acquire().then((release) => (order.push(n), release)));
    await Promise.resolve();
    expect(gate.held).toBe(2);
    expect(order).toEqual([]);
    first();
    const third = await waiting[0]!;
    second();
    const fourth = await waiting[1]!;
    third();
    fourth();
    (await waiting[2]!)();
    expect(order).toEqual([3, 4, 5]);
    expect(gate.held).toBe(0);
  });

  it('lets an aborted waiter leave without taking a slot, and ignores a second release', async () => {
    const gate = new Semaphore(1);
    const holder = await gate.acquire();
    const controller = new AbortController();
    const aborted = gate.acquire(controller.signal);
    const next = gate.acquire();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    holder();
    holder();
    const release = await next;
    expect(gate.held).toBe(1);
    release();
    expect(gate.held).toBe(0);
    await expect(gate.acquire(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(gate.held).toBe(0);
  });
});
