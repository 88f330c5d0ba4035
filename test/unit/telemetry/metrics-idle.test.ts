// The default process metrics must cost nothing between scrapes: an idle sidecar's CPU is multiplied by the fleet.
import perfHooks from 'node:perf_hooks';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentMetrics } from '../../../src/telemetry/metrics.js';

/** The metric names an exposition text declares. */
function names(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
}

afterEach(() => vi.restoreAllMocks());

describe('AgentMetrics default process metrics', () => {
  it('starts no event-loop delay monitor (its 10 ms timer woke an idle agent ~95 times a second)', () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    new AgentMetrics();
    expect(monitor).not.toHaveBeenCalled();
  });

  it("keeps every one of prom-client's default metrics but the seven summaries of the polled histogram", async () => {
    const reference = new Registry();
    collectDefaultMetrics({ register: reference });
    const expected = [...names(await reference.metrics())].filter(
      (name) => !/^nodejs_eventloop_lag_(min|max|mean|stddev|p50|p90|p99)_seconds$/.test(name),
    );
    const ours = names((await new AgentMetrics().text()).body);
    expect(expected.length).toBeGreaterThan(15);
    for (const name of expected) expect(ours, name).toContain(name);
  });

  it('measures the event-loop lag when scraped', async () => {
    const metrics = new AgentMetrics();
    await metrics.text();
    await new Promise((resolve) => setImmediate(resolve));
    const body = (await metrics.text()).body;
    const lag = Number(/^nodejs_eventloop_lag_seconds (\S+)$/m.exec(body)?.[1]);
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(5);
  });
});
