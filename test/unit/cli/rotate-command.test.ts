// `certagent rotate NAME -c FILE` reads the config only for listener.address: what the running agent does with
// its templates is none of rotate's business, so a template source file load would refuse (a secret not declared
// yet, say) must not stop rotate from asking the agent.

import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateCommand } from '../../../src/cli/rotate-command.js';

function io() {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { io: { stdout, stderr, env: {} }, out };
}

describe('certagent rotate -c', () => {
  let dir: string;
  let server: Server;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-rotate-'));
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the listener even when a template source file reads a secret not declared yet', async () => {
    const { port } = server.address() as AddressInfo;
    await writeFile(join(dir, 'app.hbs'), 'x={{secret.later.data.x}}\n');
    const file = join(dir, 'agent.yaml');
    await writeFile(
      file,
      `listener: { address: "127.0.0.1:${port}" }\n` +
        'certificates:\n  web: { mount: pki, role: r, common_name: a.b }\n' +
        `templates:\n  - { source: ${join(dir, 'app.hbs')}, destination: ${join(dir, 'app.env')} }\n`,
    );
    const calls: string[] = [];
    server.on('request', (incoming: IncomingMessage, response: ServerResponse) => {
      calls.push(`${incoming.method} ${incoming.url}`);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ serial: '0a', not_after: '2030-01-01T00:00:00Z' }));
    });
    const { io: cli, out } = io();
    const exit = await rotateCommand(['web', '-c', file], cli);
    expect(out.stderr).toBe('');
    expect(exit).toBe(0);
    expect(calls).toEqual(['POST /v1/rotate/web']);
    expect(out.stdout).toBe('certificate web rotated: serial 0a, not after 2030-01-01T00:00:00Z\n');
  });
});
