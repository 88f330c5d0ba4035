// Shared scaffolding for the token and auth backend unit tests: the shared fake clock, mount entries and requests
// shaped as the dev server's core would build them.

import type {
  Backend,
  BackendContext,
  DevRequest,
  MountEntry,
  Operation,
  TokenEntry,
} from '../../../../src/dev-server/types.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';
import { PolicyStore } from '../../../../src/dev-server/policy/policy-store.js';
import { MemoryTokenStore } from '../../../../src/dev-server/token/token-store.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** The system TTLs of `vault server -dev`: 768h each. */
export const SYSTEM_TTLS = { defaultLeaseTtl: 2_764_800, maxLeaseTtl: 2_764_800 };

/** Where the fixtures' clock starts: 2025-01-01T00:00:00.250Z, off the second on purpose. */
const DEV_START = Date.UTC(2025, 0, 1, 0, 0, 0, 250);

/** A mount table entry; TTLs 0 = system values. */
export function mountEntry(
  path: string,
  type: string,
  ttls = { defaultLeaseTtl: 0, maxLeaseTtl: 0 },
): MountEntry {
  return {
    path,
    type,
    accessor: `${type}_1a2b3c4d`,
    uuid: `uuid-${type}`,
    description: '',
    options: {},
    config: { ...ttls },
  };
}

/** A token store, a policy store (the token backend's), a clock and the mount table, ready for backends. */
export function devWorld(mounts: MountEntry[] = []) {
  const clock = new FakeClock(DEV_START);
  const store = new MemoryTokenStore(clock, SYSTEM_TTLS);
  const tokenMount = mountEntry('auth/token/', 'token');
  const table = [tokenMount, ...mounts];
  const policies = new PolicyStore();
  const root = store.createRoot('root');
  const contextFor = (mount: MountEntry): BackendContext => ({
    clock,
    mount,
    tokens: store,
    system: SYSTEM_TTLS,
    findMount: (path) => table.find((m) => m.path === path),
  });
  return { clock, store, policies, tokenMount, root, contextFor };
}

/** A request as the core hands it to a backend (path already stripped of the mount prefix). */
export function devRequest(
  mount: MountEntry,
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  token?: TokenEntry,
): DevRequest {
  return { operation, path, data, token, mount, remoteAddress: '127.0.0.1', headers: {} };
}

/** Calls a backend and returns its answer as the logical envelope parts (fails the test on any other kind). */
export async function logical(backend: Backend, request: DevRequest) {
  const response = await backend.handle(request);
  if (response.kind !== 'logical') throw new Error(`expected a logical response, got ${response.kind}`);
  return response;
}

/** The VaultApiError a backend call throws (fails the test when it does not throw one). */
export async function apiError(
  backend: Backend,
  request: DevRequest,
): Promise<{ status: number; errors: string[] }> {
  try {
    await backend.handle(request);
  } catch (error) {
    if (error instanceof VaultApiError) return { status: error.status, errors: error.errors };
    throw error;
  }
  throw new Error('expected a VaultApiError');
}
