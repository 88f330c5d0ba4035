import { requestFingerprint } from '../certs/request-fingerprint.js';
import type { RuntimeConfig } from '../config/runtime-config.js';

/**
 * What a reload must do to go from the running config to the new one, and nothing more: a part that did not
 * change is left alone, so a reload that changes nothing Vault needs to know about makes no Vault request.
 */
export interface ReloadPlan {
  /** `vault` or `auto_auth` changed: a new Vault client and token (a new login). */
  readonly auth: boolean;
  /** `listener.address` changed (or the listener was added or removed). */
  readonly listener: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Certificates whose settings changed: a new source, which adopts the stored bundle unless… */
  readonly replaced: readonly string[];
  /** …its request changed (names, TTL, key, mount, role, Vault): then it is obtained again. */
  readonly reissued: readonly string[];
  /** Every template is rendered again in any case; this says whether their list changed. */
  readonly templates: boolean;
  /** Settings read only at start, changed in the file: logged, applied at the next restart. */
  readonly restartNeeded: readonly string[];
}

/** Compares two configs part by part. */
export function planReload(current: RuntimeConfig, next: RuntimeConfig): ReloadPlan {
  const names = (config: RuntimeConfig) => [...config.certificates.keys()];
  const added = names(next).filter((name) => !current.certificates.has(name));
  const removed = names(current).filter((name) => !next.certificates.has(name));
  const replaced: string[] = [];
  const reissued: string[] = [];
  for (const [name, config] of next.certificates) {
    const before = current.certificates.get(name);
    if (!before) continue;
    if (!same(before, config) || current.stateDir !== next.stateDir) replaced.push(name);
    if (requestFingerprint(before, current.vault.address) !== requestFingerprint(config, next.vault.address))
      reissued.push(name);
  }
  const restartNeeded: string[] = [];
  if (current.pidFile !== next.pidFile) restartNeeded.push('pid_file');
  if (current.log.format !== next.log.format) restartNeeded.push('log.format');
  if (current.exitOnRetryFailure !== next.exitOnRetryFailure) restartNeeded.push('exit_on_retry_failure');
  // Child loggers copy their level when made, and --log-level overrides the file: a new level needs a restart.
  if (current.log.level !== next.log.level) restartNeeded.push('log.level');
  // KV secret sources are made once, with their refresh timers; a changed `secrets:` block is read at start.
  if (!same(current.secrets, next.secrets)) restartNeeded.push('secrets');
  return {
    auth: !same(current.vault, next.vault) || !same(current.autoAuth, next.autoAuth),
    listener: !same(current.listener, next.listener),
    added,
    removed,
    replaced: [...new Set([...replaced, ...reissued])],
    reissued,
    templates: !same(current.templates, next.templates),
    restartNeeded,
  };
}

/** `2 certificates added (a, b), 1 re-obtained (web), templates changed` for the log. */
export function describePlan(plan: ReloadPlan): string {
  const parts: string[] = [];
  const list = (what: string, items: readonly string[]) => {
    if (items.length > 0) parts.push(`${what}: ${items.join(', ')}`);
  };
  list('certificates added', plan.added);
  list('removed', plan.removed);
  list('re-obtained (request changed)', plan.reissued);
  list(
    'settings changed',
    plan.replaced.filter((name) => !plan.reissued.includes(name)),
  );
  if (plan.templates) parts.push('templates changed');
  if (plan.auth) parts.push('Vault/auth settings changed: logging in again');
  if (plan.listener) parts.push('listener address changed');
  return parts.length > 0 ? parts.join('; ') : 'nothing changed';
}

// The runtime config is plain data (maps, arrays, primitives) built in a fixed key order, so its JSON form is
// canonical enough to compare.
function same(a: unknown, b: unknown): boolean {
  const json = (value: unknown) =>
    JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Map ? [...inner] : inner));
  return json(a) === json(b);
}
