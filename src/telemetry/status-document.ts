import type { CertificateHealth, TemplateHealth } from './readiness.js';
import { isoTime } from '../lib/iso-time.js';

/** Whether the agent holds a usable Vault token; shown in /status (files stay valid while Vault is away). */
export interface AuthHealth {
  authenticated: boolean;
  lastError: string | undefined;
  /** The stable code of the last failure (VAULT_UNREACHABLE, VAULT_HTTP…), for matching on. */
  lastErrorCode: string | undefined;
  lastErrorAt: number | undefined;
  lastSuccessAt: number | undefined;
}

/** What the /status document is made from: the health state (health.ts) and whether it is ready now. */
export interface StatusInput {
  readonly auth: AuthHealth;
  readonly certificates: ReadonlyMap<string, CertificateHealth>;
  readonly templates: readonly TemplateHealth[];
  readonly pendingCommands: readonly string[];
}

/**
 * The /status document: snake_case keys, times as RFC 3339, null for what is not known yet. Nothing secret is in
 * the state it is made from; the listener still scrubs registered secrets from the text (an error message may
 * echo one).
 */
export function statusDocument(state: StatusInput, ready: boolean): Record<string, unknown> {
  return {
    ready,
    auth: {
      authenticated: state.auth.authenticated,
      last_success: isoTime(state.auth.lastSuccessAt),
      last_error: state.auth.lastError ?? null,
      last_error_code: state.auth.lastErrorCode ?? null,
      last_error_at: isoTime(state.auth.lastErrorAt),
    },
    certificates: Object.fromEntries(
      [...state.certificates].map(([name, c]) => [
        name,
        {
          serial: c.serial ?? null,
          not_after: isoTime(c.notAfter),
          next_renewal: isoTime(c.renewAt),
          last_success: isoTime(c.lastSuccessAt),
          last_error: c.lastError ?? null,
          last_error_code: c.lastErrorCode ?? null,
          last_error_at: isoTime(c.lastErrorAt),
        },
      ]),
    ),
    templates: state.templates.map((t) => ({
      destination: t.destination,
      certificate: t.certificate,
      last_result: t.lastResult,
      last_error: t.lastError ?? null,
      last_error_code: t.lastErrorCode ?? null,
      last_error_at: isoTime(t.lastErrorAt),
      serial: t.serial ?? null,
      not_after: isoTime(t.times?.notAfter),
      written_at: isoTime(t.writtenAt),
    })),
    pending_commands: state.pendingCommands,
  };
}
