/**
 * Values that must never be printed (tokens, secret_ids, JWTs), registered as the agent learns them. The logger
 * replaces any of them in every line it writes, whatever field or message smuggled them in.
 */
export class SecretRegistry {
  readonly #secrets = new Set<string>();

  /** Remembers a secret; very short values are ignored (they would redact ordinary words). */
  register(value: string | undefined): void {
    if (value !== undefined && value.length >= 8) this.#secrets.add(value);
  }

  /** Forgets a secret that is no longer in use (an old token), so the set does not grow without bound. */
  forget(value: string | undefined): void {
    if (value !== undefined) this.#secrets.delete(value);
  }

  /** The text with every registered secret replaced. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  }
}
