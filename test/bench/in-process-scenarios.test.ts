// The benchmark scenarios that call dist/ modules in-process look their functions up by name at run time, so a
// rename in src/ passed every test and broke only CI's benchmark run (fleet, issue 8). The quick ones run here,
// through bench/run.mjs as CI runs them, so such a break fails `npm test` instead.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/cli-process.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-bench-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('in-process benchmark scenarios', () => {
  it('fleet and render-passes run to the end under bench/run.mjs and record their figures', async () => {
    ensureBuilt();
    const out = join(dir, 'bench.md');
    const run = spawnSync(
      process.execPath,
      ['bench/run.mjs', 'fleet', 'render-passes', '--ci', '--no-build', '--out', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stdout).not.toContain('FAILED');
    expect(run.status).toBe(0);
    const figures = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(await readFile(out, 'utf8'))?.[1] ?? '{}');
    expect(figures['fleet.peak-per-minute-after-first-hour']).toBeGreaterThan(0);
    expect(figures['render-passes.keystore, modern.ratio']).toBeGreaterThan(0);
    // The scenario measures an old build without the keystore cache too; this build must have been found to have
    // one (a renamed or moved module would quietly measure "no cache" instead).
    expect(run.stdout).toContain('with a KeystoreCache');
  }, 150_000);
});
