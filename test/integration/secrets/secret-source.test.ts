import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SecretSource } from '../../../src/secrets/secret-source.js';
import type { SecretConfig, SecretSourceOptions } from '../../../src/secrets/secret-source.js';
import { SecretRegistry } from '../../../src/lib/secret-registry.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { detectKvMount, readKvSecret } from '../../../src/vault/kv-api.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { callVault, useDevServer } from '../../helpers/dev-server.js';
import { testVaultConfig } from '../../helpers/vault-config.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const server = useDevServer();
const silent = pino({ level: 'silent' });

function clientFor() {
  return createVaultClient(testVaultConfig(server().address));
}

async function writeV2(path: string, data: Record<string, unknown>): Promise<void> {
  const reply = await callVault(server(), 'POST', `secret/data/${path}`, { body: { data } });
  expect(reply.status).toBe(200);
}

describe('KV API against the dev server', () => {
  it('detects a v2 mount (with or without data/ in the path) and reads the latest or a pinned version', async () => {
    const client = clientFor();
    try {
      await writeV2('app/db', { password: 'first-password' });
      await writeV2('app/db', { password: 'second-password' });
      const token = server().rootToken;
      for (const path of ['secret/data/app/db', 'secret/app/db']) {
        const location = await detectKvMount(client, token, path);
        expect(location).toEqual({ mount: 'secret', kvVersion: 2, key: 'app/db' });
      }
      const location = await detectKvMount(client, token, 'secret/data/app/db');
      expect((await readKvSecret(client, token, location)).data).toEqual({ password: 'second-password' });
      const pinned = await readKvSecret(client, token, location, 1);
      expect(pinned.data).toEqual({ password: 'first-password' });
      expect(pinned.metadata?.version).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('detects and reads a v1 mount', async () => {
    const client = clientFor();
    try {
      expect((await callVault(server(), 'POST', 'sys/mounts/kv1', { body: { type: 'kv' } })).status).toBe(
        204,
      );
      expect((await callVault(server(), 'POST', 'kv1/app/api', { body: { key: 'v1-api-key' } })).status).toBe(
        204,
      );
      const token = server().rootToken;
      const location = await detectKvMount(client, token, 'kv1/app/api');
      expect(location).toEqual({ mount: 'kv1', kvVersion: 1, key: 'app/api' });
      expect((await readKvSecret(client, token, location)).data).toEqual({ key: 'v1-api-key' });
    } finally {
      await client.close();
    }
  });
});

describe('SecretSource', () => {
  const config = (overrides: Partial<SecretConfig> = {}): SecretConfig => ({
    name: 'db',
    path: 'secret/data/source/db',
    version: undefined,
    mount: undefined,
    kvVersion: undefined,
    refreshMs: 60_000,
    ...overrides,
  });
  /** A source of config() read with the root token, backoff 1 s to 30 s, random() = 1; tests pass the rest. */
  const sourceWith = (fields: Pick<SecretSourceOptions, 'vault' | 'clock'> & Partial<SecretSourceOptions>) =>
    new SecretSource({
      config: config(),
      tokens: { current: async () => server().rootToken, reportInvalid: () => undefined },
      random: () => 1,
      backoff: { minMs: 1000, maxMs: 30_000 },
      secrets: new SecretRegistry(),
      logger: silent,
      ...fields,
    });

  it('scrubs every value of a secret, a key with a dot beside the same path nested included', async () => {
    const clock = new FakeClock();
    const registry = new SecretRegistry({ now: () => clock.now(), graceMs: 0 });
    await writeV2('source/db', { 'b.c': 'kv-dotted-key', b: { c: 'kv-nested-key' }, list: ['kv-list-item'] });
    const client = clientFor();
    const source = sourceWith({ vault: client, clock, secrets: registry });
    const stop = new AbortController();
    const running = source.run(stop.signal);
    try {
      await clock.nextSleep();
      expect(registry.scrub('kv-dotted-key kv-nested-key kv-list-item')).toBe(
        '[REDACTED] [REDACTED] [REDACTED]',
      );
      expect(registry.size).toBe(3);
    } finally {
      stop.abort();
      await running;
      await client.close();
    }
  });

  it('publishes the value, re-reads every interval with jitter, publishes only changes, registers values', async () => {
    const client = clientFor();
    const clock = new FakeClock();
    // No grace period: a superseded value is dropped at once, so the test sees whether values are superseded at all.
    const registry = new SecretRegistry({ now: () => clock.now(), graceMs: 0 });
    const invalid: string[] = [];
    await writeV2('source/db', { password: 'kv-password-one' });
    const source = sourceWith({
      vault: client,
      clock,
      tokens: { current: async () => server().rootToken, reportInvalid: (token) => invalid.push(token) },
      secrets: registry,
    });
    const stop = new AbortController();
    const running = source.run(stop.signal);
    try {
      await clock.nextSleep();
      expect(source.value.value?.data).toEqual({ password: 'kv-password-one' });
      expect(source.value.version).toBe(1);
      expect(clock.requested.at(-1)).toBe(66_000); // 60 s + 10% (random() = 1)
      expect(registry.scrub('x kv-password-one y')).toBe('x [REDACTED] y');

      // Unchanged: read again, nothing published.
      clock.advance(66_000);
      await clock.waitForSleeps(2);
      expect(source.value.version).toBe(1);

      await writeV2('source/db', { password: 'kv-password-two' });
      clock.advance(66_000);
      await clock.waitForSleeps(3);
      expect(source.value.value?.data).toEqual({ password: 'kv-password-two' });
      expect(source.value.version).toBe(2);
      // The rotated password replaced the old one in the registry: rotations do not pile up for the process's life.
      expect(registry.scrub('x kv-password-two y')).toBe('x [REDACTED] y');
      expect(registry.size).toBe(1);

      // A failing read keeps the last good value and retries with backoff.
      server().faults.add({ pathPrefix: 'secret/data/source/db', status: 500, count: 1 });
      clock.advance(66_000);
      await clock.waitForSleeps(4);
      expect(source.lastError).toMatch(/500/);
      expect(clock.requested.at(-1)).toBeLessThanOrEqual(1000);
      expect(source.value.value?.data).toEqual({ password: 'kv-password-two' });
      clock.advance(1000);
      await clock.waitForSleeps(5);
      expect(source.lastError).toBeUndefined();
      expect(invalid).toEqual([]);
    } finally {
      stop.abort();
      await running;
      await client.close();
    }
  });

  it('with a declared mount and kv_version, skips the detection request', async () => {
    const client = clientFor();
    const clock = new FakeClock();
    await writeV2('declared/db', { user: 'app' });
    server().requests.clear();
    const source = sourceWith({
      config: config({ path: 'secret/declared/db', mount: 'secret', kvVersion: 2 }),
      vault: client,
      clock,
      random: () => 0.5,
    });
    const stop = new AbortController();
    const running = source.run(stop.signal);
    try {
      await clock.nextSleep();
      expect(source.value.value?.data).toEqual({ user: 'app' });
      expect(server().requests.countMatching('sys/internal')).toBe(0);
      expect(clock.requested.at(-1)).toBe(60_000);
    } finally {
      stop.abort();
      await running;
      await client.close();
    }
  });
});

describe('SecretSource failures in the log', () => {
  it('logs a 403 with its stable code and status, and reports the token', async () => {
    const client = clientFor();
    let text = '';
    const { logger } = createLogger(
      { level: 'info' },
      new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) }),
    );
    const invalid: string[] = [];
    const source = new SecretSource({
      config: {
        name: 'db',
        path: 'secret/data/denied/db',
        version: undefined,
        mount: 'secret',
        kvVersion: 2,
        refreshMs: 60_000,
      },
      vault: client,
      tokens: {
        current: async () => 'hvs.not-a-token-of-this-server',
        reportInvalid: (t) => invalid.push(t),
      },
      clock: new FakeClock(),
      random: () => 0.5,
      backoff: { minMs: 1000, maxMs: 30_000 },
      secrets: new SecretRegistry(),
      logger,
    });
    try {
      await source.ensure(AbortSignal.timeout(10_000));
    } finally {
      await client.close();
    }
    expect(invalid).toEqual(['hvs.not-a-token-of-this-server']);
    const line = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'secret not read',
      secret_name: 'db',
      error: { type: 'VaultHttpError', code: 'VAULT_HTTP', status: 403 },
    });
    expect(source.lastError).toMatch(/answered 403/);
  });
});
