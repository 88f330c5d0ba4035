// HealthState's readiness (/readyz): what makes a destination or a certificate ready, and why it is not.

import { describe, expect, it } from 'vitest';
import { HealthState } from '../../../src/telemetry/health.js';
import { DEST, HOUR, T0, failed, healthWithIssued, issue, wrote } from './health-fixtures.js';

describe('HealthState readiness', () => {
  it('is not ready before anything is written, naming the destination', () => {
    const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }]);
    expect(health.readiness(T0)).toEqual({
      ready: false,
      reasons: [`template ${DEST}: not written yet`, 'certificate web: not obtained yet'],
    });
  });

  it('is ready once every template is written from a valid certificate', () => {
    const health = healthWithIssued();
    expect(health.readiness(T0).ready).toBe(false);
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    expect(health.readiness(T0 + HOUR / 2)).toEqual({ ready: true, reasons: [] });
  });

  it('takes the validity from the certificate events when a pass does not say what is on disk', () => {
    const health = healthWithIssued();
    health.onRenderPass(
      {
        ...wrote('01', T0, HOUR),
        templates: [{ destination: DEST, certificate: 'web', result: 'written', serial: '01' }],
      },
      T0,
    );
    expect(health.readiness(T0 + HOUR / 2).ready).toBe(true);
    expect(health.readiness(T0 + HOUR).ready).toBe(false);
  });

  it('is not ready in the last 10 % of the lifetime without a renewal, nor after expiry', () => {
    const health = healthWithIssued();
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    expect(health.readiness(T0 + 0.89 * HOUR).ready).toBe(true);
    expect(health.readiness(T0 + 0.91 * HOUR).reasons).toEqual([
      `template ${DEST}: holds certificate web (serial 01) in the last 10% of its lifetime (expires ${new Date(T0 + HOUR).toISOString()}); not renewed yet`,
    ]);
    expect(health.readiness(T0 + HOUR).reasons).toEqual([
      `template ${DEST}: holds certificate web (serial 01), expired at ${new Date(T0 + HOUR).toISOString()}`,
    ]);
  });

  // Issue 7 point 1: a failing check rolled the files back, so the destination still holds the old certificate
  // while the agent holds a fresh one; readiness must follow the file, and say why it is stale.
  it('is not ready when the file on disk expires because the last pass failed, though a fresh certificate exists', () => {
    const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }]);
    issue(health, '01', T0, 8_000, 30_000);
    health.onRenderPass(wrote('01', T0, 8_000, 30_000), T0);
    issue(health, '02', T0 + 5_000, 8_000, 30_000);
    health.onRenderPass(failed('check ["sh","-c","test ! -e FLAG"] exited with 1'), T0 + 5_100);
    expect(health.readiness(T0 + 6_000).ready).toBe(true);
    const later = health.readiness(T0 + 10_000);
    expect(later.ready).toBe(false);
    expect(later.reasons).toEqual([
      `template ${DEST}: holds certificate web (serial 01), expired at ${new Date(T0 + 8_000).toISOString()}; last pass failed: check ["sh","-c","test ! -e FLAG"] exited with 1`,
    ]);
    expect(health.readiness(T0 + 7_500).reasons[0]).toMatch(/last 10% .*; last pass failed: check/);
  });

  it('is not ready when a destination written earlier can no longer be written and its certificate expires', () => {
    const health = healthWithIssued();
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    issue(health, '02', T0 + 0.67 * HOUR, HOUR);
    health.onRenderPass(failed(`write failed for ${DEST}: EACCES: permission denied`), T0 + 0.67 * HOUR);
    expect(health.readiness(T0 + HOUR + 1).reasons[0]).toMatch(
      /expired at .*; last pass failed: write failed .*EACCES/,
    );
  });

  it('follows a file a failed pass kept (no previous version to restore)', () => {
    const health = healthWithIssued();
    health.onRenderPass(
      {
        ...failed('check failed'),
        templates: [
          {
            destination: DEST,
            certificate: 'web',
            result: 'error',
            error: new Error('check failed'),
            serial: '01',
            onDisk: { serial: '01', times: { notBefore: T0, notAfter: T0 + HOUR, obtainedAt: T0 } },
          },
        ],
      },
      T0,
    );
    expect(health.readiness(T0 + 1).ready).toBe(true);
  });

  // Issue 7 point 2: ttl 8 s, Vault back-dates notBefore by 30 s; measured from notBefore the last 10 % starts
  // before the renewal (at 2/3 from receipt) is even due, so /readyz flapped on a healthy agent.
  it('never flaps on a healthy agent with short TTLs and back-dated notBefore', () => {
    const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }]);
    const ttl = 8_000;
    let unready = 0;
    let polls = 0;
    for (let round = 0, at = T0; round < 10; round++) {
      const serial = String(round).padStart(2, '0');
      issue(health, serial, at, ttl, 30_000);
      health.onRenderPass(wrote(serial, at, ttl, 30_000), at + 20);
      const renewal = at + 0.67 * ttl - 0.05 * ttl;
      for (let now = at + 20; now < renewal + 100; now += 50) {
        polls++;
        if (!health.readiness(now).ready) unready++;
      }
      at = renewal + 100;
    }
    expect(polls).toBeGreaterThan(500);
    expect(unready).toBe(0);
  });

  it('is not ready when a destination was removed from disk', () => {
    const present = new Set([DEST]);
    const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }], {
      fileExists: (path) => present.has(path),
    });
    issue(health, '01', T0, HOUR);
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    expect(health.readiness(T0 + 1).ready).toBe(true);
    present.clear();
    expect(health.readiness(T0 + 1).reasons).toEqual([`template ${DEST}: the file is missing`]);
  });

  it('judges a certificate no template uses on its own, from when it was received', () => {
    const health = new HealthState(['spare'], []);
    expect(health.readiness(T0).reasons).toEqual(['certificate spare: not obtained yet']);
    health.onCertificateEvent(
      { type: 'issued', certificate: 'spare', serialNumber: '09', notAfter: T0 + 8_000, renewAt: T0 + 5_000 },
      T0,
      T0 - 30_000,
      T0,
    );
    expect(health.readiness(T0 + 7_000).ready).toBe(true);
    expect(health.readiness(T0 + 7_300).reasons).toEqual([
      'certificate spare: in the last 10% of its lifetime and not renewed',
    ]);
    expect(health.readiness(T0 + 8_000).reasons).toEqual(['certificate spare: expired']);
  });

  it('a renewal written to disk resets the last-10 % rule and a scheduled event moves the next renewal', () => {
    const health = healthWithIssued();
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    expect(health.readiness(T0 + 0.95 * HOUR).ready).toBe(false);
    const renewed = T0 + 0.9 * HOUR;
    issue(health, '02', renewed, HOUR);
    health.onRenderPass(wrote('02', renewed, HOUR), renewed);
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
