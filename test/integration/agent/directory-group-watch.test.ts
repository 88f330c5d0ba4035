// A running agent follows an atomic directory group's files as it follows plain templates: an edited `source` of
// one of its files renders the group again, and a stable name deleted behind its back comes back. Before, only a
// template's own `source` and `destination` were watched: the group's directory (nothing inside it) and no file's
// source, so neither happened until some other event ran a pass.

import { readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent } from './agent-harness.js';

const server = useDevServer({}, 'each');
let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const text = (path: string) => readFile(path, 'utf8').catch(() => '');

describe('atomic directory group, followed while running', () => {
  it('an edited file source renders the group again; a deleted stable name comes back; no PKI request', async () => {
    h = await startAgent(
      server(),
      (dir) => `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - certificate: web
    output: { directory: ${join(dir, 'tls')}, layout: atomic }
    files:
      - { name: tls.crt, builtin: cert.pem }
      - { name: info.txt, source: ${join(dir, 'info.hbs')} }
`,
    );
    const { dir } = h;
    // Written after the start: the first pass fails on the missing source, then the file's creation is seen.
    await writeFile(join(dir, 'info.hbs'), 'serial {{serial_number}}\n');
    const info = join(dir, 'tls', 'info.txt');
    await h.until(async () => (await text(info)).startsWith('serial '), 'the first render', 15_000);
    await writeFile(join(dir, 'info.hbs'), 'cn {{common_name}}\n');
    await h.until(async () => (await text(info)) === 'cn web.example.test\n', 'the group rendered again');
    await rm(join(dir, 'tls', 'tls.crt'));
    await h.until(
      async () => (await readlink(join(dir, 'tls', 'tls.crt')).catch(() => '')) === '..data/tls.crt',
      'the stable name back',
    );
    expect(await text(join(dir, 'tls', 'tls.crt'))).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(h.pkiRequests()).toBe(1);
  });
});
