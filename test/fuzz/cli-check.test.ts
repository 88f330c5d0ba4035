// Generated configs through the BUILT CLI, as users run it: `node dist/main.js check -c FILE…` exits 0 or 2, and
// stderr holds problem lines (and the count), never a stack trace. Seeded like the in-process fuzz.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killAll, runCliToEnd } from '../helpers/cli-process.js';
import { PROBLEM_LINE, RENDER_PROBLEM, configEnv, configFiles, fuzzSeed } from './config-arbitrary.js';
import { baseConfigText } from './config-base.js';

const RUNS = Number(process.env.CERTAGENT_FUZZ_CLI_RUNS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'certagent-fuzz-cli-'));

beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: the built CLI', () => {
  it(`${RUNS} generated configs: check exits 0 or 2, with problem lines and no stack trace`, async () => {
    const seed = fuzzSeed();
    console.log(`CLI fuzz seed: ${seed} (CERTAGENT_FUZZ_SEED=${seed} reproduces this run)`);
    // The unmutated base config leads as a control: an accepted config must exit 0 whatever the seed draws (about
    // one generated config in ten is valid, so 50 draws can miss them all).
    const control: [string[], Record<string, string>] = [[baseConfigText()], {}];
    const samples = [control, ...fc.sample(fc.tuple(configFiles, configEnv), { seed, numRuns: RUNS })];
    const codes: Record<string, number> = {};
    // Two at a time: the machine running CI is small.
    const next = samples.entries();
    const worker = async (): Promise<void> => {
      for (const [index, [texts, env]] of next) {
        const files = texts.map((text, n) => {
          const file = join(dir, `c${index}-${n}.yaml`);
          writeFileSync(file, text);
          return file;
        });
        const result = await runCliToEnd(['check', ...files.flatMap((file) => ['-c', file])], {
          env,
          timeoutMs: 20_000,
        });
        const context = `sample ${index} (seed ${seed}): ${files.join(' ')}\n${result.stderr}`;
        codes[String(result.code)] = (codes[String(result.code)] ?? 0) + 1;
        expect([0, 2], context).toContain(result.code);
        expect(result.stderr, context).not.toMatch(/\n\s+at |Error:|node:internal/);
        if (result.code === 2) {
          const lines = result.stderr.trimEnd().split('\n');
          expect(lines.pop(), context).toMatch(/^certagent check: \d+ problem\(s\)$/);
          // Beside positioned problems: check's warnings and --dev hint, and templates that fail to render against a
          // sample certificate (found after the config itself was accepted, so named by template, not position).
          for (const line of lines.filter((l) => !/^(warning|hint): /.test(l) && !RENDER_PROBLEM.test(l)))
            expect(line, context).toMatch(PROBLEM_LINE);
        } else expect(result.stdout, context).toMatch(/: ok \(/);
      }
    };
    await Promise.all([worker(), worker()]);
    console.log(`CLI fuzz: ${samples.length} runs (1 control), exit codes ${JSON.stringify(codes)}`);
    expect(codes['0'] ?? 0).toBeGreaterThan(0);
    expect(codes['2'] ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
