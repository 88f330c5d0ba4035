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
  {
    files: ['src/**/*.ts'],
    ignores: ['src/dev-server/**', 'src/cli/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: DEV_SERVER, message: 'The agent must not import the dev server.' }] },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: DEV_SERVER,
              allowTypeImports: true,
              message:
                "Load the dev server with `await import('../dev-server/index.js')` where a command needs it, so other commands never load it.",
            },
          ],
        },
      ],
    },
  },
  devServerBoundary(0),
  devServerBoundary(1),
  devServerBoundary(2),
  {
    // The CLI and tests may talk to the terminal directly; nothing else may.
    files: ['src/cli/**', 'test/**', 'bench/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
);
