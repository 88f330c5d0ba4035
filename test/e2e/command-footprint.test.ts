// What each command loads (issue 10): `--version` and `check` import only what they use, so a sidecar's probes and
// an operator's check do not pay for the agent. Checked on the built CLI, in a process of its own, through the
// CommonJS module cache (pino, pino-pretty, prom-client, handlebars and undici are CommonJS packages).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/cli-process.js';

const WATCHED = ['pino', 'pino-pretty', 'prom-client', 'handlebars', 'undici', 'yaml', 'zod'];

/** The watched packages loaded after `runCli(args)` returns, in a fresh process. */
function packagesLoadedBy(args: string[]): string[] {
  const runCli = pathToFileURL(join(ROOT, 'dist/cli/run-cli.js')).href;
  const script = `
    import { createRequire } from 'node:module';
    const { runCli } = await import(${JSON.stringify(runCli)});
    const sink = { write: () => true };
    await runCli(${JSON.stringify(args)}, { stdout: sink, stderr: sink, env: { VAULT_TOKEN: 'x' } });
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .filter((path) => path.includes('/node_modules/'))
      .map((path) => path.split('/node_modules/').at(-1).split('/')[0]);
    console.log(JSON.stringify([...new Set(loaded)]));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const loaded = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
  return WATCHED.filter((name) => loaded.includes(name));
}

beforeAll(() => ensureBuilt(), 120_000);

describe('what a command loads', () => {
  it('--version loads none of the agent’s packages', () => {
    expect(packagesLoadedBy(['--version'])).toEqual([]);
  });

  it('check loads the config parser only: no logger, metrics, templates or HTTP client', () => {
    const loaded = packagesLoadedBy(['check', '-c', join(ROOT, 'test/fixtures/config/valid-minimal.yaml')]);
    expect(loaded).toContain('yaml');
    expect(loaded.filter((name) => name !== 'yaml' && name !== 'zod')).toEqual([]);
  });
});
