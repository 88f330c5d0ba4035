// Faults that tests inject into the dev server: a status answered instead of the real one, added latency, or a
// connection reset, for the next N requests whose logical path starts with a prefix. Kept apart from the HTTP
// layer so the decision (which fault applies to this request) is a plain, synchronous function.

import { AgentError } from '../../lib/errors.js';

/** What a test asks for. Without `count` the fault stays until cleared. */
export interface FaultSpec {
  /** Logical path prefix (`pki/issue/`, `auth/token/renew-self`); a leading `/v1/` or `/` is ignored. */
  readonly pathPrefix: string;
  /** Answer this status with `{"errors":[message]}` instead of handling the request. */
  readonly status?: number;
  /** How many matching requests the fault applies to. */
  readonly count?: number;
  /** Delay before answering (or before the status / reset). */
  readonly latencyMs?: number;
  /** Destroy the connection without an answer. */
  readonly reset?: boolean;
  /** The error text sent with `status`; `injected fault` by default. */
  readonly message?: string;
}

/** A fault as the injector holds it; `remaining` is null for an unlimited one. */
export interface ActiveFault {
  readonly id: number;
  readonly pathPrefix: string;
  readonly status: number | undefined;
  readonly latencyMs: number;
  readonly reset: boolean;
  readonly message: string;
  remaining: number | null;
}

/** What happens to one request: wait `latencyMs`, then reset, answer `status`, or carry on normally. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly status: number | undefined;
  readonly message: string;
  readonly reset: boolean;
}

/** A fault specification that cannot be applied (bad status, negative count, nothing to do). */
export class InvalidFaultError extends AgentError {
  constructor(message: string) {
    super('DEV_FAULT_INVALID', message);
  }
}

/** The live set of injected faults of one dev server. */
export class FaultInjector {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  /** Adds a fault; throws InvalidFaultError when the specification makes no sense. */
  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      id: this.#nextId++,
      pathPrefix: normalizePrefix(checkPrefix(spec.pathPrefix)),
      status: checkStatus(spec.status),
      latencyMs: checkNonNegative('latencyMs', spec.latencyMs ?? 0),
      reset: spec.reset === true,
      message: spec.message ?? 'injected fault',
      remaining: spec.count === undefined ? null : checkCount(spec.count),
    };
    if (fault.status === undefined && !fault.reset && fault.latencyMs === 0) {
      throw new InvalidFaultError('a fault needs a status, a latency or a reset');
    }
    if (fault.status !== undefined && fault.reset) {
      throw new InvalidFaultError('a fault cannot both answer a status and reset the connection');
    }
    this.#faults.push(fault);
    return fault;
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** The faults still active, oldest first (copies). */
  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /**
   * Spends one use of every matching fault, oldest first: latencies add up, and the first fault with a status or a
   * reset decides the outcome (later ones are not spent). Undefined when nothing matches.
   */
  take(path: string): FaultDecision | undefined {
    let latencyMs = 0;
    let matched = false;
    for (const fault of this.#faults) {
      if (!path.startsWith(fault.pathPrefix)) continue;
      matched = true;
      latencyMs += fault.latencyMs;
      if (fault.remaining !== null) fault.remaining -= 1;
      if (fault.status !== undefined || fault.reset) {
        this.#prune();
        return { latencyMs, status: fault.status, message: fault.message, reset: fault.reset };
      }
    }
    this.#prune();
    return matched ? { latencyMs, status: undefined, message: '', reset: false } : undefined;
  }

  #prune(): void {
    this.#faults = this.#faults.filter((f) => f.remaining === null || f.remaining > 0);
  }
}

/** `/v1/pki/issue` and `pki/issue` name the same requests. */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/?(v1\/)?/, '');
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') throw new InvalidFaultError('pathPrefix must be a string');
  return prefix;
}

function checkStatus(status: number | undefined): number | undefined {
  if (status === undefined) return undefined;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new InvalidFaultError(`status must be an integer from 200 to 599, got ${String(status)}`);
  }
  return status;
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidFaultError(`count must be a positive integer, got ${String(count)}`);
  }
  return count;
}

function checkNonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidFaultError(`${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}
