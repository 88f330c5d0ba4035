// `sys/mounts` and `sys/auth`: list, read, enable and disable mounts, and read or tune their lease TTLs, with the
// shapes and error texts of Vault's system backend. Both tables share the code; `class` tells them apart.

import { DurationParseError, parseVaultDurationMs } from '../../lib/duration.js';
import type { MountClass } from '../core/mount-table.js';
import { withSlash } from '../core/mount-table.js';
import type { DevResponse, MountEntry } from '../types.js';
import { VaultApiError, badRequest } from '../types.js';
import type { SysContext } from './sys-context.js';
import { VAULT_VERSION } from './sys-context.js';

type Data = Record<string, unknown>;

const logical = (data: Data | null): DevResponse => ({ kind: 'logical', data });

/** GET `sys/mounts` or `sys/auth`: every mount of the table keyed by its (table-relative) path. */
export function listMounts(context: SysContext, mountClass: MountClass): DevResponse {
  const data: Data = {};
  for (const entry of context.mounts.entries(mountClass)) data[relativePath(entry)] = mountInfo(entry);
  if (mountClass === 'secret') data['sys/'] = SYSTEM_MOUNT;
  return logical(data);
}

/** GET `sys/mounts/<path>` or `sys/auth/<path>`: one mount's entry. */
export function readMount(context: SysContext, mountClass: MountClass, path: string): DevResponse {
  return logical(mountInfo(existing(context, mountClass, path)));
}

/**
 * GET `sys/internal/ui/mounts/<path>`: the mount a request path falls under (the Vault CLI's `kv` commands ask it
 * whether a mount is KV v1 or v2). Vault answers a path under no mount with its preflight 403.
 */
export function mountOfPath(context: SysContext, path: string): DevResponse {
  const route = context.mounts.route(path);
  if (route === undefined) {
    throw new VaultApiError(403, [
      `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(path)}`,
    ]);
  }
  return logical({ ...mountInfo(route.entry), path: route.entry.path });
}

/** POST `sys/mounts/<path>` or `sys/auth/<path>`: enable (204). */
export function enableMount(
  context: SysContext,
  mountClass: MountClass,
  path: string,
  data: Data,
): DevResponse {
  let type = stringOf(data.type);
  if (type === '') throw badRequest('backend type must be specified as a string');
  const options = stringMap(data.options);
  // `kv-v1` / `kv-v2` are spellings of `kv` with a version option.
  const kv = /^kv-v([12])$/.exec(type);
  if (kv) {
    type = 'kv';
    options.version = kv[1]!;
  }
  const config = mountConfig(context, stringMapLoose(data.config));
  context.mounts.enable({
    class: mountClass,
    path,
    type,
    description: stringOf(data.description),
    options,
    config,
  });
  return { kind: 'empty' };
}

/** DELETE `sys/mounts/<path>` or `sys/auth/<path>`: disable (204, also when nothing was mounted there). */
export function disableMount(context: SysContext, mountClass: MountClass, path: string): DevResponse {
  context.mounts.disable(mountClass, path);
  return { kind: 'empty' };
}

/** GET `…/<path>/tune`: the effective lease TTLs in seconds (the system's where the mount has none). */
export function readTune(context: SysContext, mountClass: MountClass, path: string): DevResponse {
  const entry = existing(context, mountClass, path);
  const data: Data = {
    description: entry.description,
    default_lease_ttl: entry.config.defaultLeaseTtl || context.system.defaultLeaseTtl,
    max_lease_ttl: entry.config.maxLeaseTtl || context.system.maxLeaseTtl,
    force_no_cache: false,
  };
  if (Object.keys(entry.options).length > 0) data.options = { ...entry.options };
  if (mountClass === 'auth') data.token_type = 'default-service';
  return logical(data);
}

/** POST `…/<path>/tune`: new lease TTLs (`system` or 0 resets one) and description (204). */
export function writeTune(
  context: SysContext,
  mountClass: MountClass,
  path: string,
  data: Data,
): DevResponse {
  const entry = existing(context, mountClass, path);
  const defaultLeaseTtl = tunedTtl(data.default_lease_ttl, entry.config.defaultLeaseTtl, 'default');
  const maxLeaseTtl = tunedTtl(data.max_lease_ttl, entry.config.maxLeaseTtl, 'max');
  if (defaultLeaseTtl !== 0 && maxLeaseTtl !== 0 && defaultLeaseTtl > maxLeaseTtl) {
    throw badRequest(
      `backend max lease TTL of ${maxLeaseTtl} would be less than backend default lease TTL of ${defaultLeaseTtl}`,
    );
  }
  entry.config = { defaultLeaseTtl, maxLeaseTtl };
  if (typeof data.description === 'string') entry.description = data.description;
  return { kind: 'empty' };
}

/** The listing entry Vault shows for a mount. */
export function mountInfo(entry: MountEntry): Data {
  const auth = entry.path.startsWith('auth/');
  return {
    accessor: entry.accessor,
    config: {
      default_lease_ttl: entry.config.defaultLeaseTtl,
      force_no_cache: false,
      max_lease_ttl: entry.config.maxLeaseTtl,
      ...(auth ? { token_type: 'default-service' } : {}),
    },
    deprecation_status: 'supported',
    description: entry.description,
    external_entropy_access: false,
    local: false,
    options: Object.keys(entry.options).length > 0 ? { ...entry.options } : null,
    plugin_version: '',
    running_plugin_version: `v${VAULT_VERSION}+builtin.vault`,
    running_sha256: '',
    seal_wrap: false,
    type: entry.type,
    uuid: entry.uuid,
  };
}

const SYSTEM_MOUNT: Data = {
  accessor: 'system_00000000',
  config: {
    default_lease_ttl: 0,
    force_no_cache: false,
    max_lease_ttl: 0,
    passthrough_request_headers: ['Accept'],
  },
  description: 'system endpoints used for control, policy and debugging',
  external_entropy_access: false,
  local: false,
  options: null,
  plugin_version: '',
  running_plugin_version: `v${VAULT_VERSION}+builtin.vault`,
  running_sha256: '',
  seal_wrap: true,
  type: 'system',
  uuid: '00000000-0000-0000-0000-000000000000',
};

function existing(context: SysContext, mountClass: MountClass, path: string): MountEntry {
  const relative = withSlash(path);
  const entry = context.mounts.find(mountClass === 'auth' ? `auth/${relative}` : relative);
  if (entry === undefined) {
    throw badRequest(
      mountClass === 'auth' ? `No auth engine at auth/${relative}` : `No secret engine mount at ${relative}`,
    );
  }
  return entry;
}

function relativePath(entry: MountEntry): string {
  return entry.path.startsWith('auth/') ? entry.path.slice('auth/'.length) : entry.path;
}

// Vault's handleMount: TTLs are strings parsed as durations, `system` meaning 0; the default may not pass the max.
function mountConfig(context: SysContext, config: Data): { defaultLeaseTtl: number; maxLeaseTtl: number } {
  const defaultLeaseTtl = configTtl(config.default_lease_ttl, 'default');
  const maxLeaseTtl = configTtl(config.max_lease_ttl, 'max');
  if (maxLeaseTtl !== 0 && defaultLeaseTtl > maxLeaseTtl) {
    throw badRequest('given default lease TTL greater than given max lease TTL');
  }
  if (maxLeaseTtl === 0 && defaultLeaseTtl > context.system.maxLeaseTtl) {
    throw badRequest(
      `given default lease TTL greater than system max lease TTL of ${context.system.maxLeaseTtl}`,
    );
  }
  return { defaultLeaseTtl, maxLeaseTtl };
}

function configTtl(value: unknown, which: 'default' | 'max'): number {
  if (value === undefined || value === null || value === '' || value === 'system') return 0;
  return seconds(value, `unable to parse ${which} TTL of ${String(value)}`);
}

function tunedTtl(value: unknown, current: number, which: 'default' | 'max'): number {
  if (value === undefined || value === null || value === '') return current;
  if (value === 'system') return 0;
  return seconds(value, `unable to parse ${which} TTL of ${String(value)}`);
}

function seconds(value: unknown, prefix: string): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw badRequest(prefix);
  try {
    const ms = parseVaultDurationMs(value);
    if (ms < 0) throw badRequest(`${prefix}: cannot provide negative value`);
    return Math.floor(ms / 1000);
  } catch (error) {
    if (error instanceof DurationParseError) throw badRequest(`${prefix}: ${error.message}`);
    throw error;
  }
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(stringMapLoose(value))) out[k] = String(v);
  return out;
}

function stringMapLoose(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}
