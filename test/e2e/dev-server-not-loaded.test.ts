// The built CLI loads the dev server only for the commands that start one: `certagent check` and `certagent run`
// (no --dev) never load a module of src/dev-server/. A loader hook (fixtures/record-modules.mjs) lists every
// module the process loads; `run --dev` is the control that shows the probe sees dev-server modules when they are.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestDevServer } from '../helpers/dev-server.js';
import { ROOT, ensureBuilt, killAll, runCliToEnd } from '../helpers/cli-process.js';
import type { DevServer } from '../../src/dev-server/index.js';

const RECORDER = join(ROOT, 'test/e2e/fixtures/record-modules.mjs');

let dir: string;
let vault: DevServer;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-modules-'));
  vault = await startTestDevServer();
}, 120_000);

afterEach(killAll);

afterAll(async () => {
  await vault?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a config for one certificate rendered to `dir/<name>/cert.pem`; `address` omitted for --dev. */
async function writeConfig(name: string, address?: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `${address === undefined ? '' : `vault:\n  address: ${address}\n`}state_dir: ${join(dir, name, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: 1h }
templates:
  - { certificate: web, builtin: cert.pem, destination: ${join(dir, name, 'cert.pem')} }
`,
  );
  return file;
}

/** Runs the CLI with the recorder and returns its exit code, stderr and the built modules it loaded. */
async function loadedModules(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const log = join(dir, `${name}.modules`);
  await writeFile(log, '');
  const result = await runCliToEnd(args, {
    env: { ...env, NODE_OPTIONS: `--import=${RECORDER}`, CERTAGENT_MODULE_LOG: log },
  });
  const urls = (await readFile(log, 'utf8')).split('\n').filter((url) => url.includes('/dist/'));
  const chunks = await devServerChunks();
  return {
    ...result,
    urls,
    devServer: urls.filter((url) => chunks.some((chunk) => url.endsWith(`/${chunk}`))),
  };
}

/**
 * The bin runs the esbuild bundle (dist/bundle/), so modules are chunks: esbuild's metafile says which chunks hold
 * code from src/dev-server/ (only the dynamic import reaches them, so they hold nothing else).
 */
async function devServerChunks(): Promise<string[]> {
  const meta = JSON.parse(await readFile(join(ROOT, 'dist/bundle/esbuild.meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const chunks = Object.entries(meta.outputs)
    .filter(([, output]) => Object.keys(output.inputs).some((input) => input.startsWith('src/dev-server/')))
    .map(([path]) => path);
  expect(chunks.length).toBeGreaterThan(0);
  return chunks;
}

describe('the dev server is loaded only when a command starts one', () => {
  it('certagent check loads no dev-server module', async () => {
    const config = await writeConfig('check', 'http://127.0.0.1:8200');
    const run = await loadedModules('check', ['check', '-c', config], { VAULT_TOKEN: 'hvs.unused' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.urls.some((url) => url.endsWith('/dist/bundle/main.js'))).toBe(true);
    expect(run.devServer).toEqual([]);
  });

  it('certagent run --once against a Vault loads no dev-server module', async () => {
    const config = await writeConfig('run', vault.address);
    const run = await loadedModules('run', ['run', '--once', '-c', config], { VAULT_TOKEN: vault.rootToken });
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(dir, 'run', 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(run.devServer).toEqual([]);
  });

  it('certagent run --dev --once does load it (the probe sees dev-server modules)', async () => {
    const config = await writeConfig('dev', undefined);
    const run = await loadedModules('dev', ['run', '--dev', '--once', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.devServer.length).toBeGreaterThan(0);
  });
});
