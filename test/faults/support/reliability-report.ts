// What the fault suite observed, turned into docs/reliability.md. Each scenario's test writes one JSON file under
// test/faults/results/ (so test files running in parallel workers never share a file), and every test file's
// afterAll re-renders the whole table from all of them: the committed document is what the suite last saw.

import { cpus } from 'node:os';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, it } from 'vitest';
import type { ScenarioId } from './scenarios.js';
import { SCENARIOS } from './scenarios.js';
import { TIME_FACTOR } from './scaled-clock.js';

const ROOT = join(import.meta.dirname, '../../..');
export const RESULTS_DIR = join(ROOT, 'test/faults/results');
export const REPORT_FILE = join(ROOT, 'docs/reliability.md');

export type ScenarioStatus = 'pass' | 'fail' | 'pending fix';

export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly status: ScenarioStatus;
  /** The defect a pending scenario waits for. */
  readonly pending: string | undefined;
  readonly observed: string;
  readonly measures?: Record<string, number>;
  readonly seconds: number;
  readonly ranAt: string;
  readonly node: string;
  readonly cpus: number;
}

/** Notes a test takes as it goes; they become the "observed" cell, in order. */
export class Observations {
  readonly #parts: string[] = [];
  /** Named numbers the summary quotes (the acceptance figure). */
  readonly measures: Record<string, number> = {};
  /** Date.now() by which a long scenario must stop taking new steps, so its result is still recorded. */
  deadline = Number.POSITIVE_INFINITY;
  note(text: string): void {
    this.#parts.push(text);
  }
  measure(name: string, value: number): void {
    this.measures[name] = value;
  }
  toString(): string {
    return this.#parts.join('; ');
  }
}

export interface ScenarioOptions {
  readonly timeoutMs: number;
  /** Marks a scenario whose fix has not landed: the test must fail (it.fails) and the row says so. */
  readonly pendingFix?: string;
}

/**
 * Declares one scenario as one test. The body records what it sees in `obs` before asserting; whatever the
 * outcome, the observation is saved with the test's status (an expectation that fails is recorded as such).
 */
export function scenario(
  id: ScenarioId,
  body: (obs: Observations) => Promise<void>,
  options: ScenarioOptions,
): void {
  const declare = options.pendingFix === undefined ? it : it.fails;
  declare(
    `${SCENARIOS[id].title}: ${SCENARIOS[id].expected}`,
    async () => {
      const obs = new Observations();
      const started = performance.now();
      // Ends the scenario (as a failure) before vitest's own timeout would, which would record nothing.
      const budgetMs = Math.max(options.timeoutMs - 10_000, options.timeoutMs * 0.8);
      obs.deadline = Date.now() + budgetMs;
      let timer: NodeJS.Timeout | undefined;
      const overtime = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`scenario still running after ${budgetMs / 1000} s`)),
          budgetMs,
        );
      });
      let failure: unknown;
      try {
        await Promise.race([body(obs), overtime]);
      } catch (error) {
        failure = error;
        obs.note(`expectation not met: ${firstLine(error)}`);
      } finally {
        clearTimeout(timer);
      }
      const status: ScenarioStatus =
        failure === undefined ? 'pass' : options.pendingFix === undefined ? 'fail' : 'pending fix';
      await saveResult({
        id,
        status,
        pending: options.pendingFix,
        observed: obs.toString(),
        measures: obs.measures,
        seconds: round((performance.now() - started) / 1000),
        ranAt: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
      });
      if (failure !== undefined) throw failure;
    },
    options.timeoutMs,
  );
}

/** Registers the afterAll that refreshes docs/reliability.md; call once per fault test file. */
export function refreshReportAfterAll(): void {
  afterAll(async () => {
    await writeAtomically(REPORT_FILE, renderReport(await loadResults()));
  });
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function saveResult(result: ScenarioResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeAtomically(join(RESULTS_DIR, `${result.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

async function loadResults(): Promise<Map<string, ScenarioResult>> {
  const results = new Map<string, ScenarioResult>();
  for (const name of await readdir(RESULTS_DIR).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const result = JSON.parse(await readFile(join(RESULTS_DIR, name), 'utf8')) as ScenarioResult;
    results.set(result.id, result);
  }
  return results;
}

/** The Markdown document: one row per scenario of the catalogue, "not run yet" where no result exists. */
export function renderReport(results: ReadonlyMap<string, ScenarioResult>): string {
  const rows = Object.entries(SCENARIOS).map(([id, spec]) => {
    const result = results.get(id);
    const observed = result === undefined ? 'not run yet' : cellOf(result);
    return `| ${escape(spec.title)} | ${escape(spec.expected)} | ${escape(observed)} |`;
  });
  return `${HEADER}
| scenario | expected | observed |
|---|---|---|
${rows.join('\n')}

${summary(results)}
`;
}

function summary(results: ReadonlyMap<string, ScenarioResult>): string {
  const ids = Object.keys(SCENARIOS);
  const count = (status: ScenarioStatus) => ids.filter((id) => results.get(id)?.status === status).length;
  const outage = results.get('vault-down-60s');
  const seconds = outage?.measures?.['currentAfterReturnS'];
  const acceptance =
    seconds === undefined
      ? 'not measured yet'
      : `files current ${seconds} s after Vault returned (limit 35 s); longest wait between attempts after expiry ` +
        `${outage?.measures?.['longestGapAfterExpiryS'] ?? '?'} s (limit 30 s) — ${outage?.status === 'pass' ? 'met' : 'NOT met yet'}`;
  return `**Summary:** ${count('pass')} pass, ${count('pending fix')} pending fix, ${count('fail')} fail, ${
    ids.filter((id) => !results.has(id)).length
  } not run, of ${ids.length} scenarios.

**Acceptance (issue 7), Vault back after a 60 s outage with expired certificates:** ${acceptance}.`;
}

function cellOf(result: ScenarioResult): string {
  const verdict =
    result.status === 'pass'
      ? 'PASS'
      : result.status === 'pending fix'
        ? `PENDING FIX (${result.pending ?? 'defect'})`
        : 'FAIL';
  return `**${verdict}** — ${result.observed} (test took ${result.seconds} s; ${result.ranAt.slice(0, 16)}Z, node ${result.node}, ${result.cpus} CPUs)`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(temp, text);
  await rename(temp, path);
}

const HEADER = `# Reliability: how certagent behaves under faults

This file is written by the fault suite (\`npx vitest run test/faults\`, part of \`npm test\`): every scenario is
one test in \`test/faults/\`, which records what it observed in \`test/faults/results/<scenario>.json\`, and each
test file's \`afterAll\` re-renders this table from those files. Do not edit it by hand; run the suite.

"Expected" is DESIGN.md §2 plus the decisions of issue 7. "Observed" gives the numbers the run measured.
Scenarios marked *virtual time* run the agent and the in-process dev server on a time-compressed clock (${TIME_FACTOR}
times faster than real time: a 60 s outage takes ${60 / TIME_FACTOR} real seconds); their seconds are agent seconds. Scenarios marked *real time* run on
the wall clock; the SIGKILL and SIGTERM scenarios run the built CLI (\`dist/main.js\`) against a dev server in
another process. **PENDING FIX** rows are tests written to the specification whose fix has not landed on this
branch yet: the test is marked as expected to fail, and the row shows what the agent did instead.
`;
