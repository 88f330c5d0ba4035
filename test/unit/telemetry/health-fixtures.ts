// What the HealthState tests share: one certificate `web` written to one destination, and passes that wrote or
// failed to write it.

import type { HealthPassInput } from '../../../src/telemetry/health.js';
import { HealthState } from '../../../src/telemetry/health.js';

export const T0 = Date.UTC(2030, 0, 1);
export const HOUR = 3_600_000;
export const DEST = '/tls/web.crt';

export function issue(health: HealthState, serial: string, at: number, lifetime: number, backdate = 0): void {
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

export function healthWithIssued(): HealthState {
  const health = new HealthState(['web'], [{ destination: DEST, certificate: 'web' }]);
  issue(health, '01', T0, HOUR);
  return health;
}

/** A pass that wrote (or found unchanged) the destination from a certificate obtained at `at`. */
export function wrote(serial: string, at: number, lifetime: number, backdate = 0): HealthPassInput {
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

/** A pass that failed and left the destination as it was; a string is an untyped Error with that message. */
export function failed(error: string | Error): HealthPassInput {
  return {
    templates: [
      {
        destination: DEST,
        certificate: 'web',
        result: 'error',
        error: typeof error === 'string' ? new Error(error) : error,
      },
    ],
    commands: [],
    ok: false,
    rolledBack: true,
  };
}
