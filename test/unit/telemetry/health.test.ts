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
});
