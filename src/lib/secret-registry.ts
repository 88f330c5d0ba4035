/** How long a superseded secret is still scrubbed at least: late errors may quote a revoked or replaced token. */
export const RETIRED_GRACE_MS = 10 * 60_000;
/** At most this many superseded secrets are kept (the oldest go first), so re-logins cannot grow the registry. */
export const MAX_RETIRED = 8;

/** Where a secret is in use: a named slot holds one value at a time (the current token, the current secret_id). */
export interface SecretUse {
  readonly slot: string;
  /** When the value stops being usable (ms since the epoch; null: never). It is scrubbed at least until then. */
  readonly expiresAt?: number | null | undefined;
}

interface Retired {
  readonly value: string;
  readonly dropAt: number;
}

/**
 * Values that must never be printed (tokens, secret_ids, JWTs), registered as the agent learns them. The logger
 * replaces any of them in every line it writes, whatever field or message smuggled them in.
 *
 * Values registered without a slot (VAULT_TOKEN, the dev server's root token) stay until forgotten. A value in a
 * slot is superseded when the slot gets a new value: it is still scrubbed for a grace period, or until it
 * expires if that is later, and only the newest few superseded values are kept, so the registry stays small
 * however often the agent logs in again.
 */
export class SecretRegistry {
  readonly #now: () => number;
  readonly #graceMs: number;
  readonly #maxRetired: number;
  readonly #permanent = new Set<string>();
  readonly #slots = new Map<string, { value: string; expiresAt: number | null | undefined }>();
  #retired: Retired[] = [];
  /** The values to scrub, longest first (a secret that contains another is replaced whole); rebuilt on change. */
  #sorted: string[] | undefined;

  constructor(options: { now?: () => number; graceMs?: number; maxRetired?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#graceMs = options.graceMs ?? RETIRED_GRACE_MS;
    this.#maxRetired = options.maxRetired ?? MAX_RETIRED;
  }

  /**
   * Remembers a secret (in `use.slot`, superseding the slot's previous value); very short values are ignored
   * (they would redact ordinary words).
   */
  register(value: string | undefined, use?: SecretUse): void {
    if (value === undefined || value.length < 8) return;
    if (!use) {
      if (!this.#permanent.has(value)) this.#sorted = undefined;
      this.#permanent.add(value);
      return;
    }
    const previous = this.#slots.get(use.slot);
    this.#slots.set(use.slot, { value, expiresAt: use.expiresAt });
    // The same value again (a token renewed, a secret read unchanged): only its expiry moved, and the list the
    // logger scrubs with stays sorted, so a refresh costs nothing on the next log line.
    if (previous?.value === value) return;
    this.#sorted = undefined;
    this.#retired = this.#retired.filter((entry) => entry.value !== value);
    if (previous && previous.value !== value) {
      const expiry = previous.expiresAt === null ? Number.POSITIVE_INFINITY : (previous.expiresAt ?? 0);
      this.#retired.push({ value: previous.value, dropAt: Math.max(this.#now() + this.#graceMs, expiry) });
    }
    this.#prune();
  }

  /** Forgets a secret that is no longer in use anywhere. */
  forget(value: string | undefined): void {
    if (value === undefined) return;
    this.#sorted = undefined;
    this.#permanent.delete(value);
    for (const [slot, entry] of this.#slots) if (entry.value === value) this.#slots.delete(slot);
    this.#retired = this.#retired.filter((entry) => entry.value !== value);
  }

  /** How many values are scrubbed now. */
  get size(): number {
    this.#prune();
    return this.#list().length;
  }

  /** The text with every registered secret replaced. */
  scrub(text: string): string {
    this.#prune();
    let out = text;
    for (const secret of this.#list()) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  }

  #list(): string[] {
    if (this.#sorted) return this.#sorted;
    const values = new Set(this.#permanent);
    for (const entry of this.#slots.values()) values.add(entry.value);
    for (const entry of this.#retired) values.add(entry.value);
    return (this.#sorted = [...values].sort((a, b) => b.length - a.length));
  }

  #prune(): void {
    if (this.#retired.length === 0) return;
    const now = this.#now();
    const kept = this.#retired.filter((entry) => entry.dropAt > now).slice(-this.#maxRetired);
    if (kept.length !== this.#retired.length) this.#sorted = undefined;
    this.#retired = kept;
  }
}
