// docs/reliability.md is generated; this checks the generator itself: one row per catalogued scenario in the
// catalogue's order, verdicts and the acceptance line taken from the results, table cells that cannot break.

import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from './support/reliability-report.js';
import { renderReport } from './support/reliability-report.js';
import { SCENARIOS } from './support/scenarios.js';

function result(id: ScenarioResult['id'], over: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    id,
    status: 'pass',
    pending: undefined,
    observed: 'seen',
    seconds: 1,
    ranAt: '2030-01-01T00:00:00.000Z',
    node: 'v20.0.0',
    cpus: 2,
    ...over,
  };
}

const tableRows = (text: string) =>
  text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| scenario'));

describe('renderReport', () => {
  it('writes one row per scenario, in catalogue order, "not run yet" where nothing was recorded', () => {
    const text = renderReport(new Map([['sealed', result('sealed', { observed: '4 failures' })]]));
    const rows = tableRows(text);
    expect(rows).toHaveLength(Object.keys(SCENARIOS).length);
    expect(rows.map((row) => row.split(' | ')[0]!.slice(2))).toEqual(
      Object.values(SCENARIOS).map((s) => s.title),
    );
    expect(rows.find((row) => row.includes('Vault sealed'))).toContain('**PASS** — 4 failures');
    expect(rows.filter((row) => row.endsWith('| not run yet |'))).toHaveLength(rows.length - 1);
    expect(text).toContain(`1 pass, 0 pending fix, 0 fail, ${rows.length - 1} not run`);
  });

  it('names the defect a pending scenario waits for, escapes pipes and newlines, and quotes the acceptance figures', () => {
    const outage = result('vault-down-60s', {
      status: 'pending fix',
      pending: 'issue 7 #6',
      observed: 'a | b\nc',
      measures: { currentAfterReturnS: 41.5, longestGapAfterExpiryS: 64 },
    });
    const text = renderReport(new Map([['vault-down-60s', outage]]));
    const row = tableRows(text).find((line) => line.includes('60 s'))!;
    expect(row).toContain('**PENDING FIX (issue 7 #6)** — a \\| b c');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
    expect(text).toContain('files current 41.5 s after Vault returned (limit 35 s)');
    expect(text).toContain('64 s (limit 30 s) — NOT met yet');
  });
});
