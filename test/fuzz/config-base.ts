// The valid config every generated one starts from, and how a mutation is applied to it: walk to a place chosen
// by indexes, then set, delete or add a key (or item) there. The arbitraries that produce mutations are in
// config-arbitrary.ts.

import { stringify } from 'yaml';

/** The unmutated config every generated one starts from: valid, so `check` accepts it (the fuzz tests' control). */
export function baseConfigText(): string {
  return stringify(baseConfig());
}

export function baseConfig(): Record<string, unknown> {
  return {
    vault: { address: 'https://vault.example:8200', request_timeout: '30s', max_concurrent_requests: 8 },
    auto_auth: {
      method: {
        type: 'token_file',
        min_backoff: '1s',
        max_backoff: '5m',
        config: { token_file_path: '/run/token' },
      },
      sinks: [{ type: 'file', config: { path: '/run/certagent/token', mode: '0600' } }],
    },
    state_dir: '/var/lib/certagent',
    certificates: {
      web: {
        mount: 'pki',
        role: 'web',
        common_name: 'web.example.test',
        alt_names: ['a.example.test'],
        ttl: '24h',
        key_type: 'ec',
        key_bits: 256,
        renew_threshold: 0.67,
      },
    },
    templates: [
      {
        certificate: 'web',
        builtin: 'fullchain.pem',
        destination: '/etc/tls/web.crt',
        perms: '0644',
        exec: { check: ['true'], command: 'echo reload', timeout: '30s' },
      },
      { certificate: 'web', contents: '{{private_key}}', destination: '/etc/tls/web.key', perms: '0600' },
    ],
    listener: { address: '127.0.0.1:8210' },
    log: { level: 'info', format: 'json' },
  };
}

export type Mutation = { kind: 'set' | 'delete' | 'add'; at: number[]; key: string; value: unknown };

/** Applies a mutation at a place chosen by walking `at` (indexes into the keys or items met on the way). */
export function mutate(root: Record<string, unknown>, m: Mutation): void {
  let node: unknown = root;
  for (const step of m.at) {
    const children = childrenOf(node);
    if (children.length === 0) break;
    const next = children[step % children.length]!;
    if (childrenOf(next[1]).length === 0 && typeof next[1] !== 'object') break;
    node = next[1];
  }
  const children = childrenOf(node);
  if (node === null || typeof node !== 'object') return;
  if (m.kind === 'add' || children.length === 0) {
    if (Array.isArray(node)) node.push(m.value);
    else
      Object.defineProperty(node, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return;
  }
  const [name] = children[m.at.length % children.length]!;
  if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(Number(name), 1);
    else delete (node as Record<string, unknown>)[name];
  } else (node as Record<string, unknown>)[name] = m.value;
}

function childrenOf(node: unknown): [string, unknown][] {
  if (Array.isArray(node)) return node.map((item, index) => [String(index), item]);
  if (node !== null && typeof node === 'object') return Object.entries(node);
  return [];
}
