// Many certificates: N from cold (`run --once`) against the floor issuing the same N at the same concurrency; a
// daemon restarted on that state (every certificate adopted, no PKI request); and that daemon idling.
// N is 1,000 (100 with --ci). All Vault traffic goes through a proxy that counts concurrent requests.
import { URL } from 'node:url';
import { setTimeout } from 'node:timers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAgentConfig } from '../lib/configs.mjs';
import { startDaemon, startIdleNodeFloor, watchIdle } from '../lib/daemon.mjs';
import { MAIN, measureRun, sampleProcess, stop } from '../lib/process.mjs';
import { fmt, median, mib, pairedRatio } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';
import { clearRequestCounts, requestCounts, startCountingProxy } from '../lib/vault.mjs';
import { IDLE_HEADER, idleRows } from './idle.mjs';

const FLOOR = fileURLToPath(new URL('../floor/issue-certs.mjs', import.meta.url));
const CONCURRENCY = 8; // vault.max_concurrent_requests' default

async function proxyOf(ctx) {
  ctx.shared.proxy ??= await startCountingProxy(ctx.vault);
  return ctx.shared.proxy;
}

/** One measured run (agent or floor) with the proxy's and the dev server's counts around it. */
async function counted(ctx, run) {
  const proxy = await proxyOf(ctx);
  await clearRequestCounts(ctx.vault);
  proxy.reset();
  const result = await run(proxy.address);
  const pki = await requestCounts(ctx.vault, 'pki/');
  const all = await requestCounts(ctx.vault, '');
  return { ...result, maxInFlight: proxy.counters.maxInFlight, pkiRequests: pki.total, requests: all.total };
}

async function agentCold(ctx, keep) {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-many-'));
  const result = await counted(ctx, async (address) => {
    const config = await writeAgentConfig(dir, { address, count: ctx.many, files: 'pair' });
    return measureRun([MAIN, 'run', '--once', '-c', config], { env: { VAULT_TOKEN: ctx.vault.token } });
  });
  if (keep) {
    if (ctx.shared.manyDir) await rm(ctx.shared.manyDir, { recursive: true, force: true });
    ctx.shared.manyDir = dir;
  } else await rm(dir, { recursive: true, force: true });
  return result;
}

async function floorCold(ctx) {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-many-floor-'));
  try {
    return await counted(ctx, (address) => {
      const job = {
        address,
        token: ctx.vault.token,
        count: ctx.many,
        concurrency: CONCURRENCY,
        mode: 'sign',
        dir,
      };
      return measureRun([FLOOR, JSON.stringify(job)]);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A state directory holding N adopted-to-be certificates, made by an agent run when none exists yet. */
async function preparedDir(ctx) {
  if (!ctx.shared.manyDir) await agentCold(ctx, true);
  return ctx.shared.manyDir;
}

/** The restarted daemon, shared by restart-N and idle-N. */
async function restartedDaemon(ctx) {
  if (ctx.shared.daemon) return ctx.shared.daemon;
  const dir = await preparedDir(ctx);
  const proxy = await proxyOf(ctx);
  await clearRequestCounts(ctx.vault);
  proxy.reset();
  const daemon = await startDaemon(ctx.vault, { dir, count: ctx.many, address: proxy.address });
  const atReady = await sampleProcess(daemon.pid);
  const pki = await requestCounts(ctx.vault, 'pki/');
  const all = await requestCounts(ctx.vault, '');
  ctx.shared.daemon = { ...daemon, atReady, pkiRequests: pki.total, requests: all.total };
  ctx.cleanups.push(() => stop(daemon.proc));
  return ctx.shared.daemon;
}

export const coldMany = {
  name: 'cold-1000',
  title: 'Certificates from cold: `run --once` against a floor issuing the same at the same concurrency',
  async run(ctx) {
    const agent = [];
    const floor = [];
    for (let i = 0; i < ctx.manyRepeats; i += 1) {
      const last = i === ctx.manyRepeats - 1;
      if (i % 2 === 0) {
        agent.push(await agentCold(ctx, last));
        floor.push(await floorCold(ctx));
      } else {
        floor.push(await floorCold(ctx));
        agent.push(await agentCold(ctx, last));
      }
    }
    const row = (name, runs) => [
      name,
      fmt(median(runs.map((r) => r.wallMs)) / 1000, 2),
      fmt(median(runs.map((r) => r.cpuMs)) / 1000, 2),
      fmt(mib(median(runs.map((r) => r.maxRssKiB))), 0),
      String(Math.max(...runs.map((r) => r.maxInFlight))),
      String(median(runs.map((r) => r.pkiRequests))),
      String(median(runs.map((r) => r.requests))),
    ];
    const wall = pairedRatio(
      agent.map((r) => r.wallMs),
      floor.map((r) => r.wallMs),
    );
    const cpu = pairedRatio(
      agent.map((r) => r.cpuMs),
      floor.map((r) => r.cpuMs),
    );
    ctx.record(`cold-${ctx.many}.wall-ratio`, wall);
    ctx.record(`cold-${ctx.many}.cpu-ratio`, cpu);
    return {
      command: `node dist/main.js run --once -c agent.yaml (${ctx.many} certificates, sign mode, 2 files each)  vs  node bench/floor/issue-certs.mjs (same ${ctx.many}, concurrency ${CONCURRENCY})`,
      text:
        table(
          [
            'process',
            'wall s',
            'CPU s',
            'peak RSS MiB',
            'max concurrent Vault requests',
            'PKI requests',
            'all Vault requests',
          ],
          [row(`certagent, ${ctx.many} certificates`, agent), row('floor', floor)],
        ) + `\n\nwall ratio **${fmt(wall)} ×** (goal ≤ 2), CPU ratio **${fmt(cpu)} ×**`,
      note: `medians of ${ctx.manyRepeats} paired runs; ratio = median of per-pair ratios; concurrency from a counting proxy, request counts from sys/dev/requests`,
    };
  },
};

export const restartMany = {
  name: 'restart-1000',
  title: 'Restart with every certificate kept in state_dir (daemon, listener on)',
  async run(ctx) {
    const daemon = await restartedDaemon(ctx);
    ctx.record(`restart-${ctx.many}.ready-s`, daemon.readyMs / 1000);
    ctx.record(`restart-${ctx.many}.pki-requests`, daemon.pkiRequests);
    return {
      command: `node dist/main.js run -c agent.yaml on the state_dir left by cold-${ctx.many}`,
      text: table(
        [
          'certificates',
          'start → /readyz 200 s',
          'CPU to ready s',
          'peak RSS MiB',
          'PKI requests',
          'all Vault requests',
        ],
        [
          [
            String(ctx.many),
            fmt(daemon.readyMs / 1000, 2),
            fmt(daemon.atReady.cpuMs / 1000, 2),
            fmt(mib(daemon.atReady.hwmKiB), 0),
            `**${daemon.pkiRequests}**`,
            String(daemon.requests),
          ],
        ],
      ),
      note: 'one run; /readyz polled every 100 ms; CPU and peak RSS (VmHWM) read from /proc at ready; goal: 0 PKI requests',
    };
  },
};

export const idleMany = {
  name: 'idle-1000',
  title: 'Idle with many certificates (the restarted daemon, listener on)',
  async run(ctx) {
    const daemon = await restartedDaemon(ctx);
    const floor = startIdleNodeFloor();
    try {
      await new Promise((resolve) => setTimeout(resolve, ctx.settleSeconds * 1000));
      const watched = await watchIdle([daemon.pid, floor.child.pid], ctx.idleSeconds);
      const rows = idleRows(
        `certagent, ${ctx.many} certificates`,
        { agent: watched[daemon.pid], floor: watched[floor.child.pid] },
        ctx,
        `idle-${ctx.many}`,
      );
      return {
        command: `node dist/main.js run -c agent.yaml (${ctx.many} certificates adopted, ttl 24h, listener), watched ${ctx.idleSeconds} s`,
        text: table(IDLE_HEADER, rows),
        note: `window ${fmt(watched[daemon.pid].elapsedS, 0)} s after ${ctx.settleSeconds} s settling; goals: RSS ≤ 128 MiB, CPU ≤ 0.5 s per hour`,
      };
    } finally {
      await stop(floor);
    }
  },
};
