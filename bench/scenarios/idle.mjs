// Idle footprint with one certificate: RSS, CPU per hour and wake-ups per second over the idle window, beside an
// idle `node` process watched over the same window.
import { setTimeout } from 'node:timers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, startIdleNodeFloor, watchIdle } from '../lib/daemon.mjs';
import { stop } from '../lib/process.mjs';
import { fmt, mib } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';

export function idleRows(label, watched, ctx, key) {
  const row = (name, w) => [
    name,
    fmt(mib(w.rssMedianKiB), 1),
    fmt(mib(w.rssMaxKiB), 1),
    fmt(w.cpuSecondsPerHour, 2),
    fmt(w.wakeupsPerSecond, 2),
    fmt(w.allThreadSwitchesPerSecond, 2),
  ];
  ctx.record(`${key}.rss-mib`, mib(watched.agent.rssMaxKiB));
  ctx.record(`${key}.cpu-s-per-hour`, watched.agent.cpuSecondsPerHour);
  ctx.record(`${key}.wakeups-per-s`, watched.agent.wakeupsPerSecond);
  return [row(label, watched.agent), row('idle `node` (floor)', watched.floor)];
}

export const IDLE_HEADER = [
  'process',
  'RSS median MiB',
  'RSS max MiB',
  'CPU s per hour',
  'wake-ups/s (main thread)',
  'context switches/s (all threads)',
];

export default {
  name: 'idle-1',
  title: 'Idle with 1 certificate (daemon, listener on)',
  async run(ctx) {
    const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-idle-'));
    const floor = startIdleNodeFloor();
    let daemon;
    try {
      daemon = await startDaemon(ctx.vault, { dir, count: 1 });
      // Let start-up work (first render, GC after it) settle before the window opens.
      await new Promise((resolve) => setTimeout(resolve, ctx.settleSeconds * 1000));
      const watched = await watchIdle([daemon.pid, floor.child.pid], ctx.idleSeconds);
      const rows = idleRows(
        'certagent, 1 certificate',
        {
          agent: watched[daemon.pid],
          floor: watched[floor.child.pid],
        },
        ctx,
        'idle-1',
      );
      return {
        command: `node dist/main.js run -c agent.yaml (1 certificate, ttl 24h, listener), watched ${ctx.idleSeconds} s`,
        text: table(IDLE_HEADER, rows),
        note: `window ${fmt(watched[daemon.pid].elapsedS, 0)} s after ${ctx.settleSeconds} s settling; RSS sampled from /proc every 5 s; goals: RSS ≤ 64 MiB, CPU ≤ 0.5 s per hour`,
      };
    } finally {
      if (daemon) await stop(daemon.proc);
      await stop(floor);
      await rm(dir, { recursive: true, force: true });
    }
  },
};
