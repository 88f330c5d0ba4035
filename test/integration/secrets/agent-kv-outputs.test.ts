// The agent against the dev server with a certificate and a KV secret: a keystore whose password is a KV key, a
// template of secrets only and an atomic directory group. A KV change re-renders within the refresh interval
// with no PKI request; a failing KV read keeps the files; no password reaches the log or /status.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { callVault, useDevServer } from '../../helpers/dev-server.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';

// Agent and dev server share a fake clock: a KV refresh or retry happens when the test moves the clock, so the
// re-render is checked against the refresh interval exactly instead of against real time with slack.
let clock: FakeClock;
const server = useDevServer(() => ({ clock: (clock = new FakeClock(Date.now())) }), 'each');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-kv-agent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PASSWORDS = ['keystore-pass-first', 'keystore-pass-second'];

async function putSecret(password: string, user: string): Promise<void> {
  const reply = await callVault(server(), 'POST', 'secret/data/app/db', {
    body: { data: { keystore_password: password, username: user } },
  });
  expect(reply.status).toBe(200);
}

const read = (path: string): Promise<string> => readFile(path, 'utf8');
/** The file's text, or '' while it does not exist yet. */
const text = (path: string): Promise<string> => read(path).catch(() => '');

function opensWith(path: string, password: string): boolean {
  try {
    execFileSync('openssl', ['pkcs12', '-info', '-noout', '-in', path, '-passin', 'env:P'], {
      env: { ...process.env, P: password },
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

describe('agent with KV secrets, a keystore and an atomic directory', () => {
  it('renders, re-renders on a KV change with 0 PKI requests, and keeps the files when KV fails', async () => {
    await putSecret(PASSWORDS[0]!, 'app-user-one');
    const configFile = join(dir, 'agent.yaml');
    await writeFile(
      configFile,
      `vault: { address: ${server().address} }
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: 1h }
secrets:
  app: { path: secret/data/app/db, refresh_interval: 1s }
templates:
  - certificate: web
    builtin: keystore.p12
    destination: ${join(dir, 'keystore.p12')}
    pkcs12: { password: { secret: app, key: keystore_password }, alias: web-tls }
  - contents: "DB_USER={{secret.app.data.username}}\\n"
    destination: ${join(dir, 'db.env')}
  - certificate: web
    output: { directory: ${join(dir, 'tls')}, layout: atomic }
    files:
      - { name: tls.key, builtin: key.pem }
      - { name: tls.crt, builtin: cert.pem }
`,
    );
    const config = await loadConfig([configFile], { env: { VAULT_TOKEN: server().rootToken }, cwd: dir });
    const log = new LogLines();
    const agent = createAgent({ config, logger: pino({ level: 'debug' }, log.stream), clock });
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    try {
      const keystore = join(dir, 'keystore.p12');
      const env = join(dir, 'db.env');
      // Each pass logs its summary after writing: the files are checked on every line, the first passes included.
      await log.until(async () => (await text(env)) === 'DB_USER=app-user-one\n', 'db.env', 15_000);
      await log.until(() => opensWith(keystore, PASSWORDS[0]!), 'the keystore', 15_000);
      await log.until(
        async () => (await text(join(dir, 'tls', 'tls.crt'))).includes('BEGIN'),
        'tls.crt',
        15_000,
      );
      // The pass reports to health once all its files are written.
      await log.until(() => agent.health.readiness(clock.now()).ready, 'readiness');
      const pkiBefore = server().requests.countMatching('pki/');
      const generation = (await readdir(join(dir, 'tls'))).filter((entry) => /^\.\.\d/.test(entry));

      // A KV change: re-rendered at the next refresh (the 1 s interval ± 10% jitter), with no PKI request. The
      // source's refresh is the only sleep due that soon (the certificate renews in about 40 minutes).
      const changedAt = clock.now();
      await putSecret(PASSWORDS[1]!, 'app-user-two');
      clock.advanceTo(await withDeadline(clock.nextSleep(30_000), 10_000, 'the next KV refresh'));
      await log.until(async () => (await text(env)) === 'DB_USER=app-user-two\n', 'the new db.env');
      await log.until(() => opensWith(keystore, PASSWORDS[1]!), 'the keystore under the new password');
      expect(clock.now() - changedAt).toBeLessThanOrEqual(1100);
      expect(server().requests.countMatching('pki/')).toBe(pkiBefore);
      // The directory group does not read the secret: untouched, same generation.
      expect((await readdir(join(dir, 'tls'))).filter((entry) => /^\.\.\d/.test(entry))).toEqual(generation);

      // KV fails: the last good files stay, the failure is logged.
      server().faults.add({ pathPrefix: 'secret/data/app/db', status: 503 });
      const before = { env: await read(env), keystore: await readFile(keystore) };
      // Two failed reads (the retry included), each reached by moving the clock to the source's next wake-up: a
      // pass in between would have had its chance to write.
      const failures = (): number =>
        log.messages.filter((message) => message.startsWith('secret read failed')).length;
      for (let failed = 1; failed <= 2; failed++) {
        clock.advanceTo(await withDeadline(clock.nextSleep(30_000), 10_000, 'the next KV read'));
        await log.until(() => failures() >= failed, `failed KV read ${failed}`);
      }
      expect(await read(env)).toBe(before.env);
      expect((await readFile(keystore)).equals(before.keystore)).toBe(true);

      const lines = log.lines.map((line) => JSON.stringify(line));
      const everything = `${lines.join('\n')}\n${JSON.stringify(agent.health.status(clock.now()))}`;
      for (const password of PASSWORDS) expect(everything).not.toContain(password);
    } finally {
      stop.abort();
      await running.catch(() => undefined);
      await agent.close();
    }
  });

  it('keeps refreshing secrets after a reload replaced the Vault client and token', async () => {
    await putSecret(PASSWORDS[0]!, 'before-reload');
    const configFile = join(dir, 'reload.yaml');
    const write = (timeout: string) =>
      writeFile(
        configFile,
        `vault: { address: ${server().address}, request_timeout: ${timeout} }
state_dir: ${join(dir, 'state')}
secrets:
  app: { path: secret/data/app/db, refresh_interval: 1s }
templates:
  - contents: "USER={{secret.app.data.username}}\\n"
    destination: ${join(dir, 'reload.env')}
`,
      );
    const load = () => loadConfig([configFile], { env: { VAULT_TOKEN: server().rootToken }, cwd: dir });
    await write('30s');
    const log = new LogLines();
    const agent = createAgent({
      config: await load(),
      loadConfig: load,
      logger: pino({ level: 'debug' }, log.stream),
      clock,
    });
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    const env = join(dir, 'reload.env');
    try {
      await log.until(async () => (await text(env)) === 'USER=before-reload\n', 'the first render', 15_000);
      // A changed vault block: a new client and a new token; the old client is closed.
      await write('31s');
      expect(await agent.reload('test')).toBe(true);
      await putSecret(PASSWORDS[1]!, 'after-reload');
      clock.advanceTo(await withDeadline(clock.nextSleep(30_000), 10_000, 'the next KV refresh'));
      await log.until(async () => (await text(env)) === 'USER=after-reload\n', 'the render after the reload');
    } finally {
      stop.abort();
      await running.catch(() => undefined);
      await agent.close();
    }
  });

  it('run --once with secrets only: renders them; a secret that cannot be read fails the run', async () => {
    await putSecret(PASSWORDS[0]!, 'once-user');
    const configFile = join(dir, 'once.yaml');
    const write = (path: string) =>
      writeFile(
        configFile,
        `vault: { address: ${server().address} }
state_dir: ${join(dir, 'state')}
secrets:
  app: { path: ${path} }
templates:
  - contents: "USER={{secret.app.data.username}}\\n"
    destination: ${join(dir, 'once.env')}
`,
      );
    const once = async () => {
      const config = await loadConfig([configFile], { env: { VAULT_TOKEN: server().rootToken }, cwd: dir });
      const agent = createAgent({ config, logger: pino({ level: 'silent' }), once: true, clock });
      try {
        return await agent.runOnce(AbortSignal.timeout(20_000));
      } finally {
        await agent.close();
      }
    };
    await write('secret/data/app/db');
    expect((await once()).ok).toBe(true);
    expect(await read(join(dir, 'once.env'))).toBe('USER=once-user\n');
    await write('secret/data/app/missing');
    await rm(join(dir, 'once.env'));
    const report = await once();
    expect(report.ok).toBe(false);
    expect(report.pass?.templates?.[0]?.result).toBe('pending');
  });
});
