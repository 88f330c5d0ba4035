// A config with mistakes is refused before anything happens: every problem with its line and column, exit 2,
// no file touched, Vault not contacted.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callVault } from '../helpers/dev-server.js';
import type { DevServerProcess } from '../helpers/cli-process.js';
import { ensureBuilt, killAll, runCliToEnd, startDevServerProcess } from '../helpers/cli-process.js';

let vault: DevServerProcess;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  vault = await startDevServerProcess();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-bad-'));
}, 120_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

/** Requests the dev server has answered, leaving out the test's own reads of sys/dev/. */
async function requestTotal(): Promise<number> {
  const reply = await callVault(
    { address: vault.address, rootToken: vault.token, caPem: undefined },
    'GET',
    'sys/dev/requests',
  );
  const counts = reply.json.data.counts as Record<string, number>;
  return Object.entries(counts)
    .filter(([path]) => !path.startsWith('sys/dev/'))
    .reduce((sum, [, n]) => sum + n, 0);
}

describe('certagent run with a bad config', () => {
  it('prints every problem with FILE:LINE:COL, exits 2, touches nothing and never calls Vault', async () => {
    const config = join(dir, 'agent.yaml');
    await writeFile(
      config,
      [
        `vault: { address: ${vault.address} }`,
        `state_dir: ${join(dir, 'state')}`,
        'certificates:',
        '  web:',
        '    mount: pki',
        '    role: dev',
        '    common_name: web.example.test',
        '    key_bits: 1024',
        '    colour: blue',
        'templates:',
        '  - certificate: api',
        '    builtin: cert.pem',
        `    destination: ${join(dir, 'out', 'cert.pem')}`,
        '',
      ].join('\n'),
    );
    const before = await requestTotal();
    const result = await runCliToEnd(['run', '--once', '-c', config], { env: { VAULT_TOKEN: vault.token } });
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith(`${config}:`));
    // key_bits (line 8), the unknown key (line 9) and the undeclared certificate (line 11), all at once.
    expect(lines.some((line) => /:8:\d+: certificates\.web\.key_bits: /.test(line))).toBe(true);
    expect(lines.some((line) => /:9:5: certificates\.web\.colour: /.test(line))).toBe(true);
    expect(
      lines.some(
        (line) =>
          /:11:\d+: templates\[0\]\.certificate: /.test(line) ||
          /:11:\d+: templates\.0\.certificate: /.test(line),
      ),
    ).toBe(true);
    expect(await readdir(dir)).toEqual(['agent.yaml']);
    expect(await requestTotal()).toBe(before);
  });

  it('exits 2 on a usage error', async () => {
    const result = await runCliToEnd(['run', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bogus/);
  });
});
