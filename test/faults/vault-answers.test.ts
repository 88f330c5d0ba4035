// Vault answering badly: slower than the request timeout (real time: the timeout is undici's), rate limited with
// 429 + Retry-After, and a certificate that does not match the key (time-compressed, TIME_FACTOR).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { createVaultClient } from '../../src/vault/vault-client.js';
import type { VaultClient, VaultEnvelope, VaultRequest } from '../../src/vault/types.js';
import { callVault } from '../helpers/dev-server.js';
import { testVaultConfig } from '../helpers/vault-config.js';
import { readPair, scratchDir, startAgent, startVault, stopAll, webConfig } from './support/agent-harness.js';
import { refreshReportAfterAll, round, scenario } from './support/reliability-report.js';
import { ScaledClock, TIME_FACTOR, pollUntil } from './support/scaled-clock.js';
import { startVaultProxy } from './support/vault-proxy.js';

afterEach(stopAll);
refreshReportAfterAll();

async function outDir(name: string) {
  const dir = await scratchDir(name);
  await mkdir(join(dir, 'out'));
  return { dir, cert: join(dir, 'out/cert.pem'), key: join(dir, 'out/key.pem') };
}

describe('Vault answering badly', () => {
  scenario(
    'slow-vault',
    async (obs) => {
      const { dir, cert, key } = await outDir('slow');
      const vault = await startVault();
      vault.faults.add({ pathPrefix: 'pki/', latencyMs: 3000, count: 2 });
      const started = Date.now();
      const running = startAgent({
        yaml: webConfig(vault.address, dir, { vaultExtra: ', request_timeout: 1s' }),
      });
      const { at } = await pollUntil(systemClock, () => readPair(cert, key), 15_000, 'the files');
      const failures = await running.metric('certificateIssues', { result: 'failure' });
      const { values } = await running.agent.metrics.vaultRequestDuration.get();
      const abandoned = values.filter((v) => v.labels.status === 'error' && v.metricName?.endsWith('_sum'));
      const count = values.filter((v) => v.labels.status === 'error' && v.metricName?.endsWith('_count'));
      const n = count.reduce((s, v) => s + v.value, 0);
      const mean = n === 0 ? 0 : abandoned.reduce((s, v) => s + v.value, 0) / n;
      obs.note(
        `real time: request_timeout 1 s, the first 2 certificate requests take 3 s: ${failures} failed attempts, ` +
          `${n} requests abandoned after ${round(mean, 2)} s on average; files written ${round((at - started) / 1000)} s after start`,
      );
      expect(failures).toBe(2);
      expect(mean).toBeLessThan(1.5);
      expect(at - started).toBeLessThan(15_000);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'rate-limited',
    async (obs) => {
      const clock = new ScaledClock(TIME_FACTOR);
      const { dir, cert, key } = await outDir('429');
      const vault = await startVault({ clock });
      const proxy = await startVaultProxy(vault.address, clock);
      const limitedUntil = clock.now() + 25_000;
      proxy.rule = (path) =>
        path.startsWith('pki/') && clock.now() < limitedUntil
          ? {
              status: 429,
              headers: { 'Retry-After': '10' },
              errors: ['request path "pki/sign/dev": rate limit quota exceeded'],
            }
          : undefined;
      const started = clock.now();
      startAgent({ yaml: webConfig(proxy.address, dir), clock });
      const { at } = await pollUntil(clock, () => readPair(cert, key), 60_000, 'the files');
      const pki = proxy.records.filter((r) => r.path.startsWith('pki/'));
      const limited = pki.filter((r) => r.injected === 429);
      const early = pki.slice(1).filter((r, i) => pki[i]!.injected === 429 && r.time - pki[i]!.time < 9_500);
      const gaps = pki.slice(1).map((r, i) => round((r.time - pki[i]!.time) / 1000));
      obs.note(
        `virtual time: 429 with Retry-After: 10 for 25 s: ${limited.length} requests rate limited, ` +
          `${early.length} retried before Retry-After (gaps ${gaps.join(', ')} s); files ${round((at - started) / 1000)} s after start`,
      );
      expect(early).toEqual([]);
      expect(at - limitedUntil).toBeLessThan(12_000);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'key-mismatch',
    async (obs) => {
      const clock = new ScaledClock(TIME_FACTOR);
      const { dir, cert, key } = await outDir('mismatch');
      const vault = await startVault({ clock });
      const foreign = (
        await callVault(vault, 'POST', 'pki/issue/dev', {
          body: { common_name: 'web.example.test', ttl: '1h' },
        })
      ).json.data.certificate as string;
      const real = createVaultClient(testVaultConfig(vault.address));
      let tamper = false;
      let tampered = 0;
      const client: VaultClient = {
        async request<D>(request: VaultRequest) {
          const answer = await real.request<D>(request);
          if (!tamper || !request.path.startsWith('pki/sign/') || !answer?.data) return answer;
          tampered++;
          return { ...answer, data: { ...answer.data, certificate: foreign } } as VaultEnvelope<D>;
        },
        requestText: (request) => real.requestText(request),
        close: () => real.close(),
      };
      const running = startAgent({
        yaml: webConfig(vault.address, dir, { ttl: '20s' }),
        clock,
        vault: client,
      });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      tamper = true;
      await pollUntil(clock, () => tampered > 0, 30_000, 'a renewal answered with a foreign certificate');
      const since = clock.now();
      let mismatches = 0;
      while (clock.now() - since < 60_000) {
        const pair = await readPair(cert, key);
        if (pair && !pair.match) mismatches++;
        await systemClock.sleep(20);
      }
      const rejected = running.lines('certificate rejected').length;
      const onDisk = await readPair(cert, key);
      obs.note(
        `virtual time: from the first renewal on, every answer holds a certificate for another key: ${tampered} such answers ` +
          `(over the 60 s that followed the first), ${rejected} logged as "certificate rejected", mismatched pairs seen on disk: ` +
          `${mismatches}; the previous pair kept: ${onDisk?.serial === first.serial}`,
      );
      expect(mismatches).toBe(0);
      expect(onDisk?.serial).toBe(first.serial);
      expect(tampered).toBeLessThanOrEqual(10);
    },
    { timeoutMs: 60_000 },
  );
});
