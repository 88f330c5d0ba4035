// The README's quick start, as a new user runs it: `certagent run --dev -c examples/quickstart/agent.yaml`
// (in-process dev server, files rendered next to the config), once and as a daemon stopped by SIGTERM.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, killAll, runCliToEnd, startCli, waitFor } from '../helpers/cli-process.js';

let dir: string;

beforeAll(() => ensureBuilt(), 120_000);
afterEach(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});
afterAll(killAll);

/** The quick-start config copied into a temp dir (its paths are relative to it), on a free listener port. */
async function copyQuickstart(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-quickstart-'));
  const text = await readFile(join(ROOT, 'examples/quickstart/agent.yaml'), 'utf8');
  const config = join(dir, 'agent.yaml');
  await writeFile(config, text.replace(/127\.0\.0\.1:8210/, '127.0.0.1:0'));
  return config;
}

describe('quick start', () => {
  it('run --dev --once renders the example files and exits 0', async () => {
    const config = await copyQuickstart();
    const result = await runCliToEnd(['run', '--dev', '--once', '-c', config], { cwd: dir });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const tls = join(dir, 'out', 'tls');
    expect((await stat(join(tls, 'web.key'))).mode & 0o777).toBe(0o600);
    const verify = execFileSync('openssl', ['verify', '-CAfile', join(tls, 'ca.pem'), join(tls, 'web.crt')], {
      encoding: 'utf8',
    });
    expect(verify).toMatch(/: OK/);
    expect(result.stdout + result.stderr).toMatch(/DEV server/);
  });

  it('run --dev as a daemon writes the files, reports ready with metrics, then stops cleanly with exit 0 on SIGTERM', async () => {
    const config = await copyQuickstart();
    const agent = startCli(['run', '--dev', '--log-format', 'json', '-c', config], { cwd: dir });
    await waitFor(
      async () => {
        try {
          return (await stat(join(dir, 'out', 'tls', 'web.crt'))).isFile();
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, what: 'the quick start to write web.crt', process: agent },
    );
    const listener = await waitFor(
      () => /"address":"(http:\/\/127\.0\.0\.1:\d+)","msg":"listener started/.exec(agent.output.stdout)?.[1],
      { what: 'the listener address in the log', process: agent },
    );
    const ready = await waitFor(async () => (await fetch(`${listener}/readyz`)).status === 200, {
      what: '/readyz to answer 200',
      process: agent,
    });
    expect(ready).toBe(true);
    const metrics = await (await fetch(`${listener}/metrics`)).text();
    expect(metrics).toContain(
      'certagent_certificate_issues_total{certificate="web",reason="initial",result="success"} 1',
    );
    expect(metrics).toMatch(/^certagent_ready 1$/m);
    const status = (await (await fetch(`${listener}/status`)).json()) as {
      auth: { authenticated: boolean };
      certificates: { web: { serial: string } };
    };
    expect(status.certificates.web.serial).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(status.auth.authenticated).toBe(true);
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(agent.output.stdout).toMatch(/"msg":"certagent stopped by SIGTERM"/);
  });
});
