// The ACL policies of the dev server, by name, in memory: `default` (Vault's text, rewritable) and `root` (allows
// everything, neither rewritable nor deletable) from the start, and whatever `sys/policy` / `sys/policies/acl`
// write. A token's policies are looked up on every request (their ACL built once per set of names and dropped on
// any change), so a rewrite applies at once, as in Vault.

import { Acl } from './acl.js';
import { DEFAULT_POLICY } from './default-policy.js';
import type { PathRule } from './policy-document.js';
import { parsePolicyDocument } from './policy-document.js';

interface StoredPolicy {
  readonly name: string;
  readonly text: string;
  readonly rules: readonly PathRule[];
}

/** Why a policy write or delete was refused; the message is Vault's. */
export class PolicyChangeError extends Error {
  readonly code = 'DEV_SERVER_POLICY_CHANGE';
}

export class PolicyStore {
  readonly #policies = new Map<string, StoredPolicy>();
  /** ACLs built for sets of policy names, until a policy changes: every request needs one, few sets exist. */
  readonly #acls = new Map<string, Acl>();

  constructor() {
    this.write('default', DEFAULT_POLICY);
  }

  /** Vault's policy names are trimmed and lower-cased. */
  static normalise(name: string): string {
    return name.trim().toLowerCase();
  }

  /** Sorted names, `root` included (Vault lists it). */
  names(): string[] {
    return [...this.#policies.keys(), 'root'].sort();
  }

  exists(name: string): boolean {
    const key = PolicyStore.normalise(name);
    return key === 'root' || this.#policies.has(key);
  }

  /** The policy's document as written (`root` has none); undefined when there is no such policy. */
  read(name: string): { name: string; text: string } | undefined {
    const key = PolicyStore.normalise(name);
    if (key === 'root') return { name: 'root', text: '' };
    const found = this.#policies.get(key);
    return found && { name: found.name, text: found.text };
  }

  /** Parses and stores a document; throws PolicyParseError or PolicyChangeError. */
  write(name: string, text: string): void {
    const key = PolicyStore.normalise(name);
    if (key === 'root') throw new PolicyChangeError('cannot update "root" policy');
    this.#policies.set(key, { name: key, text, rules: parsePolicyDocument(text) });
    this.#acls.clear();
  }

  delete(name: string): void {
    const key = PolicyStore.normalise(name);
    if (key === 'root' || key === 'default') throw new PolicyChangeError(`cannot delete "${key}" policy`);
    this.#policies.delete(key);
    this.#acls.clear();
  }

  /** The ACL of a token with these policies; undefined for `root` (everything allowed). Unknown names count as empty. */
  aclFor(names: readonly string[]): Acl | undefined {
    if (names.includes('root')) return undefined;
    const key = names.map(PolicyStore.normalise).join('\n');
    let acl = this.#acls.get(key);
    if (acl === undefined) {
      acl = new Acl(names.flatMap((name) => this.#policies.get(PolicyStore.normalise(name))?.rules ?? []));
      this.#acls.set(key, acl);
    }
    return acl;
  }
}
