// The daemon against a dev server in another process, with certificates short enough to watch several renewals:
// an 8 s certificate on the dev role (notBefore back-dated 30 s) must be renewed about every 5–6 s, measured from
// when it was obtained — not from notBefore, which would make it look due the moment it arrives.

import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServerProcess } from '../helpers/cli-process.js';
import {
  ROOT,
  ensureBuilt,
  killAll,
  startCli,
  startDevServerProcess,
  waitFor,
} from '../helpers/cli-process.js';

const PROBE = join(ROOT, 'test/e2e/fixtures/tls-pair-probe.mjs');
const WATCH_MS = 20_000;

let vault: DevServerProcess;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  vault = await startDevServerProcess();
  dir = await mkdtemp(join(tmpdir(), 'certagent-e2e-daemon-'));
}, 120_000);

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

interface Observation {
  readonly serial: string;
  readonly match: boolean;
}

/** Reads cert and key twice; a pair that changed between the reads was caught mid-pass and is read again. */
async function observe(cert: string, key: string): Promise<Observation | undefined> {
  try {
    const [c1, k1] = [await readFile(cert, 'utf8'), await readFile(key, 'utf8')];
    const [c2, k2] = [await readFile(cert, 'utf8'), await readFile(key, 'utf8')];
    if (c1 !== c2 || k1 !== k2) return undefined;
    const x509 = new X509Certificate(c1);
    const spki = (k: string) => createPublicKey(k).export({ type: 'spki', format: 'der' });
    return {
      serial: x509.serialNumber,
      match: x509.publicKey.export({ type: 'spki', format: 'der' }).equals(spki(k1)),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

describe('certagent run (daemon)', () => {
  it('renews an 8 s certificate every 5–6 s, files changing together, the command once per renewal', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const probeLog = join(dir, 'reloads.jsonl');
    const config = join(dir, 'agent.yaml');
    const reload = JSON.stringify([process.execPath, PROBE, probeLog, cert, key]);
    await writeFile(
      config,
      `vault: { address: ${vault.address} }
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: 8s }
templates:
  - { certificate: web, builtin: key.pem, destination: ${key}, exec: { command: ${reload} } }
  - { certificate: web, builtin: cert.pem, destination: ${cert}, exec: { command: ${reload} } }
`,
    );
    const agent = startCli(['run', '-c', config], { env: { VAULT_TOKEN: vault.token } });
    const first = await waitFor(() => observe(cert, key), {
      timeoutMs: 20_000,
      what: 'the first files',
      process: agent,
    });
    const serials = new Set([first.serial]);
    const mismatches: string[] = [];
    const started = Date.now();
    while (Date.now() - started < WATCH_MS) {
      const seen = await observe(cert, key);
      if (seen) {
        serials.add(seen.serial);
        if (!seen.match) mismatches.push(seen.serial);
      }
      if (agent.child.exitCode !== null) throw new Error(`agent exited: ${agent.output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The last pass's command may still be starting (a node process takes a while on a loaded machine): wait for
    // a run for every serial seen before stopping, or the stop would abort it and the count below would be short.
    const readRuns = async () =>
      (await readFile(probeLog, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { serial: string; match: boolean });
    await waitFor(
      async () => {
        const recorded = new Set((await readRuns()).map((run) => run.serial));
        return [...serials].every((serial) => recorded.has(serial)) || undefined;
      },
      { timeoutMs: 20_000, what: 'a reload run for every serial seen', process: agent },
    );
    expect(await agent.stop('SIGTERM')).toBe(0);

    expect(mismatches).toEqual([]);
    expect(serials.size).toBeGreaterThanOrEqual(3);
    expect(serials.size).toBeLessThanOrEqual(8);
    const runs = await readRuns();
    // One run per certificate obtained (the command is on both templates: it runs once per pass, not twice).
    expect(runs.every((run) => run.match)).toBe(true);
    expect(new Set(runs.map((run) => run.serial)).size).toBe(runs.length);
    expect(runs.length).toBeGreaterThanOrEqual(serials.size);
    expect(runs.length).toBeLessThanOrEqual(serials.size + 1);
  }, 90_000);
});
