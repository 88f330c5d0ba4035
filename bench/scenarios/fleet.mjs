// A fleet on a simulated clock: AGENTS agents with 24 h certificates started within the same minute, over 3 days,
// scheduled by the agent's own pure functions (dist/certs/renew-schedule.js, dist/auth/token-schedule.js). Counts
// Vault requests per minute: logins, token renewals and PKI requests. Agents are independent (Vault answers
// instantly and never fails here), so each one's timeline is walked on its own and added into minute buckets.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from '../lib/process.mjs';
import { fmt } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAYS = 3;
const CERT_TTL = 24 * HOUR;
// A typical Kubernetes auth role: 1 h tokens, renewable up to 24 h, then a new login.
const TOKEN_TTL = HOUR;
const TOKEN_MAX_TTL = 24 * HOUR;
const BACKOFF = { minMs: 1000, maxMs: 5 * MINUTE };
// Vault back-dates notBefore by 30 s.
const BACKDATE = 30_000;

/** A seeded generator, so a run is reproducible and the two variants see the same start times. */
function seeded(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

async function loadSchedules() {
  const certs = await import(pathToFileURL(join(ROOT, 'dist/certs/renew-schedule.js')).href);
  const tokens = await import(pathToFileURL(join(ROOT, 'dist/auth/token-schedule.js')).href);
  return { certs, tokens };
}

/** Walks one agent's 3 days; `jitter` false feeds the schedules random() = 0 (no jitter at all). */
function simulateAgent(schedules, buckets, startAt, random, jitter) {
  const end = DAYS * 24 * HOUR;
  const rnd = jitter ? random : () => 0;
  const count = (at, kind) => {
    if (at < end) buckets[kind][Math.floor(at / MINUTE)] += 1;
  };
  const policy = schedules.certs.renewPolicyOf({ renewThreshold: undefined, renewBeforeMs: undefined });

  // Certificates: obtained at start, renewed at certificateRenewAt(), each renewal one PKI request.
  for (let obtainedAt = startAt; obtainedAt < end;) {
    count(obtainedAt, 'pki');
    const times = { notBefore: obtainedAt - BACKDATE, notAfter: obtainedAt + CERT_TTL, obtainedAt };
    obtainedAt = Math.max(obtainedAt + 1, schedules.certs.certificateRenewAt(times, policy, rnd));
  }

  // Token: login at start; renew at tokenRenewAt() while the max TTL allows a full lease, then log in again.
  let loginAt = startAt;
  while (loginAt < end) {
    count(loginAt, 'login');
    const maxAt = loginAt + TOKEN_MAX_TTL;
    let now = loginAt;
    let expiresAt = Math.min(now + TOKEN_TTL, maxAt);
    let leaseMs = expiresAt - now;
    let atMax = false;
    for (;;) {
      if (!atMax) {
        now = schedules.tokens.tokenRenewAt(now, expiresAt, rnd);
        if (now >= end) return;
        count(now, 'renew');
        expiresAt = Math.min(now + TOKEN_TTL, maxAt);
        leaseMs = expiresAt - now;
        atMax = schedules.tokens.reachedMax(
          TOKEN_TTL / 1000,
          { leaseDuration: leaseMs / 1000, renewable: true },
          [],
        );
      } else {
        loginAt = schedules.tokens.reloginAt(now, expiresAt, leaseMs, BACKOFF, rnd);
        break;
      }
    }
  }
}

export function simulateFleet(schedules, { agents, jitter, seed = 42 }) {
  const minutes = DAYS * 24 * 60;
  const buckets = {
    pki: new Array(minutes).fill(0),
    login: new Array(minutes).fill(0),
    renew: new Array(minutes).fill(0),
  };
  const random = seeded(seed);
  for (let i = 0; i < agents; i += 1) {
    // "Started in the same minute": start times spread uniformly over one minute.
    simulateAgent(schedules, buckets, random() * MINUTE, random, jitter);
  }
  const total = buckets.pki.map((n, m) => n + buckets.login[m] + buckets.renew[m]);
  return { buckets, total, minutes };
}

function summarize(series, { from = 0 } = {}) {
  const part = series.slice(from);
  const sum = part.reduce((a, b) => a + b, 0);
  const mean = sum / part.length;
  const peak = Math.max(...part);
  return { sum, mean, peak, ratio: peak / mean, peakMinute: from + part.indexOf(peak) };
}

export default {
  name: 'fleet',
  title: 'Fleet simulation: Vault requests per minute over 3 days',
  async run(ctx) {
    const schedules = await loadSchedules();
    const rows = [];
    // The start wave (every agent's first login and certificate) is the deployment's doing, not the schedule's:
    // the peak is reported with it and from the second hour on.
    for (const jitter of [true, false]) {
      const fleet = simulateFleet(schedules, { agents: ctx.fleetAgents, jitter });
      const all = summarize(fleet.total);
      const steady = summarize(fleet.total, { from: 60 });
      const renew = summarize(fleet.buckets.renew, { from: 60 });
      const pki = summarize(fleet.buckets.pki, { from: 60 });
      const login = summarize(fleet.buckets.login, { from: 60 });
      const label = jitter ? 'as built (jittered)' : 'no jitter (random = 0)';
      if (jitter) {
        ctx.record('fleet.peak-per-minute-after-first-hour', steady.peak);
        ctx.record('fleet.mean-per-minute', all.mean);
      }
      rows.push([
        label,
        String(all.sum),
        fmt(all.mean, 1),
        `${all.peak} (min ${all.peakMinute})`,
        `${steady.peak} (min ${steady.peakMinute})`,
        `**${fmt(steady.peak / all.mean, 1)}**`,
        `${pki.peak} / ${renew.peak} / ${login.peak}`,
        `${fmt(fleet.buckets.pki.reduce((a, b) => a + b, 0) / ctx.fleetAgents, 2)} / ${fmt(fleet.buckets.renew.reduce((a, b) => a + b, 0) / ctx.fleetAgents, 1)} / ${fmt(fleet.buckets.login.reduce((a, b) => a + b, 0) / ctx.fleetAgents, 1)}`,
      ]);
    }
    return {
      command: `node bench/run.mjs fleet (${ctx.fleetAgents} agents, starts uniform within one minute, 3 days simulated)`,
      text: table(
        [
          'schedule',
          'requests in 3 days',
          'mean per minute',
          'peak per minute (incl. start wave)',
          'peak per minute after the first hour',
          'peak after 1 h / mean',
          'peak after 1 h: PKI / token renew / login',
          'per agent: PKI / renewals / logins',
        ],
        rows,
      ),
      note: `certificates 24 h (renew_threshold 0.67, jitter up to 5 % earlier); tokens 1 h renewable to 24 h (renewal at 50–60 % of the remaining TTL, re-login margin jittered); schedule functions imported from dist/`,
    };
  },
};
