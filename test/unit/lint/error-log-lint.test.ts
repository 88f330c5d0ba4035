// The lint rule that keeps errors, not their messages, in log fields (eslint.config.js, issue 8): a log call whose
// `error`/`err` field is the error's text must fail, so its stable code is not lost again; the error itself must
// pass, and the error's text where it is not a log field (a message string, an Error, a /status body) too.

import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });
const PASS_THE_ERROR = 'Log the error itself (`{ error }`), not its message';

/** The messages of the error-log rule for `body` placed in a function at `file` (relative to the repository root). */
async function errorLogMessages(body: string, file = 'src/agent/example.ts'): Promise<string[]> {
  const code = [
    "import type { Logger } from 'pino';",
    "import { errorMessage } from '../lib/errors.js';",
    'export function example(logger: Logger, e: Error, json: (status: number, body: object) => void): unknown {',
    `  ${body}`,
    '  return errorMessage;',
    '}',
    '',
  ].join('\n');
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('error-log lint rule', () => {
  it.each([
    "logger.warn({ error: errorMessage(e) }, 'x');",
    "logger.error({ certificate: 'web', error: errorMessage(e), attempt: 2 }, 'x');",
    "logger.child({ component: 'auth' }).info({ err: errorMessage(e) }, 'x');",
    "logger.fatal({ 'error': String(e) }, 'x');",
    "logger.debug({ error: e.message }, 'x');",
    'logger.trace({ err: e.message });',
  ])('fails %s', async (body) => {
    expect(await errorLogMessages(body)).toEqual([expect.stringContaining(PASS_THE_ERROR)]);
  });

  it('fails it in every folder of src/, the dev server included', async () => {
    for (const file of ['src/auth/token-sink.ts', 'src/certs/a/b.ts', 'src/dev-server/http/a.ts']) {
      expect(await errorLogMessages("logger.warn({ error: errorMessage(e) }, 'x');", file)).toHaveLength(1);
    }
  });

  it.each([
    "logger.warn({ error: e }, 'x');",
    "logger.error({ err: e, path: '/status' }, 'x');",
    'logger.error({ error: e }, `reload failed: ${errorMessage(e)}`);',
    "logger.warn({ problem: errorMessage(e) }, 'x');",
    'throw new Error(`cannot listen: ${errorMessage(e)}`);',
    'json(502, { error: errorMessage(e), retrying: true });',
    'const status = { last_error: errorMessage(e) }; json(200, status);',
  ])('passes %s', async (body) => {
    expect(await errorLogMessages(body)).toEqual([]);
  });
});
