// The dev server's token store: every live token in memory, indexed by id, accessor and parent. Expiry is judged
// against the clock whenever a token is looked up, so a fake clock in tests moves tokens through their life
// without timers.

import type { AuthBlock, DevClock, TokenEntry, TokenStore } from '../types.js';
import { badRequest } from '../types.js';
import { baseEntry, newTokenId, newUuid } from './token-ids.js';
import type { CreatedToken, RoleLimits, TokenSpec } from './token-spec.js';
import { authBlockOf } from './token-views.js';
import { calculateTtl, effectiveTtls } from './ttl-math.js';
import type { MountTtlConfig } from './ttl-math.js';

export type { CreatedToken, RoleLimits, TokenSpec } from './token-spec.js';

/** What the store keeps beside each entry; not part of the shared TokenEntry contract. */
interface SideInfo {
  mountPath: string;
  /** False for the dev root token, which Vault creates without registering a lease. */
  hasLease: boolean;
  initialNumUses: number;
  onRenew?: () => RoleLimits;
}

/** The in-memory token store the dev server's core and its auth backends share. */
export class MemoryTokenStore implements TokenStore {
  readonly #clock: DevClock;
  readonly #system: MountTtlConfig;
  readonly #tokens = new Map<string, TokenEntry>();
  readonly #side = new Map<string, SideInfo>();
  readonly #byAccessor = new Map<string, string>();
  readonly #children = new Map<string, Set<string>>();
  readonly #entities = new Map<string, string>();

  constructor(clock: DevClock, system: { defaultLeaseTtl: number; maxLeaseTtl: number }) {
    this.#clock = clock;
    this.#system = { ...system };
  }

  /** The live token with this id; an expired token (or one whose parent expired) is revoked and not returned. */
  lookup(id: string): TokenEntry | undefined {
    const entry = this.#tokens.get(id);
    if (entry === undefined) return undefined;
    const now = this.#clock.now();
    for (let e: TokenEntry | undefined = entry; e !== undefined; e = this.#parentOf(e)) {
      if (e.expireTime !== null && now >= e.expireTime) {
        this.revoke(e.id);
        return undefined;
      }
    }
    return entry;
  }

  /** The live token with this accessor. */
  lookupByAccessor(accessor: string): TokenEntry | undefined {
    const id = this.#byAccessor.get(accessor);
    return id === undefined ? undefined : this.lookup(id);
  }

  /** Accessors of every live token, sorted (`auth/token/accessors` LIST). */
  accessors(): string[] {
    return [...this.#tokens.keys()]
      .filter((id) => this.lookup(id) !== undefined)
      .map((id) => this.#tokens.get(id)?.accessor ?? '')
      .sort();
  }

  /** Spends one use; at the last use the token is revoked and shows -1 (Vault's "revocation pending") to its caller. */
  consumeUse(entry: TokenEntry): void {
    if (entry.numUses <= 0) return;
    entry.numUses -= 1;
    if (entry.numUses === 0) {
      entry.numUses = -1;
      this.revoke(entry.id);
    }
  }

  /** Creates (or replaces) the non-expiring, lease-less root token, as `vault server -dev` does. */
  createRoot(id: string): TokenEntry {
    if (this.#tokens.has(id)) this.#remove(id);
    const now = this.#clock.now();
    const entry: TokenEntry = {
      ...baseEntry(id, now),
      policies: ['root'],
      path: 'auth/token/root',
      meta: null,
      displayName: 'root',
      numUses: 0,
      orphan: true,
      parent: undefined,
      type: 'service',
      entityId: '',
    };
    this.#insert(entry, { mountPath: 'auth/token/', hasLease: false, initialNumUses: 0 });
    return entry;
  }

  /** Mints a token: TTL per CalculateTTL against the mount (warnings returned), ids, indexes. */
  create(spec: TokenSpec): CreatedToken {
    const id = spec.id ?? newTokenId(spec.type);
    if (this.#tokens.has(id)) throw badRequest('cannot create a token with a duplicate ID');
    const now = this.#clock.now();
    let ttl = spec.ttl;
    let warnings: string[] = [];
    if (spec.period > 0 || ttl > 0 || !spec.allowNonExpiring) {
      const grant = calculateTtl({
        nowMs: now,
        startMs: now,
        increment: 0,
        backendTtl: ttl,
        period: spec.period,
        backendMaxTtl: spec.backendMaxTtl ?? 0,
        explicitMaxTtl: spec.explicitMaxTtl,
        mount: effectiveTtls(spec.mount, this.#system),
      });
      ttl = grant.ttl;
      warnings = grant.warnings;
    }
    if (ttl === 0 && spec.explicitMaxTtl > 0) ttl = spec.explicitMaxTtl;
    const entry: TokenEntry = {
      ...baseEntry(id, now),
      policies: spec.policies,
      path: spec.path,
      meta: spec.meta,
      displayName: spec.displayName,
      numUses: spec.numUses,
      orphan: spec.parent === undefined,
      parent: spec.parent,
      type: spec.type,
      creationTtl: ttl,
      ttl,
      explicitMaxTtl: spec.explicitMaxTtl,
      period: spec.period,
      renewable: ttl > 0 && spec.type === 'service' && spec.renewable,
      expireTime: ttl > 0 ? now + ttl * 1000 : null,
      entityId: spec.entityId,
      ...(spec.roleLimits ? { roleLimits: { ...spec.roleLimits } } : {}),
    };
    const side: SideInfo = { mountPath: spec.mountPath, hasLease: true, initialNumUses: spec.numUses };
    if (spec.onRenew) side.onRenew = spec.onRenew;
    this.#insert(entry, side);
    return { entry, auth: this.authBlock(entry), warnings };
  }

  /**
   * Vault's RenewToken: the new TTL is the increment, else the role's TTL (re-read) or the token's last TTL, else
   * the mount default, from now, capped at issue time + the max. Throws Vault's errors for batch, lease-less and
   * non-renewable tokens. `mount` is the current tuning of the mount the token came from.
   */
  renew(entry: TokenEntry, increment: number, mount?: MountTtlConfig): CreatedToken {
    const side = this.#side.get(entry.id);
    if (entry.type === 'batch') throw badRequest('batch tokens cannot be renewed');
    if (side === undefined || !side.hasLease) throw badRequest('invalid lease ID');
    if (entry.expireTime === null || !entry.renewable) throw badRequest('lease is not renewable');
    const limits = side.onRenew ? side.onRenew() : entry.roleLimits;
    if (limits && side.onRenew) entry.roleLimits = { ...limits };
    const now = this.#clock.now();
    const grant = calculateTtl({
      nowMs: now,
      startMs: entry.issueTime,
      increment,
      backendTtl: limits ? limits.ttl : entry.ttl,
      period: limits ? limits.period : entry.period,
      backendMaxTtl: limits ? limits.maxTtl : 0,
      explicitMaxTtl: entry.explicitMaxTtl,
      mount: effectiveTtls(mount, this.#system),
    });
    entry.ttl = grant.ttl;
    entry.expireTime = now + grant.ttl * 1000;
    entry.lastRenewalTime = now;
    return { entry, auth: this.authBlock(entry), warnings: grant.warnings };
  }

  /** Revokes the token and, recursively, every token created as its child. Unknown ids are ignored. */
  revoke(id: string): void {
    for (const child of [...(this.#children.get(id) ?? [])]) this.revoke(child);
    this.#remove(id);
  }

  /** Revokes only this token; its children become orphans (`auth/token/revoke-orphan`). */
  revokeOrphan(id: string): void {
    for (const child of this.#children.get(id) ?? []) {
      const entry = this.#tokens.get(child);
      if (entry) {
        entry.parent = undefined;
        entry.orphan = true;
      }
    }
    this.#children.delete(id);
    this.#remove(id);
  }

  /** Whether Vault would hold a lease for this token (false only for the dev root token). */
  hasLease(entry: TokenEntry): boolean {
    return this.#side.get(entry.id)?.hasLease ?? false;
  }

  /** The mount path whose TTL limits govern this token's renewals (e.g. `auth/approle/`). */
  mountPathOf(entry: TokenEntry): string {
    return this.#side.get(entry.id)?.mountPath ?? 'auth/token/';
  }

  /** The `auth` block Vault returns for this token, with lease_duration = its current TTL. */
  authBlock(entry: TokenEntry): AuthBlock {
    return authBlockOf(entry, this.#side.get(entry.id)?.initialNumUses ?? entry.numUses);
  }

  /** The identity entity for an alias of an auth mount: created at first login, the same one afterwards. */
  entityFor(mountAccessor: string, aliasName: string): string {
    const key = `${mountAccessor}\u0000${aliasName}`;
    let entity = this.#entities.get(key);
    if (entity === undefined) {
      entity = newUuid();
      this.#entities.set(key, entity);
    }
    return entity;
  }

  #parentOf(entry: TokenEntry): TokenEntry | undefined {
    return entry.parent === undefined ? undefined : this.#tokens.get(entry.parent);
  }

  #insert(entry: TokenEntry, side: SideInfo): void {
    this.#tokens.set(entry.id, entry);
    this.#side.set(entry.id, side);
    this.#byAccessor.set(entry.accessor, entry.id);
    if (entry.parent !== undefined) {
      const siblings = this.#children.get(entry.parent) ?? new Set<string>();
      siblings.add(entry.id);
      this.#children.set(entry.parent, siblings);
    }
  }

  #remove(id: string): void {
    const entry = this.#tokens.get(id);
    if (entry === undefined) return;
    this.#tokens.delete(id);
    this.#side.delete(id);
    this.#byAccessor.delete(entry.accessor);
    this.#children.delete(id);
    if (entry.parent !== undefined) this.#children.get(entry.parent)?.delete(id);
  }
}
