import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../src/cli/check-command.js';

function io(env: NodeJS.ProcessEnv = { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' }) {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { io: { stdout, stderr, env }, out };
}

describe('certagent check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-check-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints a summary and exits 0 for a valid file', async () => {
    const file = join(dir, 'agent.yaml');
    await writeFile(
      file,
      'certificates:\n  web: { mount: pki, role: r, common_name: a.b }\ntemplates:\n  - { certificate: web, builtin: cert.pem, destination: /tmp/c }\n',
    );
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(0);
    expect(out.stdout).toBe(`${file}: ok (1 certificate, 1 template)\n`);
  });

  it('prints every problem on stderr and exits 2 for an invalid file', async () => {
    const file = join(dir, 'agent.yaml');
    await writeFile(file, 'certificates:\n  web: { mount: pki, common_name: a.b, colour: red }\n');
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    expect(out.stderr).toContain(`${file}:2:8: certificates.web.role: is required`);
    expect(out.stderr).toContain(`${file}:2:40: certificates.web.colour: unknown key`);
  });

  it('exits 2 without -c or with an unknown flag', async () => {
    expect(await checkCommand([], io().io)).toBe(2);
    expect(await checkCommand(['--bogus'], io().io)).toBe(2);
  });
});
