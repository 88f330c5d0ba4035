// What `vault server -dev` has mounted when it starts, plus ours: `auth/token/`, `secret/` (KV v2), and `pki/` with
// a root CA and a role `dev`, set up through the PKI backend's own API so they look exactly like user-made ones.

import { DevServerError } from '../dev-server-error.js';
import type { DevRequest, DevResponse, TokenEntry } from '../types.js';
import { VaultApiError } from '../types.js';
import type { MountTable } from './mount-table.js';

const HOURS = 3600;

/** The dev-mode PKI: a root good for ten years, in a mount tuned to allow it. */
export const DEV_PKI = {
  mount: 'pki/',
  maxLeaseTtl: 87_600 * HOURS,
  root: { common_name: 'certagent dev root', key_type: 'ec', key_bits: 256, ttl: '87600h' },
  role: 'dev',
  // EC keys so that the agent's defaults (sign mode, an EC P-256 key) and `issue` both work against the role.
  roleFields: { allow_any_name: true, max_ttl: '24h', key_type: 'ec', key_bits: 256 },
} as const;

/** Mounts `auth/token/` and `secret/`. */
export function mountDevDefaults(mounts: MountTable): void {
  mounts.mountUnchecked({
    class: 'auth',
    path: 'token',
    type: 'token',
    description: 'token based credentials',
  });
  mounts.enable({
    class: 'secret',
    path: 'secret',
    type: 'kv',
    description: 'key/value secret storage',
    options: { version: '2' },
  });
}

/** Mounts `pki/` and creates its root CA and the `dev` role by calling the backend as a root client would. */
export async function mountDevPki(mounts: MountTable, root: TokenEntry): Promise<void> {
  mounts.enable({
    class: 'secret',
    path: DEV_PKI.mount,
    type: 'pki',
    config: { defaultLeaseTtl: 0, maxLeaseTtl: DEV_PKI.maxLeaseTtl },
  });
  await call(mounts, root, 'root/generate/internal', { ...DEV_PKI.root });
  await call(mounts, root, `roles/${DEV_PKI.role}`, { ...DEV_PKI.roleFields });
}

async function call(
  mounts: MountTable,
  root: TokenEntry,
  path: string,
  data: Record<string, unknown>,
): Promise<DevResponse> {
  const route = mounts.route(`${DEV_PKI.mount}${path}`);
  if (route === undefined) throw new DevServerError(`dev-mode setup: ${DEV_PKI.mount} is not mounted`);
  const request: DevRequest = {
    operation: 'update',
    path: route.rest,
    data,
    token: root,
    mount: route.entry,
    remoteAddress: '127.0.0.1',
    headers: {},
  };
  let response: DevResponse;
  try {
    response = await route.backend.handle(request);
  } catch (error) {
    const detail = error instanceof VaultApiError ? error.errors.join('; ') : String(error);
    throw new DevServerError(`dev-mode setup: ${DEV_PKI.mount}${path} failed: ${detail}`, { cause: error });
  }
  return response;
}
