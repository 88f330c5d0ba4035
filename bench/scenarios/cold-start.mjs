// Cold start: `certagent run --once` with one certificate (3 files, one command) against the floor doing the same
// Vault request, the same 3 file writes and the same command with Node's built-ins. Sign and issue mode.
import { URL } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAgentConfig } from '../lib/configs.mjs';
import { MAIN, measureRun } from '../lib/process.mjs';
import { fmt, median, mib, pairedRatio } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';

const FLOOR = fileURLToPath(new URL('../floor/issue-certs.mjs', import.meta.url));

export async function runAgentOnce(vault, { count, mode, files, address = vault.address }) {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-agent-'));
  try {
    const config = await writeAgentConfig(dir, { address, count, mode, files });
    return await measureRun([MAIN, 'run', '--once', '-c', config], { env: { VAULT_TOKEN: vault.token } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runFloor(vault, { count, mode, files, concurrency = 8, address = vault.address }) {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-floor-'));
  try {
    const job = { address, token: vault.token, count, concurrency, mode, dir, files };
    if (files === 'cold') job.command = ['true'];
    return await measureRun([FLOOR, JSON.stringify(job)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default {
  name: 'cold-start',
  title: 'Cold start: 1 certificate rendered (3 files) and one command run',
  async run(ctx) {
    const rows = [];
    for (const mode of ['sign', 'issue']) {
      const agent = [];
      const floor = [];
      for (let i = 0; i < ctx.repeats; i += 1) {
        // Alternate who goes first, so neither always runs on a warmer machine.
        const job = { count: 1, mode, files: 'cold' };
        if (i % 2 === 0) {
          agent.push(await runAgentOnce(ctx.vault, job));
          floor.push(await runFloor(ctx.vault, job));
        } else {
          floor.push(await runFloor(ctx.vault, job));
          agent.push(await runAgentOnce(ctx.vault, job));
        }
      }
      const wall = pairedRatio(
        agent.map((r) => r.wallMs),
        floor.map((r) => r.wallMs),
      );
      const cpu = pairedRatio(
        agent.map((r) => r.cpuMs),
        floor.map((r) => r.cpuMs),
      );
      rows.push([
        mode,
        fmt(median(agent.map((r) => r.wallMs)) / 1000, 3),
        fmt(median(floor.map((r) => r.wallMs)) / 1000, 3),
        `**${fmt(wall)} ×**`,
        fmt(median(agent.map((r) => r.cpuMs)) / 1000, 3),
        fmt(median(floor.map((r) => r.cpuMs)) / 1000, 3),
        `${fmt(cpu)} ×`,
        fmt(mib(median(agent.map((r) => r.maxRssKiB))), 0),
        fmt(mib(median(floor.map((r) => r.maxRssKiB))), 0),
      ]);
      ctx.record(`cold-start.${mode}.wall-ratio`, wall);
    }
    return {
      command: 'node dist/main.js run --once -c agent.yaml  vs  node bench/floor/issue-certs.mjs (count 1)',
      text: table(
        [
          'mode',
          'agent wall s',
          'floor wall s',
          'wall ratio (goal ≤ 1.5)',
          'agent CPU s',
          'floor CPU s',
          'CPU ratio',
          'agent peak RSS MiB',
          'floor peak RSS MiB',
        ],
        rows,
      ),
      note: `medians of ${ctx.repeats} paired runs; ratio = median of per-pair ratios`,
    };
  },
};
