// `--version` and `check` against `node -e 0`: what a command costs before it does anything.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAgentConfig } from '../lib/configs.mjs';
import { MAIN, measureRun } from '../lib/process.mjs';
import { fmt, median, mib, pairedRatio } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';

/** Files a command opens (strace, when installed): a proxy for how much it loads. */
async function filesOpened(args, dir) {
  const out = join(dir, 'strace.txt');
  const result = spawnSync(
    'strace',
    ['-f', '-qq', '-e', 'trace=open,openat', '-o', out, process.execPath, ...args],
    {
      env: { ...process.env, VAULT_TOKEN: 'x' },
      stdio: 'ignore',
    },
  );
  if (result.error) return Number.NaN;
  const text = await readFile(out, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.includes('open') && !line.includes('ENOENT')).length;
}

export default {
  name: 'commands',
  title: '`certagent --version` and `certagent check` against `node -e 0`',
  async run(ctx) {
    const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-commands-'));
    try {
      const config = await writeAgentConfig(dir, { address: ctx.vault.address, count: 1, files: 'cold' });
      const commands = {
        'node -e 0': ['-e', '0'],
        '--version': [MAIN, '--version'],
        check: [MAIN, 'check', '-c', config],
      };
      const results = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
      for (let i = 0; i < ctx.repeats * 2; i += 1) {
        for (const [name, args] of Object.entries(commands)) {
          results[name].push(await measureRun(args, { env: { VAULT_TOKEN: ctx.vault.token } }));
        }
      }
      const floor = results['node -e 0'];
      const rows = [];
      for (const [name, runs] of Object.entries(results)) {
        const wall = pairedRatio(
          runs.map((r) => r.wallMs),
          floor.map((r) => r.wallMs),
        );
        ctx.record(`commands.${name}.wall-ratio`, wall);
        rows.push([
          `\`${name}\``,
          fmt(median(runs.map((r) => r.wallMs)) / 1000, 3),
          `**${fmt(wall)} ×**`,
          fmt(median(runs.map((r) => r.cpuMs)) / 1000, 3),
          `${fmt(
            pairedRatio(
              runs.map((r) => r.cpuMs),
              floor.map((r) => r.cpuMs),
            ),
          )} ×`,
          fmt(mib(median(runs.map((r) => r.maxRssKiB))), 0),
          String(await filesOpened(commands[name], dir)),
        ]);
      }
      return {
        command:
          'node dist/main.js --version; node dist/main.js check -c agent.yaml (1 certificate)  vs  node -e 0',
        text: table(
          [
            'command',
            'wall s',
            'wall vs node -e 0 (goal ≤ 2)',
            'CPU s',
            'CPU vs node -e 0',
            'peak RSS MiB',
            'files opened',
          ],
          rows,
        ),
        note: `medians of ${ctx.repeats * 2} interleaved runs; files opened counted once with strace (successful open/openat)`,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
