import { AgentError } from '../lib/errors.js';

/**
 * Vault answered with a status >= 400. `errors` is Vault's own `errors[]` array. The token is never part of
 * the message: only the method, the path and what Vault said.
 */
export class VaultHttpError extends AgentError {
  readonly status: number;
  readonly path: string;
  readonly errors: readonly string[];
  /** Seconds from a `Retry-After` header, when Vault sent one (429 with rate-limit headers enabled). */
  readonly retryAfterSeconds: number | undefined;

  constructor(input: {
    status: number;
    method: string;
    path: string;
    errors: readonly string[];
    retryAfterSeconds?: number | undefined;
  }) {
    const said = input.errors.map((e) => e.replace(/\s+/g, ' ').trim()).filter(Boolean);
    super(
      'VAULT_HTTP',
      `vault ${input.method} ${input.path} answered ${input.status}${said.length ? `: ${said.join('; ')}` : ''}`,
    );
    this.status = input.status;
    this.path = input.path;
    this.errors = input.errors;
    this.retryAfterSeconds = input.retryAfterSeconds;
  }

  /** True for a 403 whose errors say the token is bad (missing, expired, revoked) or not allowed. */
  get isPermissionDenied(): boolean {
    return this.status === 403;
  }
}

/** Vault could not be reached: connection refused or reset, DNS, TLS handshake failure. */
export class VaultUnreachableError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('VAULT_UNREACHABLE', message, options);
  }
}

/** Vault did not answer within `vault.request_timeout`. */
export class VaultTimeoutError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('VAULT_TIMEOUT', message, options);
  }
}

/** Vault answered 2xx but the body is not what the API promises (not JSON, a field missing). */
export class VaultResponseError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('VAULT_BAD_RESPONSE', message, options);
  }
}

/**
 * Whether trying the same request again later may succeed: network trouble, timeouts, 5xx, 429, and 412
 * (a performance standby that has not caught up). A 4xx otherwise means the request or the token is wrong.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof VaultUnreachableError || error instanceof VaultTimeoutError) return true;
  if (error instanceof VaultHttpError)
    return error.status >= 500 || error.status === 429 || error.status === 412;
  return false;
}
