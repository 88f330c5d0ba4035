// The lint rule that keeps the dev server and the agent apart (eslint.config.js): fed violating imports as if they
// sat in the real folders, it must fail them; the imports each side is allowed must pass.

import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the boundary rule for `code` placed at `file` (relative to the repository root). */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('dev-server boundary lint rule', () => {
  it.each([
    ['src/dev-server/pki/pki-issue.ts', "import { x509 } from '../../certs/x509.js';\nexport { x509 };\n"],
    [
      'src/dev-server/pki/pki-issue.ts',
      "import { formatSerial } from '../../certs/parse-certificate.js';\nexport { formatSerial };\n",
    ],
    [
      'src/dev-server/start-dev-server.ts',
      "import { DEFAULTS } from '../config/defaults.js';\nexport { DEFAULTS };\n",
    ],
    [
      'src/dev-server/http/a.ts',
      "import { createLogger } from '../../telemetry/logger.js';\nexport { createLogger };\n",
    ],
    ['src/dev-server/http/a.ts', "import { backoff } from '../../lib/backoff.js';\nexport { backoff };\n"],
    ['src/dev-server/a/b/c.ts', "import { x } from '../../../vault/vault-client.js';\nexport { x };\n"],
  ])('fails the dev server importing agent code: %s ← %s', async (file, code) => {
    const messages = await boundaryMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('The dev server is independent of the agent');
  });

  it.each([
    [
      'src/agent/create-agent.ts',
      "import { startDevServer } from '../dev-server/index.js';\nexport { startDevServer };\n",
    ],
    ['src/certs/x509.ts', "import { x509 } from '../dev-server/x509/x509.js';\nexport { x509 };\n"],
    [
      'src/lib/errors.ts',
      "import type { DevServer } from '../dev-server/index.js';\nexport type { DevServer };\n",
    ],
  ])('fails the agent importing the dev server: %s ← %s', async (file, code) => {
    const messages = await boundaryMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('The agent must not import the dev server.');
  });

  it('fails a static value import of the dev server in the CLI, and allows a type import', async () => {
    const value = await boundaryMessages(
      'src/cli/run-command.ts',
      "import { startDevServer } from '../dev-server/index.js';\nexport { startDevServer };\n",
    );
    expect(value).toHaveLength(1);
    expect(value[0]).toContain('import(');
    const typeOnly = await boundaryMessages(
      'src/cli/run-command.ts',
      "import type { DevServer } from '../dev-server/index.js';\nexport type { DevServer };\n",
    );
    expect(typeOnly).toEqual([]);
  });

  it('fails a static import of the dev server in src/main.ts, which every command runs first', async () => {
    const messages = await boundaryMessages(
      'src/main.ts',
      "import { startDevServer } from './dev-server/index.js';\nexport { startDevServer };\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('import(');
  });

  it.each([
    ['src/dev-server/pki/pki-issue.ts', "import { x509 } from '../x509/x509.js';\nexport { x509 };\n"],
    [
      'src/dev-server/auth/a.ts',
      "import { AgentError } from '../../lib/errors.js';\nexport { AgentError };\n",
    ],
    [
      'src/dev-server/a.ts',
      "import { parseVaultDurationMs } from '../lib/duration.js';\nexport { parseVaultDurationMs };\n",
    ],
    [
      'src/dev-server/token/a.ts',
      "import type { Clock } from '../../lib/clock.js';\nexport type { Clock };\n",
    ],
    ['src/cli/check-command.ts', "import { x } from './dev-server-command.js';\nexport { x };\n"],
  ])('allows %s ← %s', async (file, code) => {
    expect(await boundaryMessages(file, code)).toEqual([]);
  });
});
