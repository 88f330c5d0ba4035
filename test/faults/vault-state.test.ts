// Vault there but changed under the agent: sealed for a while, restarted with a new PKI CA, the agent's token
// revoked. Time-compressed (TIME_FACTOR): the agent and the in-process dev server share a ScaledClock.

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { callVault } from '../helpers/dev-server.js';
import { readPair, scratchDir, startAgent, startVault, stopAll, webConfig } from './support/agent-harness.js';
import { refreshReportAfterAll, round, scenario } from './support/reliability-report.js';
import { ScaledClock, TIME_FACTOR, pollUntil } from './support/scaled-clock.js';

afterEach(stopAll);
refreshReportAfterAll();

async function setUp(name: string, extra: { top?: string } = {}) {
  const clock = new ScaledClock(TIME_FACTOR);
  const dir = await scratchDir(name);
  await mkdir(join(dir, 'out'));
  const vault = await startVault({ clock });
  const cert = join(dir, 'out/cert.pem');
  const key = join(dir, 'out/key.pem');
  return { clock, dir, vault, cert, key, extra };
}

describe('Vault state changes', () => {
  scenario(
    'sealed',
    async (obs) => {
      const { clock, dir, vault, cert, key } = await setUp('sealed');
      const running = startAgent({ yaml: webConfig(vault.address, dir, { ttl: '30s' }), clock });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      vault.seal();
      const sealedAt = clock.now();
      await pollUntil(
        clock,
        async () => (await running.metric('certificateIssues', { result: 'failure' })) > 0,
        30_000,
        'a failed renewal',
      );
      await clock.wait(4_000);
      const kept = (await readPair(cert, key))?.serial === first.serial;
      const failures = await running.metric('certificateIssues', { result: 'failure' });
      const sealedLines = running.logs.filter((l) => JSON.stringify(l).includes('sealed')).length;
      vault.unseal();
      const unsealedAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => ((p) => p?.match && p.serial !== first.serial)(await readPair(cert, key)),
        30_000,
        'a renewal after unseal',
      );
      obs.note(
        `virtual time: sealed ${round((unsealedAt - sealedAt) / 1000)} s across the renewal time (ttl 30 s): ` +
          `${failures} failed renewals, ${sealedLines} log lines saying "sealed", files kept: ${kept}; ` +
          `renewed ${round((renewed.at - unsealedAt) / 1000)} s after unseal`,
      );
      expect(kept).toBe(true);
      expect(failures).toBeLessThanOrEqual(10);
      expect(renewed.at - unsealedAt).toBeLessThanOrEqual(5_000);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'vault-new-ca',
    async (obs) => {
      const { clock, dir, vault, cert, key } = await setUp('new-ca');
      const caFile = join(dir, 'out/ca.pem');
      const yaml = `${webConfig(vault.address, dir, { ttl: '20s' })}  - { certificate: web, builtin: ca.pem, destination: ${caFile} }\n`;
      const running = startAgent({ yaml, clock });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      const oldCa = await readFile(caFile, 'utf8');
      const port = Number(new URL(vault.address).port);
      await vault.close();
      const replacement = await startVault({ clock, port });
      const restartedAt = clock.now();
      const newCa = (await callVault(replacement, 'GET', 'pki/ca/pem')).text;
      expect(newCa).not.toBe(oldCa);
      const renewed = await pollUntil(
        clock,
        async () => {
          const pair = await readPair(cert, key);
          const ca = await readFile(caFile, 'utf8');
          if (!pair?.match || pair.serial === first.serial || ca.trim() !== newCa.trim()) return undefined;
          return new X509Certificate(await readFile(cert)).verify(new X509Certificate(ca).publicKey);
        },
        30_000,
        'a certificate from the new CA with the new CA file',
      );
      const failures = await running.metric('certificateIssues', { result: 'failure' });
      obs.note(
        `virtual time: Vault replaced by one with a new root CA; at the next renewal (${round((renewed.at - restartedAt) / 1000)} s later) ` +
          `key, certificate (verified by the new CA) and ca.pem changed together; ${failures} failed requests`,
      );
      expect(renewed.value).toBe(true);
      expect(failures).toBeLessThanOrEqual(2);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'token-revoked',
    async (obs) => {
      const { clock, dir, vault, cert, key } = await setUp('revoked');
      const root = (method: string, path: string, body?: unknown) => callVault(vault, method, path, { body });
      await root('POST', 'sys/auth/approle', { type: 'approle' });
      await root('PUT', 'sys/policies/acl/certagent', {
        policy: 'path "pki/sign/dev" { capabilities = ["update"] }',
      });
      await root('POST', 'auth/approle/role/agent', { token_ttl: '1h', token_policies: 'certagent' });
      const roleId = (await root('GET', 'auth/approle/role/agent/role-id')).json.data.role_id as string;
      const secretId = (await root('POST', 'auth/approle/role/agent/secret-id', {})).json.data
        .secret_id as string;
      await writeFile(join(dir, 'role-id'), roleId);
      await writeFile(join(dir, 'secret-id'), secretId);
      const sink = join(dir, 'token');
      const top = `auto_auth:
  method:
    type: approle
    config: { role_id_file_path: ${join(dir, 'role-id')}, secret_id_file_path: ${join(dir, 'secret-id')} }
  sinks: [{ type: file, config: { path: ${sink} } }]`;
      const running = startAgent({ yaml: webConfig(vault.address, dir, { ttl: '20s', top }), clock });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      const token = (await readFile(sink, 'utf8')).trim();
      expect((await callVault(vault, 'POST', 'auth/token/revoke-self', { token })).status).toBe(204);
      const revokedAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => ((p) => p?.match && p.serial !== first.serial)(await readPair(cert, key)),
        30_000,
        'a renewal with a new token',
      );
      const logins = await running.metric('authLogins', { result: 'success' });
      const forbidden = vault.requests.entries.filter((r) => r.status === 403).length;
      const newToken = (await readFile(sink, 'utf8')).trim();
      obs.note(
        `virtual time: token revoked; ${forbidden} request(s) answered 403, ${logins} successful logins in all, ` +
          `sink rewritten: ${newToken !== token}; certificate renewed ${round((renewed.at - revokedAt) / 1000)} s after the revocation`,
      );
      expect(logins).toBe(2);
      expect(newToken).not.toBe(token);
    },
    { timeoutMs: 60_000 },
  );
});
