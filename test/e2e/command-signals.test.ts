// Signals to the built CLI's commands other than `run`. Only `run` reloads on SIGHUP; `check`, `rotate` and
// `dev-server` must end on a hangup as any program does (a closed terminal, `kill -HUP`) instead of ignoring it,
// and SIGUSR1 must never open Node's inspector in them either. Each command is held at a point where it waits on
// the test (`check` reading its config from a FIFO, `rotate` waiting for a listener that has not answered yet,
// the dev server serving), so the signal comes while the command is doing its work, not before it started.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { access, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliProcess } from '../helpers/cli-process.js';
import { ensureBuilt, killAll, startCli, waitFor } from '../helpers/cli-process.js';
import { withDeadline } from '../helpers/deadline.js';

const CONFIG = `certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - { certificate: web, builtin: cert.pem, destination: /tmp/certagent-never-written.pem }
`;

/** What Node prints when SIGUSR1 opens its inspector (or fails to, the port being taken). */
const INSPECTOR = /Debugger listening|Starting inspector/;
// Should SIGUSR1 open the inspector after all, on a port of its own: other tests check that 9229 stays closed.
const ENV = { NODE_OPTIONS: '--inspect-port=0' };

let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-signals-'));
}, 120_000);

afterEach(async () => {
  await killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Waits for the process to exit: its code, or the name of the signal that ended it. */
function exit(proc: CliProcess, what: string): Promise<number | string> {
  return withDeadline(proc.exited, 20_000, what);
}

/** `certagent check -c FIFO`, resolved once it has opened the FIFO: it then waits for the config text. */
async function heldCheck(name: string): Promise<{ proc: CliProcess; writer: FileHandle }> {
  const fifo = join(dir, `${name}.yaml`);
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr.toString()}`);
  // Opening a FIFO's write end blocks until a reader opens it. Should `check` never do so, a reader of our own
  // ends that open, so no thread of this worker stays blocked.
  cleanups.push(async () => (await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK)).close());
  const proc = startCli(['check', '--dev', '-c', fifo], { env: ENV });
  const writer = await withDeadline(open(fifo, 'w'), 20_000, 'check to open its config');
  cleanups.push(() => writer.close());
  return { proc, writer };
}

/** `certagent rotate web` against a listener that holds the request; resolved once the request came. */
async function heldRotate(): Promise<{ proc: CliProcess; response: ServerResponse }> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  const { port } = server.address() as AddressInfo;
  const request = once(server, 'request') as Promise<[IncomingMessage, ServerResponse]>;
  const proc = startCli(['rotate', 'web', '--listener', `127.0.0.1:${port}`], { env: ENV });
  const [incoming, response] = await withDeadline(request, 20_000, 'rotate to call the listener');
  expect(`${incoming.method} ${incoming.url}`).toBe('POST /v1/rotate/web');
  return { proc, response };
}

/** `certagent dev-server --tls`, resolved once it listens: its address and the CA file it wrote. */
async function devServer(): Promise<{ proc: CliProcess; address: string; caFile: string }> {
  const proc = startCli(['dev-server', '--listen', '127.0.0.1:0', '--tls'], { env: ENV });
  const caFile = await waitFor(() => /^VAULT_CACERT=(.+)$/m.exec(proc.output.stdout)?.[1], {
    timeoutMs: 20_000,
    what: 'the dev server to print VAULT_CACERT',
    process: proc,
  });
  // Removed by the server when it stops cleanly; not when killAll has to kill it after a failure.
  cleanups.push(() => rm(dirname(caFile), { recursive: true, force: true }));
  const address = /^VAULT_ADDR=(.+)$/m.exec(proc.output.stdout)![1]!;
  return { proc, address, caFile };
}

/** GET over HTTPS trusting the dev server's CA. */
async function getJson(url: string, caFile: string): Promise<unknown> {
  const ca = await readFile(caFile);
  const [response] = (await once(get(url, { ca }), 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return JSON.parse(body);
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('SIGHUP ends the commands that do not reload', () => {
  it('check, waiting for its config, ends by SIGHUP', async () => {
    const { proc } = await heldCheck('hup');
    proc.child.kill('SIGHUP');
    expect(await exit(proc, 'check to end on SIGHUP')).toBe('SIGHUP');
  });

  it('rotate, waiting for the agent, ends by SIGHUP', async () => {
    const { proc } = await heldRotate();
    proc.child.kill('SIGHUP');
    expect(await exit(proc, 'rotate to end on SIGHUP')).toBe('SIGHUP');
  });

  it('dev-server stops as on SIGTERM (its CA file removed), then ends by SIGHUP', async () => {
    const { proc, caFile } = await devServer();
    expect(await exists(caFile)).toBe(true);
    proc.child.kill('SIGHUP');
    expect(await exit(proc, 'the dev server to end on SIGHUP')).toBe('SIGHUP');
    expect(await exists(dirname(caFile))).toBe(false);
  });
});

describe('SIGUSR1 never opens the inspector, and the command carries on', () => {
  it('check reads its config and exits 0', async () => {
    const { proc, writer } = await heldCheck('usr1');
    proc.child.kill('SIGUSR1');
    await writer.write(CONFIG);
    await writer.close();
    expect(await exit(proc, 'check to finish')).toBe(0);
    expect(proc.output.stdout).toMatch(/: ok \(1 certificate, 1 template\)\n$/);
    expect(proc.output.stderr).not.toMatch(INSPECTOR);
  });

  it('rotate prints the answer it was waiting for and exits 0', async () => {
    const { proc, response } = await heldRotate();
    proc.child.kill('SIGUSR1');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ serial: '0a:0b', not_after: '2030-01-01T00:00:00Z' }));
    expect(await exit(proc, 'rotate to finish')).toBe(0);
    expect(proc.output.stdout).toBe(
      'certificate web rotated: serial 0a:0b, not after 2030-01-01T00:00:00Z\n',
    );
    expect(proc.output.stderr).not.toMatch(INSPECTOR);
  });

  it('dev-server keeps serving, and exits 0 on SIGTERM', async () => {
    const { proc, address, caFile } = await devServer();
    proc.child.kill('SIGUSR1');
    // The server answering after the signal shows the process is alive and went on with its work.
    const health = await withDeadline(
      getJson(`${address}/v1/sys/health`, caFile),
      20_000,
      'GET /v1/sys/health',
    );
    expect(health).toMatchObject({ initialized: true, sealed: false });
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(proc.output.stderr).not.toMatch(INSPECTOR);
  });
});
