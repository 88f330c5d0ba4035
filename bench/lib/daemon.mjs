// The agent as a daemon (`certagent run`), started against the dev server, watched from outside while it idles.
import { setTimeout } from 'node:timers';
import { createServer } from 'node:net';
import { writeAgentConfig } from './configs.mjs';
import { MAIN, sampleProcess, startNode, waitFor } from './process.mjs';
import { max, median } from './stats.mjs';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the daemon with `count` certificates in `dir` and resolves once /readyz answers 200. */
export async function startDaemon(vault, { dir, count, address = vault.address, timeoutMs = 600_000 }) {
  const port = await freePort();
  const config = await writeAgentConfig(dir, { address, count, files: 'pair', listenerPort: port });
  const proc = startNode([MAIN, 'run', '-c', config], { env: { VAULT_TOKEN: vault.token } });
  await waitFor(
    async () => {
      const response = await globalThis.fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    },
    { timeoutMs, intervalMs: 100, what: `the agent with ${count} certificates to be ready`, proc },
  );
  const readyMs = Number(process.hrtime.bigint() - proc.started) / 1e6;
  return { proc, port, readyMs, pid: proc.child.pid };
}

/**
 * Watches processes for `seconds` without touching them: RSS every 5 s, CPU and context switches (wake-ups)
 * between the first and the last sample.
 */
export async function watchIdle(pids, seconds) {
  const samples = Object.fromEntries(pids.map((pid) => [pid, []]));
  const until = Date.now() + seconds * 1000;
  for (;;) {
    for (const pid of pids) samples[pid].push(await sampleProcess(pid));
    if (Date.now() >= until) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, Math.max(0, until - Date.now()))));
  }
  return Object.fromEntries(
    pids.map((pid) => {
      const list = samples[pid];
      const first = list[0];
      const last = list.at(-1);
      const elapsedS = (last.at - first.at) / 1000;
      return [
        pid,
        {
          elapsedS,
          rssMedianKiB: median(list.map((s) => s.rssKiB)),
          rssMaxKiB: max(list.map((s) => s.rssKiB)),
          cpuSecondsPerHour: ((last.cpuMs - first.cpuMs) / 1000) * (3600 / elapsedS),
          wakeupsPerSecond: (last.mainSwitches - first.mainSwitches) / elapsedS,
          allThreadSwitchesPerSecond: (last.allSwitches - first.allSwitches) / elapsedS,
        },
      ];
    }),
  );
}

/** An idle Node process (a timer an hour away): what any Node sidecar costs at rest. */
export function startIdleNodeFloor() {
  return startNode(['-e', 'setTimeout(() => {}, 3_600_000)']);
}
