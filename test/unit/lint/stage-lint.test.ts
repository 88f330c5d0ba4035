// The lint rule that keeps the agent's folders in build order (eslint.config.js, STAGES): an import reaching into a
// later stage must fail, imports of the same or an earlier stage must pass, and every folder of src/ must be placed.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });
// Read through a variable so TypeScript does not look for declarations of the untyped config module.
const CONFIG = '../../../eslint.config.js';
const { STAGES } = (await import(CONFIG)) as { STAGES: string[][] };

/** The restricted-import messages for `code` placed at `file` (relative to the repository root). */
async function importMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

const importing = (specifier: string): string => `import { x } from '${specifier}';\nexport { x };\n`;
const importingType = (specifier: string): string =>
  `import type { X } from '${specifier}';\nexport type { X };\n`;

describe('stage-order lint rule', () => {
  it('places every folder of src/ (except the dev server) in exactly one stage', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'dev-server')
      .map((entry) => entry.name)
      .sort();
    expect(STAGES.flat().sort()).toEqual(folders);
  });

  it.each([
    // The arrows issue 8 found running the wrong way, as they were written.
    ['src/certs/state-store.ts', importing('../output/write-file-atomic.js')],
    ['src/auth/token-sink.ts', importing('../output/write-file-atomic.js')],
    ['src/agent/create-agent.ts', importing('../cli/version.js')],
    ['src/config/output-checks.ts', importing('../templates/secret-references.js')],
    ['src/auth/token-lifecycle-options.ts', importingType('../telemetry/secret-registry.js')],
    // Deeper files, type-only imports and the first and last stages.
    ['src/auth/methods/auth-method.ts', importing('../../agent/create-agent.js')],
    ['src/lib/errors.ts', importingType('../config/runtime-config.js')],
    ['src/vault/vault-client.ts', importing('../certs/x509.js')],
    ['src/output/render-pass.ts', importing('../telemetry/health.js')],
    ['src/telemetry/health.ts', importing('../agent/create-agent.js')],
  ])('fails %s importing a later stage', async (file, code) => {
    const messages = await importMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('must not import a later stage');
  });

  it.each([
    ['src/certs/state-store.ts', importing('../lib/write-file-atomic.js')],
    ['src/certs/state-store.ts', importing('../auth/token-sink.js')],
    ['src/auth/methods/auth-method.ts', importing('../../vault/vault-client.js')],
    ['src/auth/methods/auth-method.ts', importing('../token-sink.js')],
    ['src/output/render-pass.ts', importing('../exec/run-command.js')],
    ['src/telemetry/health.ts', importingType('../output/render-pass.js')],
    ['src/cli/run-command.ts', importing('../agent/create-agent.js')],
    ['src/lib/errors.ts', importing('./duration.js')],
  ])('allows %s importing its own or an earlier stage', async (file, code) => {
    expect(await importMessages(file, code)).toEqual([]);
  });
});
