import { describe, expect, it } from 'vitest';
import type { RenderPassResult } from '../../../src/output/render-pass.js';
import { HealthState } from '../../../src/telemetry/health.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

function healthWithIssued(): HealthState {
  const health = new HealthState(['web'], [{ destination: '/tls/web.crt', certificate: 'web' }]);
  health.onCertificateEvent(
    {
      type: 'issued',
      certificate: 'web',
      serialNumber: '01',
      notAfter: T0 + HOUR,
      renewAt: T0 + 0.67 * HOUR,
    },
    T0,
    T0,
  );
  return health;
}

const written: RenderPassResult = {
  templates: [{ destination: '/tls/web.crt', certificate: 'web', result: 'written', serial: '01' }],
  commands: [],
  ok: true,
  rolledBack: false,
};

describe('HealthState readiness', () => {
  it('is not ready before anything is obtained or written, naming what is missing', () => {
    const health = new HealthState(['web'], [{ destination: '/tls/web.crt', certificate: 'web' }]);
    expect(health.readiness(T0)).toEqual({
      ready: false,
      reasons: ['template /tls/web.crt: not written yet', 'certificate web: not obtained yet'],
    });
  });

  it('is ready once every template is written from a valid certificate', () => {
    const health = healthWithIssued();
    expect(health.readiness(T0).ready).toBe(false);
    health.onRenderPass(written, T0);
    expect(health.readiness(T0 + HOUR / 2)).toEqual({ ready: true, reasons: [] });
  });

  it('is not ready in the last 10 % of the lifetime without a renewal, nor after expiry', () => {
    const health = healthWithIssued();
    health.onRenderPass(written, T0);
    expect(health.readiness(T0 + 0.89 * HOUR).ready).toBe(true);
    expect(health.readiness(T0 + 0.91 * HOUR).reasons).toEqual([
      'certificate web: in the last 10% of its lifetime and not renewed',
    ]);
    expect(health.readiness(T0 + HOUR).reasons).toEqual(['certificate web: expired']);
  });

  it('reports errors in /status without any secret field', () => {
    const health = healthWithIssued();
    health.onCertificateEvent(
      { type: 'failed', certificate: 'web', error: new Error('vault down'), retryInMs: 1000 },
      T0 + 1,
    );
    const status = health.status(T0 + 2) as { certificates: Record<string, Record<string, unknown>> };
    expect(status.certificates.web).toMatchObject({ serial: '01', last_error: 'vault down' });
    expect(JSON.stringify(status)).not.toMatch(/private|token/i);
  });

  it('stays ready on the last good files while Vault fails, and shows auth state in /status', () => {
    const health = healthWithIssued();
    health.onRenderPass(written, T0);
    health.onAuth(T0 + 10);
    health.onCertificateEvent(
      { type: 'failed', certificate: 'web', error: new Error('vault sealed'), retryInMs: 1000 },
      T0 + 20,
    );
    health.onAuth(T0 + 30, new Error('connection refused'));
    health.onRenderPass(
      {
        templates: [
          { destination: '/tls/web.crt', certificate: 'web', result: 'error', error: 'check failed' },
        ],
        commands: [],
        ok: false,
        rolledBack: true,
      },
      T0 + 40,
    );
    expect(health.readiness(T0 + 50)).toEqual({ ready: true, reasons: [] });
    const status = health.status(T0 + 50) as Record<string, unknown>;
    expect(status.auth).toEqual({
      authenticated: false,
      last_success: new Date(T0 + 10).toISOString(),
      last_error: 'connection refused',
      last_error_at: new Date(T0 + 30).toISOString(),
    });
    expect(status.templates).toEqual([
      {
        destination: '/tls/web.crt',
        certificate: 'web',
        last_result: 'error',
        last_error: 'check failed',
        serial: '01',
        written_at: new Date(T0).toISOString(),
      },
    ]);
    health.onAuth(T0 + 60);
    expect((health.status(T0 + 60) as { auth: unknown }).auth).toMatchObject({
      authenticated: true,
      last_error: null,
    });
  });

  it('a renewal resets the last-10 % rule and a scheduled event moves the next renewal', () => {
    const health = healthWithIssued();
    health.onRenderPass(written, T0);
    expect(health.readiness(T0 + 0.95 * HOUR).ready).toBe(false);
    const renewed = T0 + 0.9 * HOUR;
    health.onCertificateEvent(
      { type: 'issued', certificate: 'web', serialNumber: '02', notAfter: renewed + HOUR, renewAt: renewed },
      renewed,
      renewed,
    );
    expect(health.readiness(T0 + 0.95 * HOUR)).toEqual({ ready: true, reasons: [] });
    health.onCertificateEvent(
      { type: 'scheduled', certificate: 'web', renewAt: renewed + 0.5 * HOUR },
      renewed,
    );
    const status = health.status(renewed) as { certificates: Record<string, Record<string, unknown>> };
    expect(status.certificates.web).toMatchObject({
      serial: '02',
      not_after: new Date(renewed + HOUR).toISOString(),
      next_renewal: new Date(renewed + 0.5 * HOUR).toISOString(),
    });
  });
});
