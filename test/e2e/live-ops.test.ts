// Live operations on the built CLI: SIGUSR1 rotates every certificate and never opens Node's inspector,
// `certagent rotate NAME` rotates one through the listener, SIGHUP applies a config change (a moved destination
// without a PKI request, a changed SAN re-issuing that certificate only, a broken config logged and ignored), and the stop line names the signal.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliProcess, DevServerProcess } from '../helpers/cli-process.js';
import {
  ensureBuilt,
  killAll,
  runCliToEnd,
  startCli,
  startDevServerProcess,
  waitFor,
} from '../helpers/cli-process.js';

let vault: DevServerProcess;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  vault = await startDevServerProcess();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-liveops-'));
}, 120_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

/** Calls the dev server's dev-only paths with the root token. */
async function devApi(method: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${vault.address}/v1/sys/dev/${path}`, {
    method,
    headers: { 'x-vault-token': vault.token },
  });
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

async function pkiRequests(): Promise<number> {
  const reply = await devApi('GET', 'requests?prefix=pki/');
  const counts = (reply.data as { counts: Record<string, number> }).counts;
  return Object.entries(counts)
    .filter(([path]) => /^pki\/(issue|sign)\//.test(path))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function serial(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : new X509Certificate(text).serialNumber;
}

/** Whether something accepts connections on 127.0.0.1:PORT. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const config = (destination: string, apiAltName?: string) => `vault: { address: ${vault.address} }
state_dir: ${join(dir, 'state')}
listener: { address: "127.0.0.1:0" }
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
  api: { mount: pki, role: dev, common_name: api.example.test${apiAltName ? `, alt_names: [${apiAltName}]` : ''} }
templates:
  - { certificate: web, builtin: fullchain.pem, destination: ${join(dir, destination)} }
  - { certificate: web, builtin: key.pem, destination: ${join(dir, 'web.key')} }
  - { certificate: api, builtin: cert.pem, destination: ${join(dir, 'api.crt')} }
`;

describe('certagent run: live operations', () => {
  let agent: CliProcess;
  const file = () => join(dir, 'agent.yaml');

  it('SIGUSR1 re-issues every certificate exactly once and opens no inspector', async () => {
    expect(await listening(9229)).toBe(false);
    await writeFile(file(), config('web.crt'));
    agent = startCli(['run', '-c', file()], { env: { VAULT_TOKEN: vault.token } });
    const web = await waitFor(() => serial(join(dir, 'web.crt')), {
      timeoutMs: 20_000,
      what: 'web',
      process: agent,
    });
    const api = await waitFor(() => serial(join(dir, 'api.crt')), {
      timeoutMs: 20_000,
      what: 'api',
      process: agent,
    });
    await devApi('DELETE', 'requests');
    agent.child.kill('SIGUSR1');
    await waitFor(
      async () =>
        (await serial(join(dir, 'web.crt'))) !== web && (await serial(join(dir, 'api.crt'))) !== api,
      {
        what: 'both certificates rotated',
        process: agent,
      },
    );
    expect(await pkiRequests()).toBe(2);
    expect(await listening(9229)).toBe(false);
    expect(agent.output.stderr).not.toContain('Debugger listening');
    expect(agent.child.exitCode).toBeNull();
    expect(agent.output.stdout).toContain('SIGUSR1: forcing the rotation of every certificate');
  }, 60_000);

  it('certagent rotate web re-issues exactly that certificate through the listener', async () => {
    const address = await waitFor(
      () => /"address":"http:\/\/([^"]+)","msg":"listener started/.exec(agent.output.stdout)?.[1],
      {
        what: 'the listener address',
        process: agent,
      },
    );
    const web = await serial(join(dir, 'web.crt'));
    const api = await serial(join(dir, 'api.crt'));
    await devApi('DELETE', 'requests');
    const result = await runCliToEnd(['rotate', 'web', '--listener', address]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^certificate web rotated: serial [0-9a-f:]+, not after \d{4}-/);
    await waitFor(async () => (await serial(join(dir, 'web.crt'))) !== web, {
      what: 'web rotated',
      process: agent,
    });
    expect(await serial(join(dir, 'api.crt'))).toBe(api);
    expect(await pkiRequests()).toBe(1);
    const unknown = await runCliToEnd(['rotate', 'nope', '--listener', address]);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'certagent rotate: no certificate named "nope"\n']);
  }, 60_000);

  it('SIGHUP: a moved destination is written with no PKI request; a changed SAN re-issues only that certificate; a broken config is logged and ignored', async () => {
    const web = await serial(join(dir, 'web.crt'));
    await devApi('DELETE', 'requests');
    await writeFile(file(), config('moved.crt'));
    agent.child.kill('SIGHUP');
    expect(
      await waitFor(() => serial(join(dir, 'moved.crt')), { what: 'the moved file', process: agent }),
    ).toBe(web);
    expect(await pkiRequests()).toBe(0);

    // A changed SAN: that certificate's request changed, so it alone is re-issued.
    const api = await serial(join(dir, 'api.crt'));
    await devApi('DELETE', 'requests');
    await writeFile(file(), config('moved.crt', 'api2.example.test'));
    agent.child.kill('SIGHUP');
    await waitFor(async () => (await serial(join(dir, 'api.crt'))) !== api, {
      what: 'api re-issued',
      process: agent,
    });
    const apiCert = new X509Certificate(await readFile(join(dir, 'api.crt'), 'utf8'));
    expect(apiCert.subjectAltName).toContain('DNS:api2.example.test');
    expect(await pkiRequests()).toBe(1);
    expect(await serial(join(dir, 'moved.crt'))).toBe(web);

    await writeFile(file(), `${config('moved.crt', 'api2.example.test')}colour: red\n`);
    agent.child.kill('SIGHUP');
    await waitFor(() => agent.output.stdout.includes('configuration not reloaded (SIGHUP): 1 problem(s)'), {
      what: 'the refused reload',
      process: agent,
    });
    expect(agent.output.stdout).toMatch(/config reload: [^"]*agent\.yaml:\d+:1: colour: unknown key/);
    expect(agent.child.exitCode).toBeNull();
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(agent.output.stdout).toContain('"msg":"certagent stopped by SIGTERM"');
  }, 60_000);
});

describe('certagent run: watching', () => {
  it('an edited template source renders again, and a deleted destination comes back, within 2 s and without a PKI request', async () => {
    const source = join(dir, 'watch.hbs');
    const out = join(dir, 'watch.txt');
    const yaml = join(dir, 'watch.yaml');
    await writeFile(source, 'v1 {{serial_number}}\n');
    await writeFile(
      yaml,
      `vault: { address: ${vault.address} }
state_dir: ${join(dir, 'watch-state')}
certificates:
  web: { mount: pki, role: dev, common_name: watch.example.test }
templates:
  - { certificate: web, source: ${source}, destination: ${out} }
`,
    );
    const agent = startCli(['run', '-c', yaml], { env: { VAULT_TOKEN: vault.token } });
    const first = await waitFor(() => readFile(out, 'utf8').catch(() => undefined), {
      timeoutMs: 20_000,
      what: 'the first render',
      process: agent,
    });
    expect(first).toMatch(/^v1 /);
    await devApi('DELETE', 'requests');

    await writeFile(source, 'v2 {{serial_number}}\n');
    const edited = Date.now();
    await waitFor(async () => (await readFile(out, 'utf8').catch(() => '')).startsWith('v2 '), {
      timeoutMs: 2_000,
      intervalMs: 50,
      what: 'the edited template rendered',
      process: agent,
    });
    const renderedIn = Date.now() - edited;

    await rm(out);
    const deleted = Date.now();
    await waitFor(async () => (await readFile(out, 'utf8').catch(() => '')).startsWith('v2 '), {
      timeoutMs: 2_000,
      intervalMs: 50,
      what: 'the deleted destination repaired',
      process: agent,
    });
    console.log(
      `template edit rendered in ${renderedIn} ms; deleted destination back in ${Date.now() - deleted} ms`,
    );
    expect(await pkiRequests()).toBe(0);
    expect(await agent.stop('SIGTERM')).toBe(0);
  }, 60_000);
});

describe('certagent --help', () => {
  it.each(['run', 'check', 'rotate', 'dev-server', 'version'])(
    '%s: --help, help CMD and -h print the same usage',
    async (name) => {
      const viaFlag = await runCliToEnd([name, '--help']);
      const viaHelp = await runCliToEnd(['help', name]);
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.stdout).toMatch(new RegExp(`^Usage: certagent ${name}`));
      expect(viaFlag.stdout).toContain('Example:\n  certagent ');
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
    },
  );

  it('a wrong flag prints the usage line and exits 2', async () => {
    const result = await runCliToEnd(['run', '--colour']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("certagent run: Unknown option '--colour'");
    expect(result.stderr).toContain('Usage: certagent run -c FILE');
  });
});
