// The versioned secrets of one KV v2 mount: each path keeps its versions (up to max_versions), soft deletion,
// destruction and the metadata Vault reports. Pure bookkeeping; times come in as arguments.

import { formatRfc3339Nano } from '../token/time-format.js';

/** One version of a secret. `deletionTime` null = not deleted. */
export interface KvVersion {
  data: Record<string, unknown> | null;
  readonly createdTime: number;
  deletionTime: number | null;
  destroyed: boolean;
}

/** A secret path with its versions and metadata. */
export interface KvSecret {
  readonly versions: Map<number, KvVersion>;
  currentVersion: number;
  oldestVersion: number;
  readonly createdTime: number;
  updatedTime: number;
  maxVersions: number;
  casRequired: boolean;
  customMetadata: Record<string, string> | null;
  deleteVersionAfter: string;
}

/** The mount-wide settings of `config`. */
export interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: string;
}

/** Vault keeps 10 versions when neither the mount nor the secret says otherwise. */
export const DEFAULT_MAX_VERSIONS = 10;

/** Every secret of a KV v2 mount, by path. */
export class KvV2Store {
  readonly #secrets = new Map<string, KvSecret>();
  readonly config: KvConfig = { maxVersions: 0, casRequired: false, deleteVersionAfter: '0s' };

  get(path: string): KvSecret | undefined {
    return this.#secrets.get(path);
  }

  /** The secret at `path`, created empty (version 0) when absent. */
  getOrCreate(path: string, now: number): KvSecret {
    let secret = this.#secrets.get(path);
    if (secret === undefined) {
      secret = {
        versions: new Map(),
        currentVersion: 0,
        oldestVersion: 0,
        createdTime: now,
        updatedTime: now,
        maxVersions: 0,
        casRequired: false,
        customMetadata: null,
        deleteVersionAfter: '0s',
      };
      this.#secrets.set(path, secret);
    }
    return secret;
  }

  /** Adds a version and drops the oldest ones past max_versions; returns the new version number. */
  write(path: string, data: Record<string, unknown>, now: number): number {
    const secret = this.getOrCreate(path, now);
    const version = secret.currentVersion + 1;
    secret.versions.set(version, { data, createdTime: now, deletionTime: null, destroyed: false });
    secret.currentVersion = version;
    secret.updatedTime = now;
    const keep = secret.maxVersions || this.config.maxVersions || DEFAULT_MAX_VERSIONS;
    for (const old of [...secret.versions.keys()].sort((a, b) => a - b)) {
      if (secret.versions.size <= keep) break;
      secret.versions.delete(old);
      secret.oldestVersion = old + 1;
    }
    return version;
  }

  /** Forgets the path and all its versions (`DELETE metadata/<path>`). */
  remove(path: string): void {
    this.#secrets.delete(path);
  }

  /** The direct children of a folder, Vault-style: `name` for secrets, `name/` for folders; sorted. */
  list(prefix: string): string[] {
    const keys = new Set<string>();
    for (const path of this.#secrets.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...keys].filter((k) => k !== '').sort();
  }
}

/** Whether a version reads as gone: destroyed, or soft-deleted at or before `now`. */
export function isGone(version: KvVersion, now: number): boolean {
  return version.destroyed || (version.deletionTime !== null && version.deletionTime <= now);
}

/** The per-version metadata block of reads and writes. */
export function versionMetadata(secret: KvSecret, version: number): Record<string, unknown> {
  const v = secret.versions.get(version);
  return {
    created_time: v ? formatRfc3339Nano(v.createdTime) : '',
    custom_metadata: secret.customMetadata,
    deletion_time: v?.deletionTime != null ? formatRfc3339Nano(v.deletionTime) : '',
    destroyed: v?.destroyed ?? false,
    version,
  };
}

/** The `metadata/<path>` read data. */
export function secretMetadata(secret: KvSecret): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [n, v] of [...secret.versions].sort(([a], [b]) => a - b)) {
    versions[String(n)] = {
      created_time: formatRfc3339Nano(v.createdTime),
      deletion_time: v.deletionTime !== null ? formatRfc3339Nano(v.deletionTime) : '',
      destroyed: v.destroyed,
    };
  }
  return {
    cas_required: secret.casRequired,
    created_time: formatRfc3339Nano(secret.createdTime),
    current_version: secret.currentVersion,
    custom_metadata: secret.customMetadata,
    delete_version_after: secret.deleteVersionAfter,
    max_versions: secret.maxVersions,
    oldest_version: secret.oldestVersion,
    updated_time: formatRfc3339Nano(secret.updatedTime),
    versions,
  };
}
