import type { VaultClient } from './types.js';
import { VaultResponseError } from './vault-errors.js';

/** Where a secret lives and how to read it, once the mount is known. */
export interface KvLocation {
  /** The mount, without slashes: `secret`. */
  readonly mount: string;
  readonly kvVersion: 1 | 2;
  /** The secret's path inside the mount, without `data/`: `app/db`. */
  readonly key: string;
}

/** One read: the key/value map, and for KV v2 the version read and when it was written. */
export interface KvSecret {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: { readonly version: number; readonly created_time: string } | undefined;
}

const trim = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/**
 * Splits a configured path into mount and key. The path is written as in Vault Agent templates and the HTTP API
 * (`secret/data/app/db` for KV v2) or as for `vault kv get` (`secret/app/db`); for v2 the `data/` segment is
 * optional. `mount` must be a prefix of the path when both are given.
 */
export function locate(path: string, mount: string, kvVersion: 1 | 2): KvLocation {
  const full = trim(path);
  const prefix = trim(mount);
  if (full !== prefix && !full.startsWith(`${prefix}/`))
    throw new VaultResponseError(`secret path ${full} is not under the mount ${prefix}/`);
  let key = trim(full.slice(prefix.length));
  if (kvVersion === 2 && key.startsWith('data/')) key = key.slice('data/'.length);
  if (key === '') throw new VaultResponseError(`secret path ${full} names the mount, not a secret in it`);
  return { mount: prefix, kvVersion, key };
}

/**
 * Asks Vault which mount a path falls under and whether it is KV v1 or v2, as the Vault CLI's `kv` commands do:
 * GET `sys/internal/ui/mounts/<path>`, which any token may call for paths it has a capability on.
 */
export async function detectKvMount(
  client: VaultClient,
  token: string,
  path: string,
  signal?: AbortSignal,
): Promise<KvLocation> {
  const full = trim(path);
  const envelope = await client.request<{ path?: unknown; type?: unknown; options?: unknown }>({
    method: 'GET',
    path: `sys/internal/ui/mounts/${full}`,
    token,
    operation: 'kv.mount',
    signal,
  });
  const data = envelope?.data;
  const mount = typeof data?.path === 'string' ? trim(data.path) : undefined;
  if (!mount || (data?.type !== 'kv' && data?.type !== 'generic'))
    throw new VaultResponseError(
      `${full} is not under a KV mount (Vault says ${String(data?.type ?? 'nothing')})`,
    );
  const options = (typeof data?.options === 'object' && data.options !== null ? data.options : {}) as {
    version?: unknown;
  };
  return locate(full, mount, options.version === '2' ? 2 : 1);
}

/** Reads a secret: GET `{mount}/data/{key}[?version=N]` (v2) or `{mount}/{key}` (v1). */
export async function readKvSecret(
  client: VaultClient,
  token: string,
  location: KvLocation,
  version?: number,
  signal?: AbortSignal,
): Promise<KvSecret> {
  const path =
    location.kvVersion === 2
      ? `${location.mount}/data/${location.key}${version === undefined ? '' : `?version=${version}`}`
      : `${location.mount}/${location.key}`;
  const envelope = await client.request<Record<string, unknown>>({
    method: 'GET',
    path,
    token,
    operation: 'kv.read',
    signal,
  });
  const data = envelope?.data;
  if (typeof data !== 'object' || data === null)
    throw new VaultResponseError(`vault ${path} answered without a data object`);
  if (location.kvVersion === 1) return { data: { ...data }, metadata: undefined };
  const inner = data.data;
  const metadata = data.metadata as { version?: unknown; created_time?: unknown } | undefined;
  // A deleted or destroyed version has `data: null`; it is not a secret to render.
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
    throw new VaultResponseError(`vault ${path}: this version of the secret is deleted or destroyed`);
  return {
    data: { ...(inner as Record<string, unknown>) },
    metadata: {
      version: typeof metadata?.version === 'number' ? metadata.version : 0,
      created_time: typeof metadata?.created_time === 'string' ? metadata.created_time : '',
    },
  };
}
