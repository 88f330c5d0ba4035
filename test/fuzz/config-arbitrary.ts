// Generated configurations for the fuzz tests: valid-ish YAML built from a real config and then mutated (random
// keys, values of every type, nesting, env expansions, durations, modes, Handlebars contents), plus text-level
// damage that breaks the YAML itself. The tables of keys and values are in config-tables.ts; the base config and
// how a mutation is applied, in config-base.ts.

import fc from 'fast-check';
import { stringify } from 'yaml';
import { type Mutation, baseConfig, mutate } from './config-base.js';
import {
  ADDRESSES,
  DURATIONS,
  ENV_REFS,
  HANDLEBARS,
  HOSTILE_KEYS,
  KNOWN_KEYS,
  MODES,
  NUMBERS,
  WORDS,
} from './config-tables.js';

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
  fc.constantFrom(...ADDRESSES),
  fc.constantFrom(...WORDS),
  fc.constantFrom(...NUMBERS),
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

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'add'),
  at: fc.array(fc.nat(), { maxLength: 4 }),
  key: key,
  value,
});

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

/** A template that `check` rendered against a sample certificate and that failed (the config itself was accepted). */
export const RENDER_PROBLEM = /^\/[^\n]+: templates\[\d+\] \([^\n]+\): \S[^\n]*$/;

/** A problem line as the contract has it: `FILE:LINE:COL: path: message` (the path is absent at the root). */
export const PROBLEM_LINE = /^(?<file>\/[^:\n]+):(?<line>\d+):(?<col>\d+): (?<rest>\S[^\n]*)$/;

/** The seed: CERTAGENT_FUZZ_SEED to reproduce a failure, otherwise a new one each run (printed). */
export function fuzzSeed(): number {
  const given = Number(process.env.CERTAGENT_FUZZ_SEED);
  return Number.isInteger(given) && process.env.CERTAGENT_FUZZ_SEED ? given : Date.now() % 2 ** 31;
}
