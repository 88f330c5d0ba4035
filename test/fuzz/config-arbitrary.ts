// Generated configurations for the fuzz tests: valid-ish YAML built from a real config and then mutated (random
// keys, values of every type, nesting, env expansions, durations, modes, Handlebars contents), plus text-level
// damage that breaks the YAML itself.

import fc from 'fast-check';
import { stringify } from 'yaml';

/** Keys the schema knows, so that mutations land where the loader looks. */
const KNOWN_KEYS = [
  'vault',
  'address',
  'ca_cert',
  'ca_path',
  'client_cert',
  'client_key',
  'tls_server_name',
  'tls_skip_verify',
  'namespace',
  'request_timeout',
  'max_concurrent_requests',
  'auto_auth',
  'method',
  'type',
  'mount_path',
  'min_backoff',
  'max_backoff',
  'exit_on_err',
  'config',
  'sinks',
  'path',
  'mode',
  'revoke_on_shutdown',
  'state_dir',
  'certificates',
  'web',
  'mount',
  'role',
  'common_name',
  'alt_names',
  'ip_sans',
  'uri_sans',
  'ttl',
  'max_ttl',
  'key_type',
  'key_bits',
  'renew_threshold',
  'renew_before',
  'reuse_key',
  'templates',
  'certificate',
  'builtin',
  'source',
  'contents',
  'destination',
  'perms',
  'user',
  'group',
  'backup',
  'exec',
  'check',
  'command',
  'timeout',
  'listener',
  'log',
  'level',
  'format',
  'pid_file',
  'exit_on_retry_failure',
  'token_file_path',
  'role_id_file_path',
  'secret_id_file_path',
  'remove_secret_id_file_after_reading',
  'token_path',
  'name',
];

/** Keys that have broken naive object handling elsewhere. */
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '<<',
  '',
  ' ',
  '0',
  '-1',
  'a.b',
  'ü',
  '#',
  'true',
  'null',
];

const DURATIONS = [
  '90s',
  '15m',
  '1h30m',
  '24h',
  '0',
  '0s',
  '-5s',
  '1.5h',
  '1e3',
  '10',
  '1d',
  '1h1h',
  'h',
  '5 m',
  '99999999999h',
  '1e400s',
  '0x10',
  'NaN',
  '.5s',
  '300ms',
  '1µs',
  '2562047h47m16.854775807s',
];
const MODES = [
  '0640',
  '0600',
  '640',
  '0999',
  '06400',
  '0o640',
  '-0640',
  '0777',
  '7777',
  '0',
  'rw-r-----',
  '0x1a4',
];
const ENV_REFS = [
  '${HOME}',
  '${SET}',
  '${UNSET}',
  '${EMPTY}',
  '${UNSET:-1h}',
  '${EMPTY:-x}',
  '${NUM}',
  '${DUR}',
  '${BOOL}',
  '$$',
  '${',
  '${}',
  '${1BAD}',
  '${UNSET:-}',
  '${A:-${B}}',
  '$HOME',
  '${SET}${SET}',
];
const HANDLEBARS = [
  '{{certificate}}',
  '{{private_key}}',
  '{{#each ca_chain}}{{this}}\n{{/each}}',
  '{{join ca_chain}}',
  '{{join ca_chain ","}}',
  '{{#if issuing_ca}}{{issuing_ca}}{{/if}}',
  '{{',
  '}}',
  '{{#each}}',
  '{{/each}}',
  '{{> partial}}',
  '{{!comment}}',
  '{{{certificate}}}',
  '{{missing_field}}',
  '{{#with this}}{{certificate}}{{/with}}',
  '{{lookup . "certificate"}}',
  '{{@root.certificate}}',
  '{{#unknown}}x{{/unknown}}',
  '\\{{escaped}}',
  '{{#if}}{{else}}{{/if}}',
  '{{../../up}}',
  '{{constructor.constructor}}',
  '{{__proto__}}',
  '{{certificate.length}}',
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...DURATIONS),
  fc.constantFrom(...MODES),
  fc.constantFrom(...ENV_REFS),
  fc.constantFrom(...HANDLEBARS),
  fc.constantFrom(
    'http://127.0.0.1:8200',
    'https://vault:8200',
    'ftp://x',
    'http://',
    'not a url',
    '127.0.0.1:8210',
    '[::1]:0',
    'host:99999',
    ':80',
  ),
  fc.constantFrom(
    'ec',
    'rsa',
    'ed25519',
    'sign',
    'issue',
    'token_file',
    'approle',
    'kubernetes',
    'jwt',
    'cert',
    'file',
    'json',
    'pretty',
    'debug',
    'cert.pem',
    'key.pem',
    'bundle.pem',
    '../../etc/passwd',
  ),
  fc.constantFrom(256, 384, 2048, 4096, 0, -1, 0.67, 1, 1.5, 1e300, 65536),
  fc
    .array(fc.constantFrom(...ENV_REFS, ...DURATIONS, ...HANDLEBARS), { maxLength: 4 })
    .map((parts) => parts.join('')),
);

const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
);

/** Any YAML value: scalars, lists and maps, nested a few levels. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 4 }) },
  ),
}));

/** A config the loader accepts, as a starting point for mutations. */
/** The unmutated config every generated one starts from: valid, so `check` accepts it (the fuzz tests' control). */
export function baseConfigText(): string {
  return stringify(baseConfig());
}

function baseConfig(): Record<string, unknown> {
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

type Mutation = { kind: 'set' | 'delete' | 'add'; at: number[]; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'add'),
  at: fc.array(fc.nat(), { maxLength: 4 }),
  key: key,
  value,
});

/** Applies a mutation at a place chosen by walking `at` (indexes into the keys or items met on the way). */
function mutate(root: Record<string, unknown>, m: Mutation): void {
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

/** YAML text of a mutated config; stringify may quote oddly, which is part of the point. */
const structured: fc.Arbitrary<string> = fc
  .tuple(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([mutations, flow, replaceRoot]) => {
    const root = baseConfig();
    for (const m of mutations) mutate(root, m);
    const doc = replaceRoot ? (mutations[0]!.value ?? root) : root;
    try {
      return stringify(doc, { collectionStyle: flow ? 'flow' : 'any', lineWidth: 0 });
    } catch {
      return stringify(root);
    }
  });

/** Values the loader should accept at each place, so a good share of the configs is valid and goes all the way. */
const gentle: fc.Arbitrary<string> = fc
  .record({
    timeout: fc.constantFrom('30s', '1m', '${DUR}', '${UNSET:-45s}', 10, '1h30m', '500ms'),
    concurrency: fc.integer({ min: 1, max: 256 }),
    ttl: fc.constantFrom('24h', '90s', '${DUR}', 3600, '1h1m1s'),
    keyType: fc.constantFrom(['ec', 256], ['ec', 384], ['rsa', 2048], ['ed25519', undefined]),
    threshold: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    contents: fc.array(fc.constantFrom(...HANDLEBARS, 'text ', '\n', '${SET}'), {
      minLength: 1,
      maxLength: 5,
    }),
    perms: fc.constantFrom('0640', '0600', '644', '0400'),
    command: fc.oneof(
      fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 }),
      fc.string({ minLength: 1, maxLength: 20 }),
    ),
    level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal'),
    names: fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/), { maxLength: 3 }),
  })
  .map((g) => {
    const root = baseConfig() as {
      vault: Record<string, unknown>;
      certificates: { web: Record<string, unknown> };
      templates: Record<string, unknown>[];
      log: Record<string, unknown>;
    };
    root.vault.request_timeout = g.timeout;
    root.vault.max_concurrent_requests = g.concurrency;
    Object.assign(root.certificates.web, {
      ttl: g.ttl,
      key_type: g.keyType[0],
      key_bits: g.keyType[1],
      renew_threshold: g.threshold,
      alt_names: g.names,
    });
    root.templates[1]!.contents = g.contents.join('');
    root.templates[1]!.perms = g.perms;
    root.templates[0]!.exec = { command: g.command };
    root.log.level = g.level;
    return stringify(root, { lineWidth: 0 });
  });

/** Damage to the text itself: inserted YAML syntax, deleted spans, tabs, anchors, tags, truncation. */
const damage = fc.record({
  at: fc.nat(),
  length: fc.nat({ max: 12 }),
  insert: fc.oneof(
    fc.constantFrom(
      ':',
      ': ',
      '- ',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '\t',
      '\n',
      '\n  ',
      '#',
      '&a ',
      '*a',
      '!!str ',
      '!!binary ',
      '!custom ',
      '---\n',
      '...\n',
      '? ',
      '|',
      '>',
      '%YAML 1.1\n',
      '<<: *a\n',
      '\u0000',
      '\uFEFF',
      '\r\n',
      '@',
      '`',
      'key: value\nkey: again\n',
    ),
    fc.string({ maxLength: 8 }),
  ),
});

const broken: fc.Arbitrary<string> = fc
  .tuple(structured, fc.array(damage, { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let out = text;
    for (const edit of edits) {
      const at = out.length === 0 ? 0 : edit.at % out.length;
      out = out.slice(0, at) + edit.insert + out.slice(at + edit.length);
    }
    return out;
  });

/** Anything at all, short. */
const noise: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom(
    '',
    '\n',
    '---',
    '- a\n- b',
    'null',
    '~',
    '[]',
    '42',
    '"x"',
    '&a [*a]',
    'a: &x 1\nb: *x',
    '{',
    'vault:\n\taddress: x',
  ),
);

/** One config text: mostly valid-ish, some broken, a little noise. */
export const configText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: gentle },
  { weight: 4, arbitrary: structured },
  { weight: 3, arbitrary: broken },
  { weight: 1, arbitrary: noise },
);

/** The environment the config is expanded with, including the VAULT_* variables the loader reads. */
export const configEnv: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      VAULT_ADDR: fc.constantFrom('https://vault:8200', 'http://127.0.0.1:8200', 'nope', ''),
      VAULT_TOKEN: fc.constantFrom('hvs.fuzzToken0001', ''),
      VAULT_SKIP_VERIFY: fc.constantFrom('true', '0', 'maybe', ''),
      VAULT_CACERT: fc.constantFrom('/etc/ca.pem', ''),
      VAULT_NAMESPACE: fc.constantFrom('team-a', ''),
      VAULT_CLIENT_CERT: fc.constantFrom('/c.pem', ''),
    },
    { requiredKeys: [] },
  )
  .map((vault) => ({
    HOME: '/home/agent',
    SET: 'value',
    EMPTY: '',
    NUM: '42',
    DUR: '90s',
    BOOL: 'true',
    ...vault,
  }));

/** One to three files, merged in order, as `-c A -c B` would. */
export const configFiles: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(configText) },
  { weight: 1, arbitrary: fc.array(configText, { minLength: 2, maxLength: 3 }) },
);

/** A problem line as the contract has it: `FILE:LINE:COL: path: message` (the path is absent at the root). */
/** A template that `check` rendered against a sample certificate and that failed (the config itself was accepted). */
export const RENDER_PROBLEM = /^\/[^\n]+: templates\[\d+\] \([^\n]+\): \S[^\n]*$/;

export const PROBLEM_LINE = /^(?<file>\/[^:\n]+):(?<line>\d+):(?<col>\d+): (?<rest>\S[^\n]*)$/;

/** The seed: CERTAGENT_FUZZ_SEED to reproduce a failure, otherwise a new one each run (printed). */
export function fuzzSeed(): number {
  const given = Number(process.env.CERTAGENT_FUZZ_SEED);
  return Number.isInteger(given) && process.env.CERTAGENT_FUZZ_SEED ? given : Date.now() % 2 ** 31;
}
