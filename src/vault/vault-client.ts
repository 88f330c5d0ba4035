import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, errors as undiciErrors, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { VaultConfig } from '../config/runtime-config.js';
import { VaultConfigError } from './vault-config-error.js';
import { Semaphore } from './semaphore.js';
import type { VaultClient, VaultEnvelope, VaultRequest, VaultRequestEvent } from './types.js';
import {
  VaultHttpError,
  VaultResponseError,
  VaultTimeoutError,
  VaultUnreachableError,
} from './vault-errors.js';

/** Hooks for what the client observes; both must not throw. */
export interface VaultClientOptions {
  /** Every finished request (metrics, debug logs). Never carries a token. */
  readonly onRequest?: (event: VaultRequestEvent) => void;
  /** Vault's `warnings[]` and the client's own (tls_skip_verify). */
  readonly onWarning?: (message: string, request: { operation: string; path: string }) => void;
  readonly userAgent?: string;
}

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
    connect: tlsOptions(config),
  });
  if (config.tlsSkipVerify) {
    options.onWarning?.(
      'vault.tls_skip_verify is set: the Vault server certificate is NOT verified; anyone on the path can read the token and the keys',
      { operation: 'client', path: '' },
    );
  }
  const gate = new Semaphore(config.maxConcurrentRequests);
  const send = async (request: VaultRequest): Promise<Dispatcher.ResponseData> => {
    const release = await gate.acquire(request.signal);
    const started = performance.now();
    let status = 'error';
    try {
      const response = await dispatch(agent, config, options, request);
      status = String(response.statusCode);
      return response;
    } finally {
      release();
      options.onRequest?.({
        operation: request.operation,
        method: request.method,
        path: request.path,
        status,
        durationMs: performance.now() - started,
      });
    }
  };
  return {
    async request<D>(request: VaultRequest): Promise<VaultEnvelope<D> | undefined> {
      const response = await send(request);
      const text = await readBody(response, request);
      if (response.statusCode >= 400) throw httpError(response, request, text);
      if (response.statusCode === 204 || text === '') return undefined;
      let envelope: VaultEnvelope<D>;
      try {
        envelope = JSON.parse(text) as VaultEnvelope<D>;
      } catch (error) {
        throw new VaultResponseError(`vault ${request.method} ${request.path} answered non-JSON`, {
          cause: error,
        });
      }
      for (const warning of envelope.warnings ?? []) options.onWarning?.(warning, request);
      return envelope;
    },
    async requestText(request: VaultRequest): Promise<string> {
      const response = await send(request);
      const text = await readBody(response, request);
      if (response.statusCode >= 400) throw httpError(response, request, text);
      return text;
    },
    close: () => agent.close(),
  };
}

function tlsOptions(config: VaultConfig): Record<string, unknown> {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new VaultConfigError(`cannot read ${what} ${path}`, { cause: error });
    }
  };
  const ca: Buffer[] = [];
  if (config.caCert) ca.push(read(config.caCert, 'vault.ca_cert'));
  if (config.caPath) {
    for (const name of readdirSync(config.caPath).sort()) {
      if (/\.(pem|crt)$/.test(name)) ca.push(read(join(config.caPath, name), 'a CA file in vault.ca_path'));
    }
  }
  return {
    ...(ca.length > 0 ? { ca } : {}),
    ...(config.clientCert ? { cert: read(config.clientCert, 'vault.client_cert') } : {}),
    ...(config.clientKey ? { key: read(config.clientKey, 'vault.client_key') } : {}),
    ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
    rejectUnauthorized: !config.tlsSkipVerify,
  };
}

async function dispatch(
  agent: Agent,
  config: VaultConfig,
  options: VaultClientOptions,
  request: VaultRequest,
): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { 'x-vault-request': 'true' };
  if (options.userAgent) headers['user-agent'] = options.userAgent;
  if (request.token !== undefined) headers['x-vault-token'] = request.token;
  const namespace = request.namespace ?? config.namespace;
  if (namespace) headers['x-vault-namespace'] = namespace;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const timeout = AbortSignal.timeout(config.requestTimeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  // LIST is sent as `GET ?list=true`, which Vault treats the same; some proxies (and Node's own HTTP parser)
  // refuse the LIST verb.
  const list = request.method === 'LIST';
  const path = request.path.replace(/^\/+/, '');
  const url = `${config.address}/v1/${path}${list ? `${path.includes('?') ? '&' : '?'}list=true` : ''}`;
  try {
    return await undiciRequest(url, {
      dispatcher: agent,
      method: (list ? 'GET' : request.method) as Dispatcher.HttpMethod,
      headers,
      body,
      signal,
    });
  } catch (error) {
    throw transportError(error, request, timeout, config.requestTimeoutMs);
  }
}

async function readBody(response: Dispatcher.ResponseData, request: VaultRequest): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    throw new VaultUnreachableError(`vault ${request.method} ${request.path}: the response was cut off`, {
      cause: error,
    });
  }
}

function transportError(
  error: unknown,
  request: VaultRequest,
  timeout: AbortSignal,
  timeoutMs: number,
): Error {
  if (request.signal?.aborted)
    return request.signal.reason instanceof Error ? request.signal.reason : abortError();
  if (timeout.aborted || error instanceof undiciErrors.HeadersTimeoutError) {
    return new VaultTimeoutError(`vault ${request.method} ${request.path}: no answer within ${timeoutMs} ms`);
  }
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new VaultUnreachableError(`vault ${request.method} ${request.path}: ${detail}`, { cause: error });
}

function abortError(): Error {
  return new DOMException('the request was aborted', 'AbortError');
}

function httpError(response: Dispatcher.ResponseData, request: VaultRequest, text: string): VaultHttpError {
  let errors: string[] = [];
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) errors = parsed.errors.map(String);
  } catch {
    errors = text.trim() === '' ? [] : [text.trim().slice(0, 200)];
  }
  const retryAfter = response.headers['retry-after'];
  const seconds = typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return new VaultHttpError({
    status: response.statusCode,
    method: request.method,
    path: request.path,
    errors,
    retryAfterSeconds: seconds,
  });
}
