// The haproxy recipe (examples/haproxy/) against a real haproxy in master-worker mode: the built agent renders a
// 15 s certificate as one bundle.pem from a dev server in another process, checks it with `haproxy -c` and reloads
// with SIGUSR2 to the master's pid file, while a client opens 30 verified TLS connections a second for 60 s (at
// least 20/s must happen). Every handshake must succeed (the new workers take the listening sockets over), and the
// client must see the served serial change at least twice. Skipped only when haproxy is not installed.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServerProcess } from '../helpers/cli-process.js';
import { ROOT, ensureBuilt, killAll, startDevServerProcess } from '../helpers/cli-process.js';
import type { ServerProcess } from '../deploy/rotation-harness.js';
import { adaptRecipe, findProgram, freePort, runRotation, startServer } from '../deploy/rotation-harness.js';

const HAPROXY = findProgram('haproxy');
if (!HAPROXY)
  console.warn('haproxy-rotation: SKIPPED, no haproxy binary on this machine (apt-get install haproxy)');

let vault: DevServerProcess;
let dir: string;
let haproxy: ServerProcess | undefined;

beforeAll(async () => {
  if (!HAPROXY) return;
  ensureBuilt();
  vault = await startDevServerProcess();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-haproxy-'));
}, 120_000);

afterAll(async () => {
  await haproxy?.stop();
  await killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAPROXY)('haproxy recipe against a real haproxy', () => {
  it('rotates a 15 s certificate under 30 TLS connections/s for 60 s without a failed handshake', async () => {
    const tls = join(dir, 'tls');
    await mkdir(tls);
    const port = await freePort();
    const paths: Record<string, string> = {
      '/run/haproxy/admin.sock': join(dir, 'admin.sock'),
      'bind :443': `bind 127.0.0.1:${port}`,
      '/etc/haproxy/tls': tls,
    };
    let cfg = await readFile(join(ROOT, 'examples/haproxy/haproxy.cfg'), 'utf8');
    for (const [from, to] of Object.entries(paths)) {
      if (!cfg.includes(from)) throw new Error(`examples/haproxy/haproxy.cfg no longer mentions ${from}`);
      cfg = cfg.split(from).join(to);
    }
    const cfgPath = join(dir, 'haproxy.cfg');
    await writeFile(cfgPath, cfg);
    const pidFile = join(dir, 'haproxy.pid');
    const config = await adaptRecipe({
      recipe: 'examples/haproxy/agent.yaml',
      dir,
      vaultAddress: vault.address,
      ttl: '15s',
      paths: {
        '/usr/sbin/haproxy': HAPROXY!,
        '/etc/haproxy/tls': tls,
        '/etc/haproxy/haproxy.cfg': cfgPath,
        '/run/haproxy.pid': pidFile,
      },
    });
    const result = await runRotation({
      name: 'haproxy',
      config,
      vault,
      certificateFile: join(tls, 'web.pem'),
      port,
      loadMs: 60_000,
      // -W master-worker (also set in the file), -db: stay in the foreground so the test owns the process.
      start: () => (haproxy = startServer(HAPROXY!, ['-W', '-db', '-f', cfgPath, '-p', pidFile], dir)),
    });
    expect(result.report.failures).toEqual([]);
    expect(result.report.attempts / result.report.seconds).toBeGreaterThanOrEqual(20);
    expect(result.report.serials.length - 1).toBeGreaterThanOrEqual(2);
    expect(result.checks.failed + result.reloads.failed).toBe(0);
    expect(result.reloads.ok).toBeGreaterThanOrEqual(3);
  }, 150_000);
});
