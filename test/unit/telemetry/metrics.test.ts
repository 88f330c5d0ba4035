import { describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../../src/telemetry/metrics.js';

/** DESIGN §1.3: every metric name with its exact label names (a contract for dashboards and alerts). */
const CONTRACT: Record<string, { type: string; labels: string[] }> = {
  certagent_vault_token_renewals_total: { type: 'counter', labels: ['result'] },
  certagent_auth_logins_total: { type: 'counter', labels: ['method', 'result'] },
  certagent_certificate_issues_total: { type: 'counter', labels: ['certificate', 'reason', 'result'] },
  certagent_certificate_not_after_timestamp_seconds: { type: 'gauge', labels: ['certificate'] },
  certagent_certificate_renewal_timestamp_seconds: { type: 'gauge', labels: ['certificate'] },
  certagent_template_renders_total: { type: 'counter', labels: ['destination', 'result'] },
  certagent_command_runs_total: { type: 'counter', labels: ['kind', 'result'] },
  certagent_vault_request_duration_seconds: { type: 'histogram', labels: ['operation', 'status'] },
  certagent_ready: { type: 'gauge', labels: [] },
};

/** Parses exposition text into metric family → type, help and the label names seen on its samples. */
function parse(text: string): Map<string, { type?: string; help?: string; labels: Set<string> }> {
  const families = new Map<string, { type?: string; help?: string; labels: Set<string> }>();
  const family = (name: string) => {
    if (!families.has(name)) families.set(name, { labels: new Set() });
    return families.get(name)!;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      family(meta[2]!)[meta[1] === 'HELP' ? 'help' : 'type'] = meta[3];
      continue;
    }
    const sample = /^(\w+?)(_bucket|_sum|_count)?(?:\{([^}]*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const name = families.has(sample[1]!) ? sample[1]! : `${sample[1]}${sample[2] ?? ''}`;
    for (const pair of (sample[3] ?? '').split(',').filter(Boolean)) {
      const label = pair.split('=')[0]!;
      if (label !== 'le') family(name).labels.add(label);
    }
  }
  return families;
}

function exercise(metrics: AgentMetrics): void {
  metrics.tokenRenewals.inc({ result: 'success' });
  metrics.authLogins.inc({ method: 'kubernetes', result: 'failure' });
  metrics.certificateIssues.inc({ certificate: 'web', reason: 'initial', result: 'success' });
  metrics.certificateNotAfter.set({ certificate: 'web' }, 1_900_000_000);
  metrics.certificateRenewal.set({ certificate: 'web' }, 1_899_000_000);
  metrics.templateRenders.inc({ destination: '/etc/tls/web.pem', result: 'unchanged' });
  metrics.commandRuns.inc({ kind: 'check', result: 'success' });
  metrics.vaultRequestDuration.observe({ operation: 'pki.issue', status: '200' }, 0.004);
}

describe('AgentMetrics', () => {
  it('exposes every contract metric with its type, a help text and exactly its label names', async () => {
    const metrics = new AgentMetrics();
    exercise(metrics);
    const { body, contentType } = await metrics.text();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parse(body);
    for (const [name, expected] of Object.entries(CONTRACT)) {
      const family = families.get(name);
      expect(family, name).toBeDefined();
      expect(family?.type, name).toBe(expected.type);
      expect(family?.help?.length, name).toBeGreaterThan(10);
      expect([...(family?.labels ?? [])].sort(), name).toEqual([...expected.labels].sort());
    }
    expect(body).toContain(
      'certagent_template_renders_total{destination="/etc/tls/web.pem",result="unchanged"} 1',
    );
    expect(body).toContain('certagent_certificate_not_after_timestamp_seconds{certificate="web"} 1900000000');
  });

  it('has buckets from 1 ms to 30 s, default process metrics, and a registry of its own per instance', async () => {
    const first = new AgentMetrics();
    const second = new AgentMetrics();
    exercise(first);
    const text = (await first.text()).body;
    expect(text).toContain('le="0.001"');
    expect(text).toContain('le="30"');
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect((await second.text()).body).not.toContain('certagent_auth_logins_total{');
    expect((await second.text()).body).toMatch(/^certagent_ready 0$/m);
  });
});
