// The fleet benchmark walks agents' timelines with the agent's own schedule functions, looked up by name at run
// time: a rename in src/ broke it only when CI ran the benchmark (certificateRenewAt/tokenRenewAt, issue 8). This
// runs the same walk on a small fleet against src/, so a rename or a changed signature fails here, in `npm test`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as certs from '../../src/certs/renew-schedule.js';
import * as tokens from '../../src/auth/token-schedule.js';

interface Fleet {
  buckets: { pki: number[]; login: number[]; renew: number[] };
  total: number[];
  minutes: number;
}
type SimulateFleet = (
  schedules: { certs: typeof certs; tokens: typeof tokens },
  options: { agents: number; jitter: boolean; seed?: number },
) => Fleet;

const FLEET = pathToFileURL(join(import.meta.dirname, '../../bench/scenarios/fleet.mjs')).href;
const sum = (series: number[]): number => series.reduce((a, b) => a + b, 0);

describe('bench fleet scenario', () => {
  it('walks 3 days of a small fleet with the schedule functions in src/', async () => {
    const { simulateFleet } = (await import(FLEET)) as { simulateFleet: SimulateFleet };
    const agents = 50;
    const jittered = simulateFleet({ certs, tokens }, { agents, jitter: true });
    const flat = simulateFleet({ certs, tokens }, { agents, jitter: false });

    expect(jittered.minutes).toBe(3 * 24 * 60);
    // 24 h certificates renewed at 2/3 of their life: one at start and one every 16 h or a little sooner, so
    // 5 in 3 days (t = 0, 16, 32, 48, 64 h), whatever the jitter.
    expect(sum(jittered.buckets.pki)).toBe(5 * agents);
    expect(sum(flat.buckets.pki)).toBe(5 * agents);
    // 1 h tokens renewable to 24 h: a new login shortly before each 24 h maximum (t = 0, ~23, ~46, ~69 h) and a
    // renewal at 50–60 % of each 1 h lease in between (bench/RESULTS.md: 4.0 logins, 127–141 renewals per agent).
    expect(sum(flat.buckets.login)).toBe(4 * agents);
    // Jittered margins can pull an agent's fifth login back inside the 3 days.
    expect(sum(jittered.buckets.login) / agents).toBeGreaterThanOrEqual(4);
    expect(sum(jittered.buckets.login) / agents).toBeLessThan(4.2);
    expect(sum(jittered.buckets.renew) / agents).toBeGreaterThan(100);
    expect(sum(jittered.buckets.renew)).toBeLessThan(sum(flat.buckets.renew));
    // Jitter is what spreads the fleet: without it every agent renews in the same minute.
    const peakAfterFirstHour = (fleet: Fleet): number => Math.max(...fleet.total.slice(60));
    expect(peakAfterFirstHour(flat)).toBe(agents);
    expect(peakAfterFirstHour(jittered)).toBeLessThan(agents / 2);
  });
});
