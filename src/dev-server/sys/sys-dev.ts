// Dev-server-only control paths under `sys/dev/` (no such paths exist in Vault): inject and clear faults, and read
// or reset the request log, from a test running in another process. Root token required.

import { InvalidFaultError } from '../faults/fault-injector.js';
import type { ActiveFault, FaultInjector } from '../faults/fault-injector.js';
import type { RequestLog } from '../faults/request-log.js';
import type { DevResponse } from '../types.js';
import { badRequest } from '../types.js';

/** POST `sys/dev/faults` `{path_prefix, status?, count?, latency_ms?, reset?, message?}`: answers the new fault. */
export function addFault(faults: FaultInjector, data: Record<string, unknown>): DevResponse {
  try {
    const fault = faults.add({
      pathPrefix: data.path_prefix as string,
      status: optionalNumber(data.status, 'status'),
      count: optionalNumber(data.count, 'count'),
      latencyMs: optionalNumber(data.latency_ms, 'latency_ms'),
      reset: data.reset === true || data.reset === 'true',
      message: typeof data.message === 'string' ? data.message : undefined,
    });
    return { kind: 'logical', data: faultData(fault) };
  } catch (error) {
    if (error instanceof InvalidFaultError) throw badRequest(error.message);
    throw error;
  }
}

/** GET `sys/dev/faults`: the active faults. */
export function listFaults(faults: FaultInjector): DevResponse {
  return { kind: 'logical', data: { faults: faults.list().map(faultData) } };
}

/** DELETE `sys/dev/faults`: clears every fault (204). */
export function clearFaults(faults: FaultInjector): DevResponse {
  faults.clear();
  return { kind: 'empty' };
}

/** GET `sys/dev/requests[?prefix=pki/]`: request counts per path, and their total. */
export function readRequests(requests: RequestLog, data: Record<string, unknown>): DevResponse {
  const prefix = typeof data.prefix === 'string' ? data.prefix : '';
  const counts = requests.countsByPath(prefix);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { kind: 'logical', data: { prefix, total, counts } };
}

/** DELETE `sys/dev/requests`: forgets every request (204). */
export function clearRequests(requests: RequestLog): DevResponse {
  requests.clear();
  return { kind: 'empty' };
}

function faultData(fault: ActiveFault): Record<string, unknown> {
  return {
    id: fault.id,
    path_prefix: fault.pathPrefix,
    status: fault.status ?? null,
    remaining: fault.remaining,
    latency_ms: fault.latencyMs,
    reset: fault.reset,
    message: fault.message,
  };
}

// Form bodies and query strings carry numbers as text.
function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) throw badRequest(`${name} must be a number`);
  return number;
}
