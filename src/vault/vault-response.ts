import { STATUS_CODES } from 'node:http';
import type { VaultEnvelope } from './types.js';
import { VaultHttpError, VaultResponseError } from './vault-errors.js';

/** One finished HTTP exchange with Vault: status, headers and the whole body as text. */
export interface VaultExchange {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** What the messages of a request name: never its token. */
export interface RequestLabel {
  readonly method: string;
  readonly path: string;
}

/** Parses a 2xx body into Vault's envelope; undefined for 204 or an empty body; VaultResponseError otherwise. */
export function envelopeFrom<D>(exchange: VaultExchange, label: RequestLabel): VaultEnvelope<D> | undefined {
  if (exchange.status === 204 || exchange.text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(exchange.text);
  } catch {
    // JSON.parse quotes the body in its message, and a body may echo anything: its error is not kept.
    throw new VaultResponseError(
      `vault ${label.method} ${label.path} answered ${exchange.status} with non-JSON`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new VaultResponseError(
      `vault ${label.method} ${label.path} answered a JSON value that is not an object`,
    );
  }
  const envelope = parsed as VaultEnvelope<D>;
  const warnings = Array.isArray(envelope.warnings)
    ? envelope.warnings.filter((w) => typeof w === 'string')
    : null;
  return {
    ...envelope,
    data: envelope.data ?? null,
    warnings: warnings && warnings.length > 0 ? warnings : null,
  };
}

/**
 * A status >= 400 as VaultHttpError: Vault's `errors[]` when the body is Vault's JSON, otherwise the status text
 * (a proxy's HTML page says nothing useful and may be long). `redact` removes the token should Vault echo it.
 */
export function httpErrorFrom(
  exchange: VaultExchange,
  label: RequestLabel,
  redact: (text: string) => string,
  nowMs: number,
): VaultHttpError {
  return new VaultHttpError({
    status: exchange.status,
    method: label.method,
    path: label.path,
    errors: vaultErrors(exchange).map(redact),
    retryAfterSeconds: parseRetryAfter(header(exchange.headers['retry-after']), nowMs),
  });
}

function vaultErrors(exchange: VaultExchange): string[] {
  try {
    const parsed = JSON.parse(exchange.text) as { errors?: unknown } | null;
    if (parsed && Array.isArray(parsed.errors)) return parsed.errors.map(String);
  } catch {
    // Not Vault's JSON: fall through to the status text.
  }
  const text = STATUS_CODES[exchange.status];
  return text ? [text] : [];
}

/**
 * Seconds to wait from a `Retry-After` value: integer seconds (what Vault sends) or an HTTP date, counted from
 * `nowMs` and never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
