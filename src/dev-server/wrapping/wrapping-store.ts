// Response wrapping (reference/vault-api.md §6): a reply kept behind a single-use token that lives for the wrap
// TTL. The wrapping tokens are not in the token store: they are good for `sys/wrapping/*` and nothing else, which
// is what Vault's `response-wrapping` policy grants.

import { formatRfc3339Nano } from '../token/time-format.js';
import { newAccessor, newTokenId } from '../token/token-ids.js';
import type { DevClock } from '../types.js';

/** A wrapped reply: what unwrap returns, and what lookup describes. */
interface Wrapped {
  readonly accessor: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly creationTime: number;
  readonly creationPath: string;
  readonly ttl: number;
}

/** The `wrap_info` block Vault sends instead of the reply. */
export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

/** Wrapped replies by wrapping token. */
export class WrappingStore {
  readonly #clock: DevClock;
  readonly #wrapped = new Map<string, Wrapped>();

  constructor(clock: DevClock) {
    this.#clock = clock;
  }

  /** Keeps `body` (the full envelope) for `ttl` seconds and returns the wrap_info to send instead. */
  wrap(body: Record<string, unknown>, status: number, ttl: number, creationPath: string): WrapInfo {
    const token = newTokenId('service');
    const now = this.#clock.now();
    const wrapped: Wrapped = { accessor: newAccessor(), status, body, creationTime: now, creationPath, ttl };
    this.#wrapped.set(token, wrapped);
    const info: WrapInfo = {
      token,
      accessor: wrapped.accessor,
      ttl,
      creation_time: formatRfc3339Nano(now),
      creation_path: creationPath,
    };
    const accessor = (body.auth as { accessor?: unknown } | null)?.accessor;
    if (typeof accessor === 'string') info.wrapped_accessor = accessor;
    return info;
  }

  /** Whether this is a live wrapping token (expired ones are forgotten on the way). */
  has(token: string): boolean {
    return this.#live(token) !== undefined;
  }

  /** Takes the wrapped reply out (single use); undefined for an unknown, used or expired token. */
  unwrap(token: string): { status: number; body: Record<string, unknown> } | undefined {
    const wrapped = this.#live(token);
    if (wrapped === undefined) return undefined;
    this.#wrapped.delete(token);
    return { status: wrapped.status, body: wrapped.body };
  }

  /** `sys/wrapping/lookup` data, without spending the token. */
  lookup(token: string): Record<string, unknown> | undefined {
    const wrapped = this.#live(token);
    if (wrapped === undefined) return undefined;
    return {
      creation_path: wrapped.creationPath,
      creation_time: formatRfc3339Nano(wrapped.creationTime),
      creation_ttl: wrapped.ttl,
    };
  }

  #live(token: string): Wrapped | undefined {
    const wrapped = this.#wrapped.get(token);
    if (wrapped === undefined) return undefined;
    if (this.#clock.now() >= wrapped.creationTime + wrapped.ttl * 1000) {
      this.#wrapped.delete(token);
      return undefined;
    }
    return wrapped;
  }
}
