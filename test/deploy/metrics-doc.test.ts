// docs/metrics.md names every metric src/telemetry/metrics.ts registers, and its alert rules (the same text as
// examples/prometheus/alerts.yaml) parse as Prometheus rule groups that use only metrics the agent exports.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AgentMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli-process.js';

const doc = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');
const rulesFile = readFileSync(join(ROOT, 'examples/prometheus/alerts.yaml'), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const ours = new AgentMetrics().registry
  .getMetricsAsArray()
  .map((metric) => metric.name)
  .filter((name) => name.startsWith('certagent_'));

describe('docs/metrics.md', () => {
  it('lists every certagent metric the agent registers', () => {
    expect(ours.length).toBeGreaterThanOrEqual(9);
    expect(ours.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('shows the alert rules file verbatim', () => {
    const block = /## Alert rules[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(rulesFile);
  });

  it('has rules that parse, with the three required alerts, using only exported metrics', () => {
    const { groups } = parse(rulesFile) as { groups: { name: string; rules: Rule[] }[] };
    const rules = groups.flatMap((group) => group.rules);
    const alerts = rules.filter((rule) => rule.alert).map((rule) => rule.alert);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'CertagentCertificateNearExpiry',
        'CertagentRenewalsFailing',
        'CertagentNotReady',
      ]),
    );
    const recorded = rules.filter((rule) => rule.record).map((rule) => rule.record!);
    for (const rule of rules) {
      expect(typeof rule.expr, rule.alert ?? rule.record).toBe('string');
      // Balanced brackets: a cheap guard against a truncated expression.
      for (const [open, close] of ['()', '[]', '{}']) {
        expect(rule.expr.split(open!).length, rule.expr).toBe(rule.expr.split(close!).length);
      }
      for (const name of rule.expr.match(/\bcertagent[_:][\w:]+/g) ?? []) {
        const metric = name.replace(/_(bucket|sum|count)$/, '');
        expect([...ours, ...recorded], `${rule.alert ?? rule.record} uses ${name}`).toContain(metric);
      }
      if (rule.alert) {
        expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
        expect(['warning', 'critical']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      }
    }
    // The near-expiry rule is the 10% threshold /readyz uses.
    expect(rules.find((rule) => rule.alert === 'CertagentCertificateNearExpiry')!.expr).toMatch(/< 0\.1 \*/);
  });
});
