import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../src/cli/check-command.js';
import { withDeadline } from '../../helpers/deadline.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));

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

  it('says what run warns about at start: plain http to another host, revoke_on_shutdown with a token file', async () => {
    const file = join(dir, 'agent.yaml');
    await writeFile(
      file,
      'vault: { address: "http://vault.internal:8200" }\n' +
        `auto_auth: { method: { type: token_file, config: { token_file_path: ${join(dir, 'token')} } }, revoke_on_shutdown: true }\n` +
        'certificates:\n  web: { mount: pki, role: r, common_name: a.b }\n',
    );
    await writeFile(join(dir, 'token'), 'hvs.someToken', { mode: 0o600 });
    const { io: cli, out } = io({});
    expect(await checkCommand(['-c', file], cli)).toBe(0);
    expect(out.stderr).toMatch(/^warning: vault\.address http:\/\/vault\.internal:8200 is plain http/m);
    expect(out.stderr).toMatch(
      /^warning: auto_auth\.revoke_on_shutdown does nothing with method token_file/m,
    );
    expect(out.stdout).toBe(`${file}: ok (1 certificate, 0 templates, 2 warnings)\n`);
  });

  it('--dev leaves out the plain-http warning, as run --dev talks to its loopback dev server instead', async () => {
    const file = join(dir, 'agent.yaml');
    await writeFile(
      file,
      'vault: { address: "http://vault.internal:8200" }\n' +
        `auto_auth: { method: { type: token_file, config: { token_file_path: ${join(dir, 'token')} } }, revoke_on_shutdown: true }\n` +
        'certificates:\n  web: { mount: pki, role: r, common_name: a.b }\n',
    );
    await writeFile(join(dir, 'token'), 'hvs.someToken', { mode: 0o600 });
    const { io: cli, out } = io({});
    expect(await checkCommand(['--dev', '-c', file], cli)).toBe(0);
    expect(out.stderr).not.toContain('plain http');
    // Other warnings hold for run --dev too.
    expect(out.stderr).toMatch(
      /^warning: auto_auth\.revoke_on_shutdown does nothing with method token_file/m,
    );
    expect(out.stdout).toBe(`${file}: ok (1 certificate, 0 templates, 1 warning)\n`);
  });

  it('a FIFO as a template source does not block check: the render of its sample says it is no regular file', async () => {
    const file = join(dir, 'agent.yaml');
    const fifo = join(dir, 'cert.hbs');
    execFileSync('mkfifo', [fifo]);
    await writeFile(
      file,
      `certificates:\n  web: { mount: pki, role: r, common_name: a.b }\ntemplates:\n  - { certificate: web, source: ${fifo}, destination: /tmp/c }\n`,
    );
    const { io: cli, out } = io();
    try {
      expect(await withDeadline(checkCommand(['-c', file], cli), 10_000, 'check with a FIFO source')).toBe(2);
      expect(out.stderr).toContain(`cannot read ${fifo}: not a regular file`);
    } finally {
      // A read still blocked in open() ends when a writer comes and goes; ENXIO means nothing was waiting.
      await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then(
        (writer) => writer.close(),
        () => undefined,
      );
    }
  });

  it('prints every problem on stderr and exits 2 for an invalid file', async () => {
    const file = join(dir, 'agent.yaml');
    await writeFile(file, 'certificates:\n  web: { mount: pki, common_name: a.b, colour: red }\n');
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    expect(out.stderr).toContain(`${file}:2:8: certificates.web.role: is required`);
    expect(out.stderr).toContain(`${file}:2:40: certificates.web.colour: unknown key`);
  });

  it('exits 2 without -c, with an unknown flag or a stray argument, and says why', async () => {
    for (const args of [[], ['--bogus'], ['agent.yaml'], ['-c']]) {
      const { io: cli, out } = io();
      expect(await checkCommand(args, cli)).toBe(2);
      expect(out.stderr).toMatch(/^certagent check: /);
      expect(out.stdout).toBe('');
    }
  });

  it('counts what the full fixture declares', async () => {
    const file = join(FIXTURES, 'valid-full.yaml');
    const { io: cli, out } = io({});
    expect(await checkCommand(['-c', file], cli)).toBe(0);
    expect(out.stdout).toBe(`${file}: ok (2 certificates, 4 templates, 2 warnings)\n`);
  });

  it('prints each of many problems on its own line, in file order, and nothing on stdout', async () => {
    const file = join(FIXTURES, 'bad-many.yaml');
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(19);
    expect(lines[0]).toBe(`${file}:3:12: vault.address: must be an http:// or https:// URL`);
    expect(lines[17]).toBe(`${file}:29:1: colour: unknown key`);
    expect(lines[18]).toBe('certagent check: 18 problem(s)');
    expect(out.stdout).toBe('');
  });

  it('merges several -c files and names them all in the summary', async () => {
    const override = join(dir, 'override.yaml');
    await writeFile(override, 'log: { level: debug }\n');
    const file = join(FIXTURES, 'valid-minimal.yaml');
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file, '--config', override], cli)).toBe(0);
    expect(out.stdout).toBe(`${file}, ${override}: ok (1 certificate, 1 template)\n`);
  });

  it('--dev checks a config meant for run --dev, which needs no address or token', async () => {
    const file = join(FIXTURES, 'valid-minimal.yaml');
    expect(await checkCommand(['-c', file], io({}).io)).toBe(2);
    const { io: cli, out } = io({});
    expect(await checkCommand(['--dev', '-c', file], cli)).toBe(0);
    expect(out.stdout).toBe(`${file}: ok (1 certificate, 1 template)\n`);
  });

  it('exits 2 for a file that cannot be read', async () => {
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', join(dir, 'missing.yaml')], cli)).toBe(2);
    expect(out.stderr).toContain('missing.yaml: cannot read: ENOENT');
  });

  it('reports a secret a template source file reads but secrets: does not declare, with the file path', async () => {
    const file = join(dir, 'agent.yaml');
    const source = join(dir, 'app.hbs');
    await writeFile(source, 'password={{secret.nope.password}}\n');
    await writeFile(file, `templates:\n  - { source: ${source}, destination: ${join(dir, 'app.env')} }\n`);
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    expect(out.stderr).toContain(
      `${file}:2:15: templates[0].source: ${source} reads secret "nope", but no secret named "nope" is declared under secrets:\n`,
    );
  });
});
