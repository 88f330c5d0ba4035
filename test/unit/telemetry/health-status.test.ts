// HealthState's /status: errors with their stable codes, auth state and owed commands, never a secret.

import { describe, expect, it } from 'vitest';
import { CommandFailedError } from '../../../src/exec/command-failure.js';
import { TemplateError } from '../../../src/templates/template-engine.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { DEST, HOUR, T0, failed, healthWithIssued, issue, wrote } from './health-fixtures.js';

describe('HealthState readiness', () => {
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
        last_error_code: null,
        last_error_at: new Date(T0 + 40).toISOString(),
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

  it('shows the stable code of a template failure in /status, as for certificates, until a pass succeeds', () => {
    const health = healthWithIssued();
    type Status = { templates: Record<string, unknown>[] };
    const template = (at: number) => (health.status(at) as Status).templates[0];
    health.onRenderPass(failed(new TemplateError(DEST, '"nope" not defined - 1:2')), T0 + 1);
    expect(template(T0 + 1)).toMatchObject({
      last_result: 'error',
      last_error: `template for ${DEST}: "nope" not defined - 1:2`,
      last_error_code: 'TEMPLATE',
    });
    const check = new CommandFailedError('check', 'nginx -t', { reason: 'timeout', timeoutMs: 1000 });
    health.onRenderPass(failed(check), T0 + 2);
    expect(template(T0 + 2)).toMatchObject({
      last_error: 'check nginx -t timed out',
      last_error_code: 'EXEC_TIMEOUT',
    });
    // The code of what a wrapper wraps, as for certificates (an OS error keeps its own code).
    const refused = Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    health.onRenderPass(failed(new Error('could not plan', { cause: refused })), T0 + 3);
    expect(template(T0 + 3)).toMatchObject({
      last_error: 'could not plan',
      last_error_code: 'EROFS',
      last_error_at: new Date(T0 + 3).toISOString(),
    });
    health.onRenderPass(wrote('01', T0, HOUR), T0 + 4);
    expect(template(T0 + 4)).toMatchObject({
      last_result: 'written',
      last_error: null,
      last_error_code: null,
      last_error_at: null,
    });
  });

  it('a template failing, then waiting again (its secret not read yet), no longer shows the old failure', () => {
    const health = healthWithIssued();
    type Status = { templates: Record<string, unknown>[] };
    const template = (at: number) => (health.status(at) as Status).templates[0];
    health.onRenderPass(failed(new TemplateError(DEST, 'reads secret "nope"')), T0 + 1);
    expect(template(T0 + 1)).toMatchObject({ last_result: 'error', last_error_code: 'TEMPLATE' });
    const waiting = { ...failed('unused'), ok: true, rolledBack: false };
    waiting.templates = [{ destination: DEST, certificate: 'web', result: 'pending' }];
    health.onRenderPass(waiting, T0 + 2);
    expect(template(T0 + 2)).toMatchObject({
      last_result: 'pending',
      last_error: null,
      last_error_code: null,
      last_error_at: null,
    });
    // A file written before, then waiting: still described as written (it is on disk).
    health.onRenderPass(wrote('01', T0, HOUR), T0 + 3);
    health.onRenderPass(waiting, T0 + 4);
    expect(template(T0 + 4)).toMatchObject({ last_result: 'written', serial: '01' });
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
          {
            kind: 'command',
            spec: { argv: ['sh', '-c', 'kill -HUP 1'] },
            timeoutMs: 1000,
            index: 1,
            certificates: [{ name: 'web', serial: '01' }],
            files: [DEST],
          },
        ],
      },
      T0,
    );
    // Quoted as the log line names the command, so one can be found from the other.
    expect(health.status(T0)).toMatchObject({
      pending_commands: ['systemctl reload nginx', "sh -c 'kill -HUP 1'"],
    });
    expect(health.readiness(T0 + 1).ready).toBe(true);
  });
});
