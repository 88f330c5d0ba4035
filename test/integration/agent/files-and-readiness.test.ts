// The composed agent against the in-process dev server: `run --once` as a bootstrap before the consumer runs
// (issue 7 point 3), stale temp files removed at start (point 8), and the readiness repro (point 1): a
// check failing via a flag file with ttl 8s must make /readyz unready once the file on disk has expired.

import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { useDevServer } from '../../helpers/dev-server.js';

const server = useDevServer({}, 'all');
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-agent-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function agentFor(exec: string, ttl = '1h', extra = '') {
  const text = `${extra}state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: ${ttl} }
templates:
  - { certificate: web, builtin: key.pem, destination: ${join(dir, 'tls', 'web.key')}${exec} }
  - { certificate: web, builtin: fullchain.pem, destination: ${join(dir, 'tls', 'web.crt')}${exec} }
`;
  const config = parseConfigTexts([{ file: join(dir, 'agent.yaml'), text }], {
    env: { VAULT_ADDR: server().address, VAULT_TOKEN: server().rootToken },
    cwd: dir,
    dev: false,
  });
  const lines: Record<string, unknown>[] = [];
  const { logger, secrets } = createLogger(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { agent: createAgent({ config, logger, secrets, once: true }), lines };
}

describe('run --once as a bootstrap before the consumer runs', () => {
  it('succeeds with every file in place when the reload fails (nginx not up yet), and names the command', async () => {
    const { agent, lines } = agentFor(', exec: { command: "exit 1" }');
    try {
      const report = await agent.runOnce(new AbortController().signal);
      expect(report).toMatchObject({ ok: true, failedCommands: ['exit 1'] });
    } finally {
      await agent.close();
    }
    expect((await readdir(join(dir, 'tls'))).sort()).toEqual(['web.crt', 'web.key']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        command: 'exit 1',
        msg: expect.stringMatching(/^run --once: the files are in place/),
      }),
    );
    // The failure is counted (certagent_command_runs_total), not only logged.
    expect(await agent.metrics.registry.metrics()).toMatch(
      /^certagent_command_runs_total\{kind="command",result="failure"\} 1$/m,
    );
  });

  it('fails when the check fails, and still leaves the first-ever files in place', async () => {
    const { agent } = agentFor(', exec: { check: "exit 1", command: "exit 0" }');
    try {
      expect((await agent.runOnce(new AbortController().signal)).ok).toBe(false);
    } finally {
      await agent.close();
    }
    expect((await readdir(join(dir, 'tls'))).sort()).toEqual(['web.crt', 'web.key']);
  });

  it('removes the temp files a killed run left beside the destinations and in state_dir, and counts them', async () => {
    await mkdir(join(dir, 'tls'), { recursive: true });
    await mkdir(join(dir, 'state', 'certificates'), { recursive: true });
    await writeFile(join(dir, 'tls', '.web.key.0123456789ab.tmp'), 'half a key', { mode: 0o600 });
    await writeFile(join(dir, 'state', 'certificates', '.web.json.abcdefabcdef.tmp'), '{', { mode: 0o600 });
    // A token sink's temp file holds a token: it goes too.
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', '.token.00112233aabb.tmp'), 'hvs.half', { mode: 0o600 });
    await writeFile(join(dir, 'root-token'), server().rootToken, { mode: 0o600 });
    const auth = `auto_auth:
  method: { type: token_file, config: { token_file_path: ${join(dir, 'root-token')} } }
  sinks: [{ type: file, config: { path: ${join(dir, 'run', 'token')} } }]
`;
    const { agent, lines } = agentFor('', '1h', auth);
    try {
      expect((await agent.runOnce(new AbortController().signal)).ok).toBe(true);
    } finally {
      await agent.close();
    }
    expect((await readdir(join(dir, 'tls'))).sort()).toEqual(['web.crt', 'web.key']);
    expect(await readdir(join(dir, 'state', 'certificates'))).toEqual(['web.json']);
    expect(await readdir(join(dir, 'run'))).not.toContain('.token.00112233aabb.tmp');
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'stale temp files from an interrupted run removed', removed: 3 }),
    );
  });
});

describe('readiness follows the files on disk', () => {
  // Issue 7 point 2: ttl 8s answered 503 on 27 of 100 polls on a healthy agent (lifetime measured from the
  // back-dated notBefore). Polled across at least one renewal, a healthy agent must stay ready.
  it('a healthy agent with ttl 8s stays ready across renewals (100 polls)', { timeout: 30_000 }, async () => {
    const { agent } = agentFor('', '8s');
    const controller = new AbortController();
    const running = agent.run(controller.signal);
    try {
      const deadline = Date.now() + 10_000;
      while (!agent.health.readiness(Date.now()).ready && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const firstSerial = agent.bundles.get('web')?.value?.serialNumber;
      const unready: string[] = [];
      for (let poll = 0; poll < 100; poll++) {
        const readiness = agent.health.readiness(Date.now());
        if (!readiness.ready) unready.push(...readiness.reasons);
        await new Promise((resolve) => setTimeout(resolve, 80));
      }
      expect(agent.bundles.get('web')?.value?.serialNumber).not.toBe(firstSerial);
      expect(unready).toEqual([]);
    } finally {
      controller.abort();
      await running.catch(() => undefined);
      await agent.close();
    }
  });

  it(
    'the issue repro: check failing via FLAG, ttl 8s → unready once the file on disk expired',
    { timeout: 60_000 },
    async () => {
      const flag = join(dir, 'FLAG');
      const { agent } = agentFor(`, exec: { check: ["sh", "-c", "test ! -e ${flag}"] }`, '8s');
      const controller = new AbortController();
      const running = agent.run(controller.signal);
      const cert = join(dir, 'tls', 'web.crt');
      const poll = async (what: () => Promise<boolean>, ms: number) => {
        const deadline = Date.now() + ms;
        while (!(await what())) {
          if (Date.now() > deadline) throw new Error('timed out waiting');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      try {
        await poll(async () => agent.health.readiness(Date.now()).ready, 10_000);
        await writeFile(flag, '');
        // A pass already past its check may still write a newer certificate: wait for the first failed pass, after
        // which the file on disk can no longer change.
        await poll(async () => agent.health.templates.every((t) => t.lastResult === 'error'), 20_000);
        const notAfter = async () => Date.parse(new X509Certificate(await readFile(cert)).validTo);
        // Until the file on disk expires, and a bit after: never ready while it is expired.
        const onDisk = agent.health.templates[1]!.times!.notAfter; // between passes, not mid-pass
        let seenUnready = false;
        await poll(async () => {
          const now = Date.now();
          const expired = (await notAfter()) <= now;
          const readiness = agent.health.readiness(now);
          if (expired) expect(readiness.ready).toBe(false);
          if (expired && !readiness.ready) {
            seenUnready = true;
            expect(readiness.reasons.join('\n')).toMatch(/expired at .*last pass failed: check/);
          }
          return seenUnready && now > onDisk + 1_000;
        }, 20_000);
        // The check kept failing, so the files hold the first certificate between passes (during a pass the new
        // files are in place while the check runs, so the file itself is not read here).
        expect(agent.health.templates.map((t) => t.times?.notAfter)).toEqual([onDisk, onDisk]);
      } finally {
        controller.abort();
        await running.catch(() => undefined);
        await agent.close();
      }
    },
  );
});
