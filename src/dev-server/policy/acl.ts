// What a set of policies allows, decided as Vault's ACL does: the rules of every policy merged per path pattern,
// the single best-matching pattern chosen by Vault's priority rules, and its capabilities checked against the
// operation (https://developer.hashicorp.com/vault/docs/concepts/policies#priority-matching).

import type { Operation } from '../types.js';
import type { Capability, PathRule } from './policy-document.js';

interface CompiledRule {
  readonly pattern: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** Path segments before a trailing `*` (the last one is a string prefix then). */
  readonly segments: readonly string[];
  readonly glob: boolean;
}

/** The capability each operation needs. Vault's create/update split is not modelled: a write needs `update`. */
const NEEDED: Record<Operation, Capability> = {
  read: 'read',
  list: 'list',
  update: 'update',
  delete: 'delete',
  patch: 'patch',
};

export class Acl {
  readonly #rules: CompiledRule[];

  /** Merges the rules of several policies: the same pattern's capabilities are united, and deny wins. */
  constructor(rules: Iterable<PathRule>) {
    const merged = new Map<string, Set<Capability>>();
    for (const rule of rules) {
      const into = merged.get(rule.path) ?? new Set<Capability>();
      rule.capabilities.forEach((c) => into.add(c));
      merged.set(rule.path, into);
    }
    this.#rules = [...merged].map(([pattern, capabilities]) => {
      const glob = pattern.endsWith('*');
      const prefix = glob ? pattern.slice(0, -1) : pattern;
      const granted = capabilities.has('deny') ? new Set<Capability>(['deny']) : capabilities;
      return { pattern, capabilities: granted, segments: prefix.split('/'), glob };
    });
  }

  /** The capabilities granted on `path` (empty when no rule matches); `deny` alone when denied. */
  capabilities(path: string): ReadonlySet<Capability> {
    let best: CompiledRule | undefined;
    for (const rule of this.#rules) {
      if (matches(rule, path) && (best === undefined || higherPriority(rule.pattern, best.pattern)))
        best = rule;
    }
    return best?.capabilities ?? new Set();
  }

  /**
   * The capabilities that decide `operation` on `path`. A LIST is made on the path with a trailing slash (Vault's
   * HTTP layer adds one); like Vault, an exact rule for the path without it (`path "auth/token/accessors"`) is
   * tried first.
   */
  capabilitiesFor(path: string, operation: Operation): ReadonlySet<Capability> {
    if (operation !== 'list') return this.capabilities(path);
    const bare = path.replace(/\/+$/, '');
    const exact = this.#rules.find(
      (rule) => rule.pattern === bare && !rule.glob && !rule.segments.includes('+'),
    );
    return exact?.capabilities ?? this.capabilities(`${bare}/`);
  }

  /** Whether `operation` on `path` is allowed (and, with `sudo`, the sudo capability too). */
  allows(path: string, operation: Operation, sudo = false): boolean {
    const granted = this.capabilitiesFor(path, operation);
    if (granted.has('deny')) return false;
    return granted.has(NEEDED[operation]) && (!sudo || granted.has('sudo'));
  }
}

function matches(rule: CompiledRule, path: string): boolean {
  const parts = path.split('/');
  const { segments } = rule;
  if (rule.glob ? parts.length < segments.length : parts.length !== segments.length) return false;
  for (let i = 0; i < segments.length; i++) {
    const want = segments[i]!;
    const got = parts[i]!;
    const last = i === segments.length - 1;
    if (want === '+' && !(rule.glob && last)) continue;
    if (rule.glob && last) {
      // The `*` covers the rest of this segment and every segment after it.
      if (want === '+' ? false : !got.startsWith(want)) return false;
    } else if (want !== got) return false;
  }
  return true;
}

/** Vault's priority rules, in order: is `a` a better match than `b`? */
export function higherPriority(a: string, b: string): boolean {
  const firstWildcard = (p: string): number => {
    const found = p.search(/[+*]/);
    return found === -1 ? Number.POSITIVE_INFINITY : found;
  };
  if (firstWildcard(a) !== firstWildcard(b)) return firstWildcard(a) > firstWildcard(b);
  if (a.endsWith('*') !== b.endsWith('*')) return !a.endsWith('*');
  const plusCount = (p: string): number => p.split('/').filter((s) => s === '+').length;
  if (plusCount(a) !== plusCount(b)) return plusCount(a) < plusCount(b);
  if (a.length !== b.length) return a.length > b.length;
  return a > b;
}
