// The documented policy (examples/policies/certagent.hcl) against the agent: under it the agent gets its
// certificate (sign mode) from the dev server; under a policy without `pki/sign` it fails clearly, the 403 and
// Vault's "permission denied" named in its log and in /status.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { ROOT } from '../../helpers/cli-process.js';
import { callVault, useDevServer } from '../../helpers/dev-server.js';
import { LogLines } from '../../helpers/log-lines.js';
import { createLogger } from '../../../src/telemetry/logger.js';

const server = useDevServer({}, 'each');
const EXAMPLE = join(ROOT, 'examples/policies/certagent.hcl');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-policy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `document` as policy `certagent`, and returns a token that has only it (and default). */
async function tokenUnder(document: string): Promise<string> {
  const write = await callVault(server(), 'PUT', 'sys/policies/acl/certagent', {
    body: { policy: document },
  });
  expect(write.status).toBe(204);
  const created = await callVault(server(), 'POST', 'auth/token/create', {
    body: { policies: ['certagent'], no_default_policy: true, ttl: '1h' },
  });
  expect(created.json.auth.policies).toEqual(['certagent']);
  return created.json.auth.client_token as string;
}

/** The agent (sign mode, the dev role) with this token, and its log lines. */
async function makeAgent(token: string) {
  const configFile = join(dir, 'agent.yaml');
  await writeFile(
    configFile,
    `vault: { address: ${server().address} }
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: 1h }
templates:
  - { certificate: web, builtin: cert.pem, destination: ${join(dir, 'cert.pem')} }
`,
  );
  const config = await loadConfig([configFile], { env: { VAULT_TOKEN: token }, cwd: dir });
  const log = new LogLines();
  // The agent's own logger: its error serializer is what puts Vault's message and the error code in the line.
  const agent = createAgent({
    config,
    logger: createLogger({ level: 'info', format: 'json' }, log.stream).logger,
  });
  return { agent, log };
}

/** Runs the agent once; returns its report. */
async function runAgentOnce(token: string) {
  const { agent } = await makeAgent(token);
  try {
    return { report: await agent.runOnce(AbortSignal.timeout(30_000)) };
  } finally {
    await agent.close();
  }
}

/** Runs the daemon until its /status shows a certificate error; returns that status and the log. */
async function runDaemonUntilCertificateError(token: string) {
  const { agent, log } = await makeAgent(token);
  const stop = new AbortController();
  const running = agent.run(stop.signal).catch((error: unknown) => error);
  try {
    // The source logs the failure, then reports it to the health state in the same turn: checked on each line.
    const status = await log.until(
      () => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the /status document, read as JSON
        const current: any = agent.health.status(Date.now());
        return current.certificates.web.last_error !== null && current;
      },
      'a certificate error in /status',
      20_000,
    );
    return { status, log: log.lines.map((line) => JSON.stringify(line)).join('\n') };
  } finally {
    stop.abort();
    await running;
    await agent.close();
  }
}

describe('the agent under the documented policy', () => {
  it('gets and renders its certificate', async () => {
    const token = await tokenUnder(await readFile(EXAMPLE, 'utf8'));
    const { report } = await runAgentOnce(token);
    expect(report.ok).toBe(true);
    expect(await readFile(join(dir, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    // The token lifecycle paths of the example are enough on their own (the token has no default policy).
    const looked = await callVault(server(), 'GET', 'auth/token/lookup-self', { token });
    expect(looked.status).toBe(200);
    const renewed = await callVault(server(), 'POST', 'auth/token/renew-self', { token, body: {} });
    expect(renewed.status).toBe(200);
  });

  it('fails clearly under a policy without pki/sign: 403 permission denied in the log and /status', async () => {
    const withoutSign = (await readFile(EXAMPLE, 'utf8')).replace(/path "pki\/sign\/dev" \{[^}]*\}/, '');
    expect(withoutSign).not.toContain('pki/sign');
    const token = await tokenUnder(withoutSign);
    const { report } = await runAgentOnce(token);
    expect(report.ok).toBe(false);
    expect(report.failedCertificates).toEqual(['web']);
    const { log, status } = await runDaemonUntilCertificateError(token);
    expect(log).toMatch(/pki\/sign\/dev answered 403: 1 error occurred: \* permission denied/);
    expect(log).toMatch(/"code":"VAULT_HTTP","status":403/);
    expect(status.ready).toBe(false);
    expect(status.certificates.web.last_error).toMatch(/pki\/sign\/dev answered 403: .*permission denied/);
  });
});
