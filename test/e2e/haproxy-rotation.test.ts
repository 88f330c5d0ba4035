// The haproxy recipe (examples/haproxy/) against a real haproxy in master-worker mode: the built agent renders a
// 15 s certificate as one bundle.pem from a dev server in another process, checks it with `haproxy -c` and reloads
// with SIGUSR2 to the master's pid file, while a client opens 30 verified TLS connections a second for 60 s (at
// least 20/s must happen). Every handshake must succeed (the new workers take the listening sockets over), and the
// client must see the served serial change at least twice. Skipped only when haproxy is not installed.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import {
  adaptExample,
  adaptRecipe,
  expectSmoothRotation,
  findProgram,
  freePort,
  rotationSandbox,
  runRotation,
  startServer,
} from '../deploy/rotation-harness.js';

const HAPROXY = findProgram('haproxy');
if (!HAPROXY)
  console.warn('haproxy-rotation: SKIPPED, no haproxy binary on this machine (apt-get install haproxy)');

const sandbox = rotationSandbox('haproxy', HAPROXY !== undefined);

describe.skipIf(!HAPROXY)('haproxy recipe against a real haproxy', () => {
  it('rotates a 15 s certificate under 30 TLS connections/s for 60 s without a failed handshake', async () => {
    const { dir, vault } = sandbox;
    const tls = join(dir, 'tls');
    await mkdir(tls);
    const port = await freePort();
    const cfgPath = await adaptExample(
      'examples/haproxy/haproxy.cfg',
      {
        '/run/haproxy/admin.sock': join(dir, 'admin.sock'),
        'bind :443': `bind 127.0.0.1:${port}`,
        '/etc/haproxy/tls': tls,
      },
      join(dir, 'haproxy.cfg'),
    );
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
      start: () => sandbox.track(startServer(HAPROXY!, ['-W', '-db', '-f', cfgPath, '-p', pidFile], dir)),
    });
    expectSmoothRotation(result);
  }, 150_000);
});
