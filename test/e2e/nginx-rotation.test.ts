// The nginx recipe (examples/nginx/) against a real nginx: the built agent renders a 15 s certificate from a dev
// server in another process, checks each new pair with `nginx -t -c nginx-check.conf` and reloads nginx with
// `nginx -s reload`, while a client opens 30 verified TLS connections a second for 60 s (at least 20/s must
// happen). Every handshake must succeed, and the client must see the served serial change at least twice.
// Skipped only when nginx is not installed (CI installs it).

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServerProcess } from '../helpers/cli-process.js';
import { ROOT, ensureBuilt, killAll, startDevServerProcess } from '../helpers/cli-process.js';
import type { ServerProcess } from '../deploy/rotation-harness.js';
import { adaptRecipe, findProgram, freePort, runRotation, startServer } from '../deploy/rotation-harness.js';

const NGINX = findProgram('nginx');
if (!NGINX) console.warn('nginx-rotation: SKIPPED, no nginx binary on this machine (apt-get install nginx)');

let vault: DevServerProcess;
let dir: string;
let nginx: ServerProcess | undefined;

beforeAll(async () => {
  if (!NGINX) return;
  ensureBuilt();
  vault = await startDevServerProcess();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-nginx-'));
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** An example file with its production paths mapped into the test's prefix. */
async function copyExample(name: string, paths: Record<string, string>): Promise<string> {
  let text = await readFile(join(ROOT, 'examples/nginx', name), 'utf8');
  for (const [from, to] of Object.entries(paths)) {
    if (!text.includes(from)) throw new Error(`examples/nginx/${name} no longer mentions ${from}`);
    text = text.split(from).join(to);
  }
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** nginx.conf for a prefix the test owns: the example site (on a loopback port) inside a minimal main config. */
async function writeNginxConfig(port: number, snippet: string): Promise<string> {
  const site = await copyExample('site.conf', {
    'listen 443 ssl;': `listen 127.0.0.1:${port} ssl;`,
    'listen [::]:443 ssl;': '',
    '/etc/nginx/snippets/certagent-tls.conf': snippet,
  });
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;
worker_processes 1;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${site};
}
`,
  );
  return conf;
}

describe.skipIf(!NGINX)('nginx recipe against a real nginx', () => {
  it('rotates a 15 s certificate under 30 TLS connections/s for 60 s without a failed handshake', async () => {
    const tls = join(dir, 'tls');
    const run = join(dir, 'run');
    await mkdir(tls);
    await mkdir(run);
    const snippet = await copyExample('certagent-tls.conf', { '/etc/nginx/tls': tls });
    const check = await copyExample('nginx-check.conf', {
      '/run/certagent': run,
      '/etc/nginx/snippets/certagent-tls.conf': snippet,
    });
    const port = await freePort();
    const nginxConf = await writeNginxConfig(port, snippet);
    const config = await adaptRecipe({
      recipe: 'examples/nginx/agent.yaml',
      dir,
      vaultAddress: vault.address,
      ttl: '15s',
      paths: {
        '/usr/sbin/nginx': NGINX!,
        '/etc/nginx/tls': tls,
        '/etc/certagent/nginx-check.conf': check,
        '/etc/nginx/nginx.conf': nginxConf,
        '/run/nginx.pid': join(dir, 'nginx.pid'),
      },
    });
    const result = await runRotation({
      name: 'nginx',
      config,
      vault,
      certificateFile: join(tls, 'web.crt'),
      port,
      loadMs: 60_000,
      start: () => (nginx = startServer(NGINX!, ['-e', 'stderr', '-p', `${dir}/`, '-c', nginxConf], dir)),
    });
    expect(result.report.failures).toEqual([]);
    expect(result.report.attempts / result.report.seconds).toBeGreaterThanOrEqual(20);
    expect(result.report.serials.length - 1).toBeGreaterThanOrEqual(2);
    expect(result.checks.failed + result.reloads.failed).toBe(0);
    expect(result.reloads.ok).toBeGreaterThanOrEqual(3);
  }, 150_000);
});
