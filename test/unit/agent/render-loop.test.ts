import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runRenderLoop } from '../../../src/agent/render-loop.js';
import type { PassOutcome } from '../../../src/agent/render-loop.js';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import { Latest } from '../../../src/lib/latest.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const logger = pino({ level: 'silent' });

function bundle(name: string, serial: string): CertificateBundle {
  return { name, serialNumber: serial } as unknown as CertificateBundle;
}

/** A render pass that records what it saw and answers from a queue of outcomes, resolving waiters per call. */
class RecordingPass {
  readonly calls: Map<string, string>[] = [];
  outcomes: boolean[] = [];
  #waiters: (() => void)[] = [];

  readonly render = async (bundles: ReadonlyMap<string, CertificateBundle>): Promise<PassOutcome> => {
    this.calls.push(new Map([...bundles].map(([name, b]) => [name, b.serialNumber])));
    for (const wake of this.#waiters.splice(0)) wake();
    return { ok: this.outcomes.shift() ?? true };
  };

  async waitForCalls(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

describe('runRenderLoop', () => {
  const controllers: AbortController[] = [];
  afterEach(() => {
    for (const controller of controllers.splice(0)) controller.abort();
  });

  function start(sources: Map<string, Latest<CertificateBundle>>, pass: RecordingPass, clock: FakeClock) {
    const controller = new AbortController();
    controllers.push(controller);
    const done = runRenderLoop(
      {
        bundles: sources,
        render: pass.render,
        clock,
        random: () => 0.5,
        backoff: { minMs: 1000, maxMs: 60_000 },
        logger,
      },
      controller.signal,
    );
    return { controller, done };
  }

  it('renders bundles published together in one pass, then once per new bundle', async () => {
    const a = new Latest<CertificateBundle>();
    const b = new Latest<CertificateBundle>();
    a.set(bundle('a', '01'));
    b.set(bundle('b', '02'));
    const pass = new RecordingPass();
    const { controller, done } = start(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      pass,
      new FakeClock(),
    );
    await pass.waitForCalls(1);
    expect(pass.calls[0]).toEqual(
      new Map([
        ['a', '01'],
        ['b', '02'],
      ]),
    );
    a.set(bundle('a', '03'));
    await pass.waitForCalls(2);
    expect(pass.calls[1]).toEqual(
      new Map([
        ['a', '03'],
        ['b', '02'],
      ]),
    );
    controller.abort();
    await done;
    expect(pass.calls).toHaveLength(2);
  });

  it('leaves out certificates that have no bundle yet, and renders again when they get one', async () => {
    const a = new Latest<CertificateBundle>();
    const b = new Latest<CertificateBundle>();
    a.set(bundle('a', '01'));
    const pass = new RecordingPass();
    start(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      pass,
      new FakeClock(),
    );
    await pass.waitForCalls(1);
    expect([...pass.calls[0]!.keys()]).toEqual(['a']);
    b.set(bundle('b', '02'));
    await pass.waitForCalls(2);
    expect([...pass.calls[1]!.keys()]).toEqual(['a', 'b']);
  });

  it('retries a failed pass after a growing backoff, from the same bundles', async () => {
    const a = new Latest<CertificateBundle>();
    a.set(bundle('a', '01'));
    const clock = new FakeClock();
    const pass = new RecordingPass();
    pass.outcomes = [false, false, true];
    start(new Map([['a', a]]), pass, clock);
    await pass.waitForCalls(1);
    const firstWake = await clock.nextSleep();
    expect(firstWake - clock.now()).toBe(clock.requested[0]);
    expect(clock.requested[0]).toBeGreaterThanOrEqual(750);
    expect(clock.requested[0]).toBeLessThanOrEqual(1000);
    clock.advanceTo(firstWake);
    await pass.waitForCalls(2);
    const secondWake = await clock.nextSleep();
    expect(clock.requested[1]).toBeGreaterThan(clock.requested[0]!);
    clock.advanceTo(secondWake);
    await pass.waitForCalls(3);
    expect(pass.calls.map((call) => call.get('a'))).toEqual(['01', '01', '01']);
    // Success: no retry timer is left waiting.
    await Promise.resolve();
    expect(clock.requested).toHaveLength(2);
  });

  it('logs why a pass is retried (an owed reload is not "previous files kept")', async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const a = new Latest<CertificateBundle>();
    a.set(bundle('a', '01'));
    const clock = new FakeClock();
    const controller = new AbortController();
    controllers.push(controller);
    let calls = 0;
    void runRenderLoop(
      {
        bundles: new Map([['a', a]]),
        render: async () => {
          calls++;
          return {
            ok: false,
            problems: ['command ["systemctl","reload","nginx"] exited with 1; will retry'],
          };
        },
        clock,
        random: () => 0,
        backoff: { minMs: 1000, maxMs: 30_000 },
        logger: capture,
      },
      controller.signal,
    );
    expect(await clock.nextSleep()).toBe(clock.now() + 1000);
    expect(calls).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'render pass incomplete; will retry',
        attempt: 1,
        retry_in_ms: 1000,
        problems: ['command ["systemctl","reload","nginx"] exited with 1; will retry'],
      }),
    );
  });

  it('does not wait out the backoff when a new bundle arrives', async () => {
    const a = new Latest<CertificateBundle>();
    a.set(bundle('a', '01'));
    const clock = new FakeClock();
    const pass = new RecordingPass();
    pass.outcomes = [false];
    start(new Map([['a', a]]), pass, clock);
    await pass.waitForCalls(1);
    await clock.nextSleep();
    a.set(bundle('a', '02'));
    await pass.waitForCalls(2);
    expect(pass.calls[1]!.get('a')).toBe('02');
    expect(clock.pending).toBe(0);
  });

  it('stops when the signal aborts, even while waiting', async () => {
    const pass = new RecordingPass();
    const { controller, done } = start(
      new Map([['a', new Latest<CertificateBundle>()]]),
      pass,
      new FakeClock(),
    );
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect(pass.calls).toHaveLength(0);
  });
});
