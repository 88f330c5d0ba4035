// Times as Vault's JSON shows them: Go's time.Time marshals as RFC3339Nano, which drops trailing zeros of the
// fraction (and the dot when the fraction is zero).

/** Go's RFC3339Nano rendering (UTC) of a time given in milliseconds since the epoch. */
export function formatRfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-01-01T00:00:00.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

/** Whole Unix seconds, as Go's time.Unix() truncates. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
