import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthState } from '../../../src/telemetry/health.js';
import type { RunningListener } from '../../../src/telemetry/listener.js';
import { ListenerError, runListener, startListener } from '../../../src/telemetry/listener.js';
import { AgentMetrics } from '../../../src/telemetry/metrics.js';
import { SecretRegistry } from '../../../src/lib/secret-registry.js';
import { withDeadline } from '../../helpers/deadline.js';

const CONTRACT = [
  'certagent_vault_token_renewals_total',
  'certagent_auth_logins_total',
  'certagent_certificate_issues_total',
  'certagent_certificate_not_after_timestamp_seconds',
  'certagent_certificate_renewal_timestamp_seconds',
  'certagent_template_renders_total',
  'certagent_command_runs_total',
  'certagent_vault_request_duration_seconds',
  'certagent_ready',
];

let listeners: RunningListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  listeners = [];
});

async function start(
  health = new HealthState(['web'], [{ destination: '/x', certificate: 'web' }]),
  secrets?: SecretRegistry,
) {
  const metrics = new AgentMetrics();
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    health,
    metrics,
    now: () => Date.now(),
    logger: pino({ level: 'silent' }),
    ...(secrets ? { secrets } : {}),
  });
  listeners.push(listener);
  return { listener, metrics };
}

describe('the listener', () => {
  it('serves /livez, /readyz (503 with reasons), /status and 404/405', async () => {
    const { listener } = await start();
    const live = await fetch(`${listener.address}/livez`);
    expect([live.status, await live.text()]).toEqual([200, 'ok\n']);
    const ready = await fetch(`${listener.address}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      ready: false,
      reasons: ['template /x: not written yet', 'certificate web: not obtained yet'],
    });
    const status = await fetch(`${listener.address}/status`);
    expect(status.headers.get('content-type')).toBe('application/json');
    expect(await status.json()).toMatchObject({ ready: false, certificates: { web: { serial: null } } });
    expect((await fetch(`${listener.address}/nope`)).status).toBe(404);
    expect((await fetch(`${listener.address}/livez`, { method: 'POST' })).status).toBe(405);
  });

  it('serves every contract metric with its labels in Prometheus text', async () => {
    const { listener, metrics } = await start();
    metrics.tokenRenewals.inc({ result: 'not_renewable' });
    metrics.authLogins.inc({ method: 'approle', result: 'success' });
    metrics.certificateIssues.inc({ certificate: 'web', reason: 'initial', result: 'success' });
    metrics.certificateNotAfter.set({ certificate: 'web' }, 1_900_000_000);
    metrics.certificateRenewal.set({ certificate: 'web' }, 1_899_000_000);
    metrics.templateRenders.inc({ destination: '/x', result: 'written' });
    metrics.commandRuns.inc({ kind: 'command', result: 'timeout' });
    metrics.vaultRequestDuration.observe({ operation: 'pki.sign', status: '200' }, 0.02);
    const response = await fetch(`${listener.address}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of CONTRACT) expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(text).toContain('certagent_vault_token_renewals_total{result="not_renewable"} 1');
    expect(text).toContain('certagent_auth_logins_total{method="approle",result="success"} 1');
    expect(text).toContain('certagent_command_runs_total{kind="command",result="timeout"} 1');
    expect(text).toContain(
      'certagent_vault_request_duration_seconds_bucket{le="0.025",operation="pki.sign",status="200"} 1',
    );
    expect(text).toMatch(/^certagent_ready 0$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('fails with a ListenerError when the port is taken', async () => {
    const { listener } = await start();
    const port = Number(new URL(listener.address).port);
    await expect(
      startListener({
        host: '127.0.0.1',
        port,
        health: new HealthState([], []),
        metrics: new AgentMetrics(),
        now: Date.now,
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toBeInstanceOf(ListenerError);
  });

  it('answers 200 {"ready":true} once ready, sets certagent_ready to 1, and HEAD has headers but no body', async () => {
    const health = new HealthState(['web'], [{ destination: '/x', certificate: 'web' }]);
    const now = Date.now();
    health.onCertificateEvent(
      {
        type: 'issued',
        certificate: 'web',
        serialNumber: '0a',
        notAfter: now + 3_600_000,
        renewAt: now + 2_000_000,
      },
      now,
      now,
    );
    health.onRenderPass(
      {
        templates: [{ destination: '/x', certificate: 'web', result: 'written', serial: '0a' }],
        commands: [],
        ok: true,
        rolledBack: false,
      },
      now,
    );
    const { listener } = await start(health);
    const ready = await fetch(`${listener.address}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, '{"ready":true}\n']);
    expect(await (await fetch(`${listener.address}/metrics`)).text()).toMatch(/^certagent_ready 1$/m);
    const head = await fetch(`${listener.address}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(10);
    expect(await head.text()).toBe('');
    const status = (await (await fetch(`${listener.address}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      ready: true,
      certificates: { web: { serial: '0a', not_after: new Date(now + 3_600_000).toISOString() } },
      templates: [{ destination: '/x', last_result: 'written', serial: '0a' }],
    });
  });

  it('scrubs registered secrets from /status and /readyz even if an error message carried one', async () => {
    const secret = 's.leaked-token-0123456789';
    const secrets = new SecretRegistry();
    secrets.register(secret);
    const health = new HealthState(['web'], [{ destination: '/x', certificate: 'web' }]);
    health.onCertificateEvent(
      { type: 'failed', certificate: 'web', error: new Error(`bad token ${secret}`), retryInMs: 1 },
      Date.now(),
    );
    health.onAuth(Date.now(), new Error(`login with ${secret} refused`));
    const { listener } = await start(health, secrets);
    for (const path of ['/status', '/readyz']) {
      const body = await (await fetch(`${listener.address}${path}`)).text();
      expect(body).not.toContain(secret);
      expect(body).toContain('[REDACTED]');
    }
  });

  it('runListener serves until its signal aborts, then closes', async () => {
    const controller = new AbortController();
    let listening: (address: string) => void = () => undefined;
    const bound = new Promise<string>((resolve) => (listening = resolve));
    const running = runListener(
      {
        host: '127.0.0.1',
        port: 0,
        health: new HealthState([], []),
        metrics: new AgentMetrics(),
        now: Date.now,
        logger: pino({ level: 'silent' }),
        onListening: (address) => listening(address),
      },
      controller.signal,
    );
    const address = await withDeadline(bound, 5000, 'the listener to be bound');
    expect((await fetch(`${address}/livez`)).status).toBe(200);
    controller.abort();
    await running;
    await expect(fetch(`${address}/livez`)).rejects.toThrow();
  });
});
