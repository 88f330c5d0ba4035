import { describe, expect, it } from 'vitest';
import type { HealthPassInput } from '../../../src/telemetry/health.js';
import { HealthState } from '../../../src/telemetry/health.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const DEST = '/tls/web.crt';

function issue(health: HealthState, serial: string, at: number, lifetime: number, backdate = 0): void {
  health.onCertificateEvent(
    {
      type: 'issued',
      certificate: 'web',
      serialNumber: serial,
      notAfter: at + lifetime,
      renewAt: at + 0.67 * lifetime,
    },
    at,
    at - backdate,
    at,
  );
}

function healthWithIssued(): HealthState {
  const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }]);
  issue(health, '01', T0, HOUR);
  return health;
}

/** A pass that wrote (or found unchanged) the destination from a certificate obtained at `at`. */
function wrote(serial: string, at: number, lifetime: number, backdate = 0): HealthPassInput {
  return {
    templates: [
      {
        destination: DEST,
        certificate: 'web',
        result: 'written',
        serial,
        onDisk: { serial, times: { notBefore: at - backdate, notAfter: at + lifetime, obtainedAt: at } },
      },
    ],
    commands: [],
    ok: true,
    rolledBack: false,
  };
}

/** A pass that failed and left the destination as it was. */
function failed(error: string): HealthPassInput {
  return {
    templates: [{ destination: DEST, certificate: 'web', result: 'error', error }],
    commands: [],
    ok: false,
    rolledBack: true,
  };
}

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
            error: 'check failed',
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
    health.onRenderPass(wrote('01', T0, HOUR), T0);
    health.onAuth(T0 + 10);
    health.onCertificateEvent(
      { type: 'failed', certificate: 'web', error: new Error('vault sealed'), retryInMs: 1000 },
      T0 + 20,
    );
    health.onAuth(T0 + 30, new Error('connection refused'));
    health.onRenderPass(failed('check failed'), T0 + 40);
    expect(health.readiness(T0 + 50)).toEqual({ ready: true, reasons: [] });
    const status = health.status(T0 + 50) as Record<string, unknown>;
    expect(status.auth).toEqual({
      authenticated: false,
      last_success: new Date(T0 + 10).toISOString(),
      last_error: 'connection refused',
      last_error_code: null,
      last_error_at: new Date(T0 + 30).toISOString(),
    });
    expect(status.templates).toEqual([
      {
        destination: DEST,
        certificate: 'web',
        last_result: 'error',
        last_error: 'check failed',
        serial: '01',
        not_after: new Date(T0 + HOUR).toISOString(),
        written_at: new Date(T0).toISOString(),
      },
    ]);
    health.onAuth(T0 + 60);
    expect((health.status(T0 + 60) as { auth: unknown }).auth).toMatchObject({
      authenticated: true,
      last_error: null,
    });
  });

  it('shows the stable code of the last failure in /status, found along the cause chain, until a success', () => {
    const health = healthWithIssued();
    const denied = new VaultHttpError({
      status: 403,
      method: 'PUT',
      path: 'pki/issue/web',
      errors: ['denied'],
    });
    health.onCertificateEvent({ type: 'failed', certificate: 'web', error: denied, retryInMs: 1000 }, T0 + 1);
    const unreachable = new VaultUnreachableError(
      'Vault unreachable at http://vault:8200 (connection refused)',
    );
    health.onAuth(T0 + 2, new Error('approle login failed: Vault unreachable', { cause: unreachable }));
    type Status = { auth: Record<string, unknown>; certificates: Record<string, Record<string, unknown>> };
    const failing = health.status(T0 + 3) as Status;
    expect(failing.certificates.web).toMatchObject({
      last_error: 'vault PUT pki/issue/web answered 403: denied',
      last_error_code: 'VAULT_HTTP',
    });
    expect(failing.auth).toMatchObject({
      last_error: 'approle login failed: Vault unreachable',
      last_error_code: 'VAULT_UNREACHABLE',
    });
    issue(health, '02', T0 + 4, HOUR);
    health.onAuth(T0 + 4);
    const recovered = health.status(T0 + 5) as Status;
    expect(recovered.certificates.web).toMatchObject({ last_error: null, last_error_code: null });
    expect(recovered.auth).toMatchObject({ last_error: null, last_error_code: null });
  });

  it('lists the commands still owed in /status', () => {
    const health = healthWithIssued();
    health.onRenderPass(
      {
        ...wrote('01', T0, HOUR),
        ok: false,
        pendingCommands: [
          {
            kind: 'command',
            spec: { argv: ['systemctl', 'reload', 'nginx'] },
            timeoutMs: 1000,
            index: 0,
            certificates: [{ name: 'web', serial: '01' }],
            files: [DEST],
          },
        ],
      },
      T0,
    );
    expect(health.status(T0)).toMatchObject({ pending_commands: ['systemctl reload nginx'] });
    expect(health.readiness(T0 + 1).ready).toBe(true);
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
