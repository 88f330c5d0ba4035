// Fuzzing the config loader and `certagent check` in-process: every generated config (valid-ish, broken YAML,
// env expansions, durations, modes, Handlebars contents) is either valid or a ConfigError whose every problem is
// `FILE:LINE:COL: path: message` pointing inside the file, and `check` exits 0 or 2 — never an uncaught error or a
// stack trace. Seeded: a failure prints the seed and path; CERTAGENT_FUZZ_SEED=N reproduces it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { parseConfigTexts } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/lib/errors.js';
import { PROBLEM_LINE, RENDER_PROBLEM, configEnv, configFiles, fuzzSeed } from './config-arbitrary.js';

const RUNS = Number(process.env.CERTAGENT_FUZZ_RUNS ?? 600);
const dir = mkdtempSync(join(tmpdir(), 'certagent-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Checks every problem line against the contract and the texts it points into. */
function expectProblemLines(lines: readonly string[], texts: ReadonlyMap<string, string>): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line, 'a problem line').toMatch(PROBLEM_LINE);
    expect(line).not.toMatch(/\n\s+at /);
    const { file, line: row, col } = PROBLEM_LINE.exec(line)!.groups!;
    const text = texts.get(file!);
    expect(text, `${line} names a file that was given`).toBeDefined();
    const rows = text!.split(/\r\n|\r|\n/);
    expect(Number(row)).toBeGreaterThanOrEqual(1);
    expect(Number(row), line).toBeLessThanOrEqual(rows.length);
    expect(Number(col)).toBeGreaterThanOrEqual(1);
    expect(Number(col), line).toBeLessThanOrEqual((rows[Number(row) - 1]?.length ?? 0) + 1);
  }
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) }),
    text: () => text,
  };
}

let sample = 0;

describe('fuzz: config loader and check', () => {
  it(`${RUNS} generated configs are valid or exact FILE:LINE:COL problems (exit 0 or 2)`, async () => {
    const seed = fuzzSeed();
    console.log(`config fuzz seed: ${seed} (CERTAGENT_FUZZ_SEED=${seed} reproduces this run)`);
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(configFiles, configEnv, fc.boolean(), async (texts, env, dev) => {
        const files = texts.map((text, index) => ({ file: join(dir, `s${sample}-${index}.yaml`), text }));
        sample++;
        const byFile = new Map(files.map(({ file, text }) => [file, text]));

        // The loader itself.
        let loaderOk = false;
        try {
          const config = parseConfigTexts(files, { env, cwd: '/work', dev });
          loaderOk = true;
          // What is accepted compiles: a template that cannot parse must have been refused here.
          for (const template of config.templates)
            if (template.source.kind === 'inline') Handlebars.parse(template.source.contents);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expectProblemLines(error.problems, byFile);
        }

        // The same through `certagent check`, files on disk.
        for (const { file, text } of files) writeFileSync(file, text);
        const stdout = capture();
        const stderr = capture();
        const args = ['check', ...files.flatMap(({ file }) => ['-c', file]), ...(dev ? ['--dev'] : [])];
        const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, env });
        expect(stderr.text()).not.toMatch(/\n\s+at /);
        if (code === 0) {
          expect(loaderOk).toBe(true);
          expect(stdout.text()).toMatch(/: ok \(/);
          valid++;
        } else {
          expect(code, stderr.text()).toBe(2);
          const lines = stderr.text().trimEnd().split('\n');
          expect(lines.pop()).toMatch(/^certagent check: \d+ problem\(s\)$/);
          const notes = (l: string) => /^(warning|hint): /.test(l);
          // A config the loader accepted is refused only for a template that fails to render (check goes further).
          if (loaderOk)
            expect(lines.filter((l) => !notes(l)).every((l) => RENDER_PROBLEM.test(l))).toBe(true);
          else
            expectProblemLines(
              lines.filter((l) => !notes(l)),
              byFile,
            );
        }
      }),
      { seed, numRuns: RUNS },
    );
    console.log(
      `config fuzz: ${RUNS} configs, ${valid} valid, ${RUNS - valid} refused with positioned problems`,
    );
    // The generator must produce both outcomes, or it tests half the contract.
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(RUNS);
  }, 120_000);
});
