/**
 * A time (ms since the epoch) as logs and /status write it: ISO 8601 in UTC. No time, or one that never comes
 * (Infinity: waiting for an event), is null.
 */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null | undefined): string | null;
export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}
