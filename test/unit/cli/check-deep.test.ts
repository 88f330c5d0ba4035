import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../../src/cli/check-command.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));

function io(env: NodeJS.ProcessEnv = { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' }) {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { io: { stdout, stderr, env }, out };
}

describe('certagent check renders what run would render', () => {
  it('rejects a template using an undefined variable, naming the template and the line', async () => {
    const file = `${FIXTURES}check-undefined-variable.yaml`;
    const { io: cli, out } = io();
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    expect(out.stderr).toBe(
      `${file}: templates[0] (contents → /tmp/certagent-check/web.crt): "serial" not defined (line 2, column 3)\n` +
        'certagent check: 1 problem(s)\n',
    );
    expect(out.stdout).toBe('');
  });

  it('warns about a key file more readable than 0640 and missing approle files, and still exits 0', async () => {
    const file = `${FIXTURES}check-key-world-readable.yaml`;
    const { io: cli, out } = io({ VAULT_ADDR: 'https://v:8200' });
    expect(await checkCommand(['-c', file], cli)).toBe(0);
    expect(out.stderr.split('\n').filter(Boolean)).toEqual([
      `warning: ${file}: templates[0] (builtin key.pem → /tmp/certagent-check/web.key): holds a private key but perms 0666 allow more than 0640; use "0640" or "0600"`,
      `warning: ${file}: auto_auth.method.config.role_id_file_path: /nonexistent/certagent/role-id does not exist; run will keep retrying the login`,
      `warning: ${file}: auto_auth.method.config.secret_id_file_path: /nonexistent/certagent/secret-id does not exist; run will keep retrying the login`,
    ]);
    expect(out.stdout).toBe(`${file}: ok (1 certificate, 2 templates, 3 warnings)\n`);
  });

  it('suggests --dev for a quick-start config without a Vault address or token, and not with --dev', async () => {
    const file = `${FIXTURES}check-quickstart-no-dev.yaml`;
    const { io: cli, out } = io({});
    expect(await checkCommand(['-c', file], cli)).toBe(2);
    expect(out.stderr).toContain(
      `hint: this looks like the quick start; to try it against an in-process dev server, add --dev (certagent run --dev -c ${file})`,
    );
    const other = io({});
    expect(await checkCommand(['-c', `${FIXTURES}valid-minimal.yaml`], other.io)).toBe(2);
    expect(other.out.stderr).not.toContain('hint:');
    const dev = io({});
    expect(await checkCommand(['--dev', '-c', file], dev.io)).toBe(0);
  });
});
