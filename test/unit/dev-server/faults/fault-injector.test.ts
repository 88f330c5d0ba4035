import { describe, expect, it } from 'vitest';
import { FaultInjector, InvalidFaultError } from '../../../../src/dev-server/faults/fault-injector.js';
import { RequestLog } from '../../../../src/dev-server/faults/request-log.js';

describe('FaultInjector', () => {
  it('answers the status for the next N matching requests, then stops', () => {
    const faults = new FaultInjector();
    faults.add({ pathPrefix: '/v1/pki/issue/', status: 503, count: 2 });
    expect(faults.take('auth/token/lookup-self')).toBeUndefined();
    expect(faults.take('pki/issue/dev')?.status).toBe(503);
    expect(faults.take('pki/issue/dev')).toMatchObject({
      status: 503,
      message: 'injected fault',
      reset: false,
    });
    expect(faults.take('pki/issue/dev')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('adds up latencies and lets the oldest status or reset fault decide', () => {
    const faults = new FaultInjector();
    faults.add({ pathPrefix: 'pki/', latencyMs: 20 });
    faults.add({ pathPrefix: 'pki/sign', reset: true, count: 1, latencyMs: 5 });
    faults.add({ pathPrefix: 'pki/', status: 500, count: 1 });
    expect(faults.take('pki/sign/dev')).toEqual({
      latencyMs: 25,
      status: undefined,
      message: 'injected fault',
      reset: true,
    });
    // The reset was spent; the 500 (not spent before) decides now.
    expect(faults.take('pki/sign/dev')).toMatchObject({ latencyMs: 20, status: 500 });
    expect(faults.take('pki/sign/dev')).toEqual({
      latencyMs: 20,
      status: undefined,
      message: '',
      reset: false,
    });
  });

  it('keeps an unlimited fault until cleared', () => {
    const faults = new FaultInjector();
    faults.add({ pathPrefix: '', status: 429, message: 'slow down' });
    for (let i = 0; i < 5; i++) expect(faults.take('sys/mounts')?.message).toBe('slow down');
    faults.clear();
    expect(faults.take('sys/mounts')).toBeUndefined();
  });

  it('refuses specifications that make no sense', () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ pathPrefix: 'x' })).toThrow(InvalidFaultError);
    expect(() => faults.add({ pathPrefix: 'x', status: 99 })).toThrow(/status must be an integer/);
    expect(() => faults.add({ pathPrefix: 'x', status: 500, count: 0 })).toThrow(/count must be a positive/);
    expect(() => faults.add({ pathPrefix: 'x', status: 500, reset: true })).toThrow(/both/);
    expect(() => faults.add({ pathPrefix: 'x', latencyMs: -1 })).toThrow(/latencyMs/);
  });
});

describe('RequestLog', () => {
  it('counts requests by path prefix and clears', () => {
    const log = new RequestLog();
    for (const path of ['pki/issue/dev', 'pki/issue/dev', 'pki/sign/dev', 'auth/token/renew-self']) {
      log.record({ method: 'POST', path, status: 200, time: 1 });
    }
    expect(log.countMatching('pki/')).toBe(3);
    expect(log.countMatching('/v1/pki/issue')).toBe(2);
    expect(log.length).toBe(4);
    expect(log.countsByPath('pki/')).toEqual({ 'pki/issue/dev': 2, 'pki/sign/dev': 1 });
    expect(log.entries[3]).toEqual({ method: 'POST', path: 'auth/token/renew-self', status: 200, time: 1 });
    log.clear();
    expect(log.countMatching('')).toBe(0);
    expect(log.entries).toEqual([]);
  });
});
