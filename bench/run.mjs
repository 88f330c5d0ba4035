#!/usr/bin/env node
// certagent's benchmarks: `npm run bench [-- SCENARIO…] [--ci] [--out FILE]`. Runs the built CLI (dist/, built
// first unless --no-build) against a dev server in its own process, and prints a Markdown report: the machine,
// and for each scenario the command and its numbers, as ratios against a floor measured in the same run.
// --ci: 100 certificates, a 20 s idle window, fewer repeats; prints figures, asserts nothing.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeMachine, machineLine } from './lib/machine.mjs';
import { ROOT, killAll } from './lib/process.mjs';
import { startVault } from './lib/vault.mjs';
import coldStart from './scenarios/cold-start.mjs';
import commands from './scenarios/commands.mjs';
import fleet from './scenarios/fleet.mjs';
import idle from './scenarios/idle.mjs';
import renderPasses from './scenarios/render-passes.mjs';
import { coldMany, idleMany, restartMany } from './scenarios/thousand.mjs';

const SCENARIOS = [coldStart, commands, idle, coldMany, restartMany, idleMany, fleet, renderPasses];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ci: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'idle-seconds': { type: 'string' },
    repeats: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const scenario of SCENARIOS) console.log(`${scenario.name}\t${scenario.title}`);
  process.exit(0);
}

const unknown = positionals.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = positionals.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => positionals.includes(s.name));

const ci = values.ci;
const figures = {};
const ctx = {
  ci,
  repeats: Number(values.repeats ?? (ci ? 3 : 7)),
  manyRepeats: ci ? 1 : 3,
  many: ci ? 100 : 1000,
  idleSeconds: Number(values['idle-seconds'] ?? (ci ? 20 : 150)),
  settleSeconds: 10,
  fleetAgents: 10_000,
  shared: {},
  cleanups: [],
  record: (key, value) => (figures[key] = value),
  vault: undefined,
};

process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});

if (!values['no-build']) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(1);
}

const out = [];
const emit = (text) => {
  out.push(text);
  console.log(text);
};
const machine = describeMachine();
emit(`# certagent benchmark ${ci ? '(CI size) ' : ''}— ${new Date().toISOString()}\n`);
emit(`Machine: ${machineLine(machine)}\n`);
emit(
  `Command: \`npm run bench --${ci ? ' --ci' : ''}${positionals.length ? ` ${positionals.join(' ')}` : ''}\`\n`,
);

let failed = false;
try {
  ctx.vault = await startVault();
  for (const scenario of selected) {
    const started = Date.now();
    try {
      const result = await scenario.run(ctx);
      const name = scenario.name.replace('1000', String(ctx.many));
      emit(`## ${name}: ${scenario.title}\n`);
      emit(`\`${result.command}\`\n`);
      emit(`${result.text}\n`);
      emit(`_${result.note}; took ${Math.round((Date.now() - started) / 1000)} s_\n`);
    } catch (error) {
      failed = true;
      emit(`## ${scenario.name}: FAILED\n\n\`\`\`\n${error.stack ?? error}\n\`\`\`\n`);
    }
  }
} finally {
  for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch(() => undefined);
  await ctx.shared.proxy?.close();
  if (ctx.shared.manyDir) {
    const { rm } = await import('node:fs/promises');
    await rm(ctx.shared.manyDir, { recursive: true, force: true });
  }
  await ctx.vault?.stop();
}

emit('## Figures (machine-readable)\n');
emit('```json');
emit(
  JSON.stringify(
    figures,
    (_key, value) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value),
    2,
  ),
);
emit('```');
if (values.out) await writeFile(values.out, `${out.join('\n')}\n`);
process.exitCode = failed ? 1 : 0;
