import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthState } from '../../../src/telemetry/health.js';
import type { ListenerOptions, RunningListener } from '../../../src/telemetry/listener.js';
import { isLoopbackPeer, startListener } from '../../../src/telemetry/listener.js';
import { AgentMetrics } from '../../../src/telemetry/metrics.js';

let listeners: RunningListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  listeners = [];
});

async function start(overrides: Partial<ListenerOptions>): Promise<RunningListener> {
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    health: new HealthState([], []),
    metrics: new AgentMetrics(),
    now: () => Date.now(),
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  listeners.push(listener);
  return listener;
}

describe('POST /v1/rotate/NAME', () => {
  it('rotates a known certificate and answers its new serial once issued', async () => {
    const asked: string[] = [];
    const listener = await start({
      rotate: (name) => {
        asked.push(name);
        return name === 'web'
          ? Promise.resolve({ certificate: 'web', serial: '0b', notAfter: 0 })
          : undefined;
      },
    });
    const ok = await fetch(`${listener.address}/v1/rotate/web`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      certificate: 'web',
      serial: '0b',
      not_after: '1970-01-01T00:00:00.000Z',
    });
    const unknown = await fetch(`${listener.address}/v1/rotate/nope`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no certificate named "nope"' });
    expect(asked).toEqual(['web', 'nope']);
  });

  it('answers 502 with the reason when the issuance failed, and 405 to a GET', async () => {
    const listener = await start({ rotate: () => Promise.reject(new Error('Vault is sealed')) });
    const failed = await fetch(`${listener.address}/v1/rotate/web`, { method: 'POST' });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ error: 'Vault is sealed', retrying: true });
    const get = await fetch(`${listener.address}/v1/rotate/web`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('refuses peers that are not trusted (loopback) with 403, without rotating', async () => {
    const asked: string[] = [];
    const listener = await start({
      isTrustedPeer: () => false,
      rotate: (name) => {
        asked.push(name);
        return undefined;
      },
    });
    const refused = await fetch(`${listener.address}/v1/rotate/web`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(asked).toEqual([]);
  });

  it('is not served when the agent gives no rotate function (404)', async () => {
    const listener = await start({});
    expect((await fetch(`${listener.address}/v1/rotate/web`, { method: 'POST' })).status).toBe(404);
  });
});

describe('isLoopbackPeer', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
    ['1127.0.0.1', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackPeer(address)).toBe(expected);
  });
});
