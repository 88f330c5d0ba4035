// The install story: `npm pack` holds exactly what a production install needs, and that tarball, installed with
// production dependencies only by the same command the Dockerfile's runtime image is built with, runs:
// `certagent --version` and `certagent run --once --dev` from the installed bin.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/cli-process.js';
import { productionInstall } from './dockerfile-stages.js';

let dir: string;
let tarball: string;
let files: string[];
let bin: string;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'certagent-pack-'));
  // dist/ is fresh (ensureBuilt); --ignore-scripts keeps pack from rebuilding it.
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(dir, packed[0]!.filename);
  files = packed[0]!.files.map((file) => file.path).sort();

  const install = productionInstall();
  const prefix = join(dir, 'app');
  const argv = install.argv.map((arg) =>
    arg === install.prefix ? prefix : arg === install.tarball ? tarball : arg,
  );
  npm([...argv.slice(1), '--prefer-offline'], dir);
  bin = join(prefix, 'node_modules', '.bin', 'certagent');
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds dist (no source maps, no declarations), the templates, README, LICENSE and package.json only', () => {
    const outside = files.filter(
      (path) =>
        !/^dist\/.+\.js$/.test(path) &&
        // The licence notices of the third-party code esbuild bundled (legalComments: 'linked') ship with it.
        !/^dist\/bundle\/[\w-]+\.js\.LEGAL\.txt$/.test(path) &&
        !/^templates\/[a-z.]+\.hbs$/.test(path) &&
        !['README.md', 'LICENSE', 'package.json'].includes(path),
    );
    expect(outside).toEqual([]);
    for (const needed of ['dist/main.js', 'templates/fullchain.pem.hbs', 'LICENSE', 'README.md']) {
      expect(files).toContain(needed);
    }
    // Every compiled source file is in the tarball.
    expect(files.filter((path) => path.startsWith('dist/')).length).toBeGreaterThan(50);
  });
});

describe('the tarball installed with production dependencies only', () => {
  it('has no development dependency installed', async () => {
    const modules = await readdir(join(dir, 'app', 'node_modules'));
    const devDependencies = Object.keys(
      (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: object })
        .devDependencies,
    );
    expect(modules).toContain('certagent');
    expect(modules).toContain('undici');
    expect(devDependencies.filter((name) => modules.includes(name.split('/')[0]!))).toEqual([]);
  });

  it('certagent --version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(`certagent ${version}`);
  });

  it('certagent run --once --dev renders the quick start with the installed templates', async () => {
    const work = join(dir, 'work');
    await rm(work, { recursive: true, force: true });
    const config = join(dir, 'agent.yaml');
    const text = await readFile(join(ROOT, 'examples/quickstart/agent.yaml'), 'utf8');
    await writeFile(config, text.replace('127.0.0.1:8210', '127.0.0.1:0'));
    // Run from an unrelated directory: nothing may come from the checkout.
    const result = spawnSync(bin, ['run', '--once', '--dev', '-c', config], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect((await stat(join(dir, 'out', 'tls', 'web.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'out', 'tls', 'web.crt'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    expect(existsSync(join(dir, 'out', 'tls', 'ca.pem'))).toBe(true);
  }, 60_000);
});
