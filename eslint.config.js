// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The boundary between the agent and the dev server (issue 8). The dev server may share only these generic
// utilities of src/lib/; the agent may not import the dev server at all; the CLI may name its types but must load
// its code with import() (only `dev-server` and `run --dev` do), so `check` and `run` never load it.
const SHARED_LIB = String.raw`lib/(errors|duration|clock|reflect-metadata-shim)\.js$`;
const DEV_SERVER = String.raw`(^|/)dev-server(/|$)`;

/**
 * A dev-server file `depth` folders below src/dev-server/ may leave that folder only for SHARED_LIB.
 * @param {number} depth
 */
const devServerBoundary = (depth) => ({
  files: [`src/dev-server/${'*/'.repeat(depth)}*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth + 1}}(?!${SHARED_LIB})`,
            message:
              'The dev server is independent of the agent: it may import only lib/errors, lib/duration, lib/clock and lib/reflect-metadata-shim from outside src/dev-server/ (give it its own helper instead).',
          },
        ],
      },
    ],
  },
});

/**
 * The agent's folders in build order (issue 8): a folder may import its own stage and earlier ones, never a later
 * one, so shared helpers live where everything can reach them and no folder reaches forward into another's job.
 * A folder missing from this list fails test/unit/lint/stage-lint.test.ts.
 */
export const STAGES = [
  ['lib'],
  ['config'],
  ['vault'],
  ['auth', 'certs', 'secrets'],
  ['templates'],
  ['output', 'exec'],
  ['telemetry'],
  ['agent'],
  ['cli'],
];

/**
 * One folder's import rule: never the dev server (the CLI may name its types and load it with import()), never a
 * later stage. One rule per folder because a later eslint config block replaces a rule's options, not merges them.
 * @param {string[]} stage
 * @param {number} index
 */
const agentFolderImports = (stage, index) => {
  const later = STAGES.slice(index + 1).flat();
  const isCli = stage.includes('cli');
  /** @type {Record<string, unknown>[]} */
  const patterns = [
    isCli
      ? {
          regex: DEV_SERVER,
          allowTypeImports: true,
          message:
            "Load the dev server with `await import('../dev-server/index.js')` where a command needs it, so other commands never load it.",
        }
      : { regex: DEV_SERVER, message: 'The agent must not import the dev server.' },
  ];
  if (later.length > 0)
    patterns.push({
      regex: String.raw`(^|/)\.\./(${later.join('|')})/`,
      message: `${stage.join('/')} is stage ${index} of ${STAGES.map((s) => s.join('/')).join(' ← ')}: it must not import a later stage (move the shared code to an earlier folder).`,
    });
  return {
    // The CLI's rule also covers the files directly in src/ (main.ts, which every command runs first).
    files: [...stage.map((folder) => `src/${folder}/**/*.ts`), ...(isCli ? ['src/*.ts'] : [])],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
};

/**
 * Log lines get the error itself, not its text (issue 8): the logger's serializer (src/telemetry/serialize-error.ts)
 * turns an error under `err` or `error` into type, stable `code`, message, status and cause, and a bare message
 * string loses all but the words. Flagged: `err`/`error` set to `errorMessage(…)`, `String(…)` or `….message` in an
 * object passed to a `.trace/.debug/.info/.warn/.error/.fatal(…)` call. Text for a message string, an Error, a
 * /status field or a usage line is not a log field and is not flagged.
 */
const LOG_CALL = String.raw`CallExpression[callee.type='MemberExpression'][callee.property.name=/^(trace|debug|info|warn|error|fatal)$/]`;
const ERROR_KEY = String.raw`Property:matches([key.name=/^(err|error)$/], [key.value=/^(err|error)$/])`;
const AS_TEXT = [
  String.raw`[value.type='CallExpression'][value.callee.name=/^(errorMessage|String)$/]`,
  String.raw`[value.type='MemberExpression'][value.property.name='message']`,
];
const ERROR_LOG_MESSAGE =
  'Log the error itself (`{ error }`), not its message: the logger serializes it with its stable `code`, status and cause. Put words for people in the message string.';
const errorLogRule = {
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      ...AS_TEXT.map((text) => ({
        selector: `${LOG_CALL} > ObjectExpression > ${ERROR_KEY}${text}`,
        message: ERROR_LOG_MESSAGE,
      })),
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.ci/node24/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  ...STAGES.map(agentFolderImports),
  devServerBoundary(0),
  devServerBoundary(1),
  devServerBoundary(2),
  errorLogRule,
  {
    // The CLI and tests may talk to the terminal directly; nothing else may.
    files: ['src/cli/**', 'test/**', 'bench/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
);
