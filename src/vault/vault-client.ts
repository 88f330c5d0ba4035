import { Agent, errors as undiciErrors, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { VaultConfig } from '../config/runtime-config.js';
import { Semaphore } from './semaphore.js';
import { displayAddress, transportReason } from './transport-failure.js';
import { VaultConfigError } from './vault-config-error.js';
import type { VaultClient, VaultEnvelope, VaultRequest, VaultRequestEvent } from './types.js';
import { VaultTimeoutError, VaultUnreachableError } from './vault-errors.js';
import { envelopeFrom, httpErrorFrom } from './vault-response.js';
import type { RequestLabel, VaultExchange } from './vault-response.js';
import { vaultTlsOptions } from './vault-tls.js';

/** Hooks for what the client observes; an observer that throws is ignored rather than failing the request. */
export interface VaultClientOptions {
  /** Every finished request (metrics, debug logs). Never carries a token. */
  readonly onRequest?: (event: VaultRequestEvent) => void;
  /** Vault's `warnings[]` and the client's own (tls_skip_verify). */
  readonly onWarning?: (message: string, request: { operation: string; path: string }) => void;
  readonly userAgent?: string;
}

const SKIP_VERIFY_WARNING =
  'vault.tls_skip_verify is set: the Vault server certificate is NOT verified; anyone on the path can read the token and the keys';

/**
 * The agent's one connection pool to Vault (undici, keep-alive). At most `max_concurrent_requests` requests are
 * in flight, however many certificates there are; each has `request_timeout`. Vault's errors become typed errors
 * carrying the status and `errors[]`; the token travels only in the `X-Vault-Token` header and appears in no
 * message, warning or event. The client never retries: callers decide, with their own backoff.
 */
export function createVaultClient(config: VaultConfig, options: VaultClientOptions = {}): VaultClient {
  const agent = new Agent({
    connections: config.maxConcurrentRequests,
    keepAliveTimeout: 30_000,
    connect: vaultTlsOptions(config),
  });
  const observe = guarded(options);
  if (config.tlsSkipVerify) observe.warning(SKIP_VERIFY_WARNING, { operation: 'client', path: '' });
  const gate = new Semaphore(config.maxConcurrentRequests);

  // The slot is held until the body is read, since an unread body still occupies its connection.
  const send = async (request: VaultRequest): Promise<VaultExchange> => {
    const release = await gate.acquire(request.signal);
    const started = performance.now();
    let status = 'error';
    const { operation, method } = request;
    const path = redactor(request.token)(request.path);
    try {
      const exchange = await exchangeWith(agent, config, options.userAgent, request);
      status = String(exchange.status);
      return exchange;
    } finally {
      release();
      observe.request({ operation, method, path, status, durationMs: performance.now() - started });
    }
  };
  const failIfError = (exchange: VaultExchange, request: VaultRequest): void => {
    if (exchange.status >= 400)
      throw httpErrorFrom(exchange, labelOf(request), redactor(request.token), Date.now());
  };
  return {
    async request<D>(request: VaultRequest): Promise<VaultEnvelope<D> | undefined> {
      const exchange = await send(request);
      failIfError(exchange, request);
      const label = labelOf(request);
      const envelope = envelopeFrom<D>(exchange, label);
      const redact = redactor(request.token);
      for (const warning of envelope?.warnings ?? []) {
        observe.warning(redact(warning), { operation: request.operation, path: label.path });
      }
      return envelope;
    },
    async requestText(request: VaultRequest): Promise<string> {
      const exchange = await send(request);
      failIfError(exchange, request);
      return exchange.text;
    },
    close: () => agent.close(),
  };
}

async function exchangeWith(
  agent: Agent,
  config: VaultConfig,
  userAgent: string | undefined,
  request: VaultRequest,
): Promise<VaultExchange> {
  const timeout = AbortSignal.timeout(config.requestTimeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  try {
    const response = await undiciRequest(urlOf(config.address, request), {
      dispatcher: agent,
      // LIST goes as `GET ?list=true`, which Vault treats the same: Node's HTTP parser (and some proxies) refuse
      // the LIST verb.
      method: (request.method === 'LIST' ? 'GET' : request.method) as Dispatcher.HttpMethod,
      headers: headersOf(config, userAgent, request, body !== undefined),
      body,
      signal,
    });
    // The same signal bounds the body, so a server that stalls mid-body is a timeout too.
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    throw transportError(error, request, timeout, config);
  }
}

function urlOf(address: string, request: VaultRequest): string {
  const path = request.path.replace(/^\/+/, '');
  if (request.method !== 'LIST') return `${address}/v1/${path}`;
  return `${address}/v1/${path}${path.includes('?') ? '&' : '?'}list=true`;
}

function headersOf(
  config: VaultConfig,
  userAgent: string | undefined,
  request: VaultRequest,
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = { 'x-vault-request': 'true' };
  if (userAgent) headers['user-agent'] = userAgent;
  if (request.token !== undefined) headers['x-vault-token'] = request.token;
  const namespace = request.namespace ?? config.namespace;
  if (namespace) headers['x-vault-namespace'] = namespace;
  if (hasBody) headers['content-type'] = 'application/json';
  return headers;
}

function transportError(
  error: unknown,
  request: VaultRequest,
  timeout: AbortSignal,
  config: VaultConfig,
): Error {
  if (request.signal?.aborted) {
    return request.signal.reason instanceof Error ? request.signal.reason : abortError();
  }
  const label = `vault ${request.method} ${labelOf(request).path}`;
  const at = displayAddress(config.address);
  if (
    timeout.aborted ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new VaultTimeoutError(
      `Vault at ${at} did not answer within ${seconds(config.requestTimeoutMs)} (vault.request_timeout; ${label})`,
    );
  }
  if (error instanceof undiciErrors.InvalidArgumentError) {
    // Not Vault's fault and not passing: retrying would fail the same way.
    return new VaultConfigError(
      `${label}: the request cannot be sent (a header value HTTP does not allow, in the token or namespace?)`,
    );
  }
  // The code says enough (ECONNREFUSED, a TLS verification failure), put in words; the free-form message is left
  // out, since it may echo the request.
  return new VaultUnreachableError(`Vault unreachable at ${at} (${transportReason(error)}; ${label})`, {
    cause: error,
  });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function abortError(): Error {
  return new DOMException('the request was aborted', 'AbortError');
}

/** How messages and events name a request: method and path, the path redacted. */
function labelOf(request: VaultRequest): RequestLabel {
  return { method: request.method, path: redactor(request.token)(request.path) };
}

/** Replaces the token wherever it might be echoed (a proxy page, a misbehaving server). */
function redactor(token: string | undefined): (text: string) => string {
  if (!token) return (text) => text;
  return (text) => text.split(token).join('[redacted]');
}

function guarded(options: VaultClientOptions): {
  request(event: VaultRequestEvent): void;
  warning(message: string, request: { operation: string; path: string }): void;
} {
  return {
    request: (event) => swallow(() => options.onRequest?.(event)),
    warning: (message, request) =>
      swallow(() => options.onWarning?.(message, { operation: request.operation, path: request.path })),
  };
}

function swallow(fn: () => void): void {
  try {
    fn();
  } catch {
    // An observer's bug must not turn a good answer from Vault into a failure.
  }
}
