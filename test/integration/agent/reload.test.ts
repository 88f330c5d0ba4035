import { join } from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevServer } from '../../../src/dev-server/index.js';
import { callVault, useDevServer } from '../../helpers/dev-server.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent } from './agent-harness.js';

const server = useDevServer({}, 'each');
let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const config = (
  dir: string,
  extra: { webAlt?: string; dest?: string; api?: boolean; listener?: string } = {},
) => `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test${extra.webAlt ? `, alt_names: [${extra.webAlt}]` : ''} }
${extra.api ? '  api: { mount: pki, role: dev, common_name: api.example.test }\n' : ''}templates:
  - { certificate: web, builtin: cert.pem, destination: ${join(dir, extra.dest ?? 'web.crt')} }
  - { certificate: web, builtin: key.pem, destination: ${join(dir, 'web.key')} }
${extra.api ? `  - { certificate: api, builtin: cert.pem, destination: ${join(dir, 'api.crt')} }\n` : ''}${extra.listener ? `listener: { address: "${extra.listener}" }\n` : ''}`;

describe('reload (SIGHUP)', () => {
  it('a changed destination is written from the certificate in hand: no PKI request', async () => {
    h = await startAgent(server(), (dir) => config(dir));
    const { dir } = h;
    const first = await h.until(() => h!.serial(join(dir, 'web.crt')), 'the first certificate');
    expect(h.pkiRequests()).toBe(1);
    await h.writeConfig(config(dir, { dest: 'moved.crt' }));
    expect(await h.agent.reload('SIGHUP')).toBe(true);
    expect(await h.until(() => h!.serial(join(dir, 'moved.crt')), 'the moved file')).toBe(first);
    expect(h.pkiRequests()).toBe(1);
    expect(h.lines.map((l) => l.msg)).toContain('configuration reloaded (SIGHUP): templates changed');
  });

  it('a changed SAN re-issues only that certificate; an added one is obtained; a removed one stops', async () => {
    h = await startAgent(server(), (dir) => config(dir, { api: true }));
    const { dir } = h;
    const web = await h.until(() => h!.serial(join(dir, 'web.crt')), 'web');
    const api = await h.until(() => h!.serial(join(dir, 'api.crt')), 'api');
    expect(h.pkiRequests()).toBe(2);
    await h.writeConfig(config(dir, { api: true, webAlt: 'www.example.test' }));
    await h.agent.reload('SIGHUP');
    const renewed = await h.until(async () => {
      const serial = await h!.serial(join(dir, 'web.crt'));
      return serial !== web && serial;
    }, 'the re-issued web certificate');
    expect(renewed).not.toBe(web);
    expect(await h.serial(join(dir, 'api.crt'))).toBe(api);
    expect(h.pkiRequests()).toBe(3);
    const text = await readFile(join(dir, 'web.crt'), 'utf8');
    expect(new (await import('node:crypto')).X509Certificate(text).subjectAltName).toContain(
      'www.example.test',
    );

    await h.writeConfig(config(dir, { webAlt: 'www.example.test' }));
    await h.agent.reload('SIGHUP');
    expect([...h.agent.bundles.keys()]).toEqual(['web']);
    expect(h.agent.health.status(Date.now()).certificates).not.toHaveProperty('api');
    expect(h.pkiRequests()).toBe(3);
  });

  it('an invalid config is logged problem by problem and the old one keeps running', async () => {
    h = await startAgent(server(), (dir) => config(dir));
    const { dir } = h;
    await h.until(() => h!.serial(join(dir, 'web.crt')), 'the first certificate');
    await h.writeConfig(`${config(dir)}\nbogus_key: 1\nlistener: { address: nowhere }\n`);
    expect(await h.agent.reload('SIGHUP')).toBe(false);
    const problems = h.lines.filter((l) => String(l.msg).startsWith('config reload: '));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const line of problems) expect(line.problem).toMatch(/agent\.yaml:\d+:\d+: /);
    expect(h.lines.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(
        /^configuration not reloaded \(SIGHUP\): \d+ problem\(s\); the running configuration stays in force$/,
      ),
    );
    expect(h.agent.config.certificates.get('web')?.commonName).toBe('web.example.test');
  });

  it('rebinds the listener only when its address changed', async () => {
    h = await startAgent(server(), (dir) => config(dir, { listener: '127.0.0.1:0' }));
    const { dir } = h;
    await h.until(() => h!.serial(join(dir, 'web.crt')), 'the first certificate');
    const started = () => h!.lines.filter((l) => String(l.msg).startsWith('listener started')).length;
    expect(started()).toBe(1);
    await h.writeConfig(config(dir, { listener: '127.0.0.1:0', dest: 'other.crt' }));
    await h.agent.reload('SIGHUP');
    expect(started()).toBe(1);
    await h.writeConfig(config(dir, { listener: '127.0.0.2:0', dest: 'other.crt' }));
    await h.agent.reload('SIGHUP');
    expect(started()).toBe(2);
  });
});

describe('config_watch', () => {
  it('a change to the config file reloads it as SIGHUP does', async () => {
    h = await startAgent(server(), (dir) => `${config(dir)}config_watch: true\n`);
    const { dir } = h;
    const first = await h.until(() => h!.serial(join(dir, 'web.crt')), 'the first certificate');
    await h.writeConfig(`${config(dir, { dest: 'watched.crt' })}config_watch: true\n`);
    expect(await h.until(() => h!.serial(join(dir, 'watched.crt')), 'the file the new config names')).toBe(
      first,
    );
    expect(h.lines.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^configuration reloaded \(.*agent\.yaml changed\): templates changed$/),
    );
    expect(h.pkiRequests()).toBe(1);
  });
});

describe('forced rotation', () => {
  it('rotate(name) re-issues exactly that certificate and the pass writes it', async () => {
    h = await startAgent(server(), (dir) => config(dir, { api: true }));
    const { dir } = h;
    const web = await h.until(() => h!.serial(join(dir, 'web.crt')), 'web');
    const api = await h.until(() => h!.serial(join(dir, 'api.crt')), 'api');
    const rotated = await h.agent.rotate('web');
    const written = await h.until(async () => {
      const serial = await h!.serial(join(dir, 'web.crt'));
      return serial !== web && serial;
    }, 'the rotated file');
    expect(written).toBe(rotated?.serialNumber.replaceAll(':', '').toUpperCase());
    expect(await h.serial(join(dir, 'api.crt'))).toBe(api);
    expect(h.pkiRequests()).toBe(3);
    expect(h.agent.rotate('nope')).toBeUndefined();
    const metrics = (await h.agent.metrics.text()).body;
    expect(metrics).toContain(
      'certagent_certificate_issues_total{certificate="web",reason="forced",result="success"} 1',
    );
  });
});

describe('watching', () => {
  it('an edited template source renders again, and a deleted destination comes back, without a PKI request', async () => {
    h = await startAgent(
      server(),
      (dir) => `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - { certificate: web, source: ${join(dir, 'web.hbs')}, destination: ${join(dir, 'web.txt')} }
`,
    );
    const { dir } = h;
    const { writeFile, rm } = await import('node:fs/promises');
    // The source is written after the agent started: the first pass fails, then the file appears.
    await writeFile(join(dir, 'web.hbs'), 'serial {{serial_number}}\n');
    await h.agent.reload('test');
    await h.until(
      async () => (await readFile(join(dir, 'web.txt'), 'utf8').catch(() => '')).startsWith('serial '),
      'the first render',
    );
    await writeFile(join(dir, 'web.hbs'), 'cn {{common_name}}\n');
    let started = Date.now();
    await h.until(
      async () => (await readFile(join(dir, 'web.txt'), 'utf8').catch(() => '')) === 'cn web.example.test\n',
      'the re-render',
      2_000,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    await rm(join(dir, 'web.txt'));
    started = Date.now();
    await h.until(
      async () => (await readFile(join(dir, 'web.txt'), 'utf8').catch(() => '')) === 'cn web.example.test\n',
      'the repaired file',
      2_000,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(h.pkiRequests()).toBe(1);
  });
});

describe('revoke_on_shutdown', () => {
  it('a reload that changes auto_auth keeps the old token; the shutdown revokes the new one', async () => {
    const files = await mkdtemp(join(tmpdir(), 'certagent-reload-approle-'));
    try {
      await approle(server(), files);
      const withAuth = (dir: string, minBackoff: string) =>
        `${config(dir)}auto_auth:
  method:
    type: approle
    min_backoff: ${minBackoff}
    config: { role_id_file_path: ${join(files, 'role-id')}, secret_id_file_path: ${join(files, 'secret-id')} }
  sinks: [{ type: file, config: { path: ${join(files, 'sink')} } }]
  revoke_on_shutdown: true
`;
      h = await startAgent(server(), (dir) => withAuth(dir, '1s'));
      const { dir } = h;
      const sink = () => readFile(join(files, 'sink'), 'utf8').catch(() => undefined);
      await h.until(() => h!.serial(join(dir, 'web.crt')), 'the first certificate');
      const first = (await sink())!;
      await h.writeConfig(withAuth(dir, '2s'));
      expect(await h.agent.reload('SIGHUP')).toBe(true);
      const second = await h.until(async () => {
        const token = await sink();
        return token !== first && token;
      }, 'the token of the new login');
      // The reload stopped the old lifecycle: its token is still valid (a sink or a consumer may hold it).
      expect((await callVault(server(), 'GET', 'auth/token/lookup-self', { token: first })).status).toBe(200);
      expect(h.lines.map((line) => line.msg)).not.toContain('token revoked on shutdown');
      await h.stop();
      h = undefined;
      expect((await callVault(server(), 'GET', 'auth/token/lookup-self', { token: second })).status).toBe(
        403,
      );
    } finally {
      await rm(files, { recursive: true, force: true });
    }
  });
});

/** An approle role on the dev server whose tokens may sign with pki; its role and secret ids written in `dir`. */
async function approle(server: DevServer, dir: string): Promise<void> {
  const call = (method: string, path: string, body?: unknown) => callVault(server, method, path, { body });
  expect((await call('POST', 'sys/auth/approle', { type: 'approle' })).status).toBe(204);
  const policy = 'path "pki/sign/*" { capabilities = ["update"] }';
  expect((await call('PUT', 'sys/policies/acl/agent', { policy })).status).toBe(204);
  expect((await call('POST', 'auth/approle/role/agent', { token_policies: ['agent'] })).status).toBe(204);
  const roleId = (await call('GET', 'auth/approle/role/agent/role-id')).json.data.role_id as string;
  const secretId = (await call('POST', 'auth/approle/role/agent/secret-id', {})).json.data
    .secret_id as string;
  await writeFile(join(dir, 'role-id'), roleId);
  await writeFile(join(dir, 'secret-id'), secretId);
}
