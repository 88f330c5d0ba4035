// The nginx recipe (examples/nginx/) against a real nginx: the built agent renders a 15 s certificate from a dev
// server in another process, checks each new pair with `nginx -t -c nginx-check.conf` and reloads nginx with
// `nginx -s reload`, while a client opens 30 verified TLS connections a second for 60 s (at least 20/s must
// happen). Every handshake must succeed, and the client must see the served serial change at least twice.
// Skipped only when nginx is not installed (CI installs it).

import { mkdir, writeFile } from 'node:fs/promises';
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

const NGINX = findProgram('nginx');
if (!NGINX) console.warn('nginx-rotation: SKIPPED, no nginx binary on this machine (apt-get install nginx)');

const sandbox = rotationSandbox('nginx', NGINX !== undefined);

/** An nginx example file with its production paths mapped into the sandbox. */
function copyExample(name: string, paths: Record<string, string>): Promise<string> {
  return adaptExample(`examples/nginx/${name}`, paths, join(sandbox.dir, name));
}

/** nginx.conf for a prefix the test owns: the example site (on a loopback port) inside a minimal main config. */
async function writeNginxConfig(port: number, snippet: string): Promise<string> {
  const { dir } = sandbox;
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
    const { dir, vault } = sandbox;
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
      start: () =>
        sandbox.track(startServer(NGINX!, ['-e', 'stderr', '-p', `${dir}/`, '-c', nginxConf], dir)),
    });
    expectSmoothRotation(result);
  }, 150_000);
});
