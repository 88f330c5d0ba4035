import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeAll } from 'vitest';
import type { CertificateEvent } from '../../../../src/certs/certificate-events.js';
import {
  CertificateSource,
  type CertificateSourceOptions,
} from '../../../../src/certs/certificate-source.js';
import type { CertificateConfig } from '../../../../src/config/runtime-config.js';
import { serializeError } from '../../../../src/telemetry/serialize-error.js';
import { createTestCa, type TestCa } from '../../../helpers/test-ca.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeIssuer } from './fake-issuer.js';
import { MemoryStore } from './memory-store.js';

/** A sign-mode certificate with a 1-hour TTL and every kind of name. */
export const CONFIG: CertificateConfig = {
  name: 'web',
  mount: 'pki',
  role: 'dev',
  mode: 'sign',
  commonName: 'web.example.com',
  altNames: ['web2.example.com'],
  ipSans: ['127.0.0.1'],
  uriSans: ['spiffe://example.com/web'],
  ttlMs: 3_600_000,
  keyType: 'ec',
  keyBits: 256,
  renewThreshold: 0.67,
  renewBeforeMs: undefined,
  reuseKey: false,
};

/** Collects a source's events and lets a test wait for the next one of a type. */
export class EventLog {
  readonly events: CertificateEvent[] = [];
  #waiters: (() => void)[] = [];

  readonly listener = (event: CertificateEvent): void => {
    this.events.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  };

  /** Events of one type, in order. */
  of<T extends CertificateEvent['type']>(type: T): Extract<CertificateEvent, { type: T }>[] {
    return this.events.filter(
      (event): event is Extract<CertificateEvent, { type: T }> => event.type === type,
    );
  }

  /** Resolves once `count` events of the type have been seen. */
  async waitFor<T extends CertificateEvent['type']>(
    type: T,
    count = 1,
  ): Promise<Extract<CertificateEvent, { type: T }>> {
    while (this.of(type).length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.of(type)[count - 1] as Extract<CertificateEvent, { type: T }>;
  }
}

/** One source with fakes around it: clock, issuer, store, captured log lines and events. */
export interface Harness {
  readonly source: CertificateSource;
  readonly clock: FakeClock;
  readonly issuer: FakeIssuer;
  readonly store: MemoryStore;
  readonly events: EventLog;
  readonly logLines: () => string[];
}

/** Builds a harness; pass `shared` parts to simulate a restart on the same state. */
export function harness(
  ca: TestCa,
  overrides: Partial<CertificateSourceOptions> & { config?: CertificateConfig } = {},
  shared: { clock?: FakeClock; store?: MemoryStore; issuer?: FakeIssuer } = {},
): Harness {
  const clock = shared.clock ?? new FakeClock(Math.floor(Date.now() / 1000) * 1000 + 250);
  const issuer = shared.issuer ?? new FakeIssuer(ca, () => clock.now());
  const store = shared.store ?? new MemoryStore();
  const events = new EventLog();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const source = new CertificateSource({
    config: CONFIG,
    issuer,
    store,
    clock,
    random: () => 0,
    backoff: { minMs: 1_000, maxMs: 300_000 },
    // The agent's error serializer (telemetry/logger.ts), so tests see errors as the log shows them.
    logger: pino({ level: 'debug', serializers: { error: serializeError } }, sink),
    onEvent: events.listener,
    ...overrides,
  });
  return { source, clock, issuer, store, events, logLines: () => lines };
}

/** What a CertificateSource test file shares; see `useSourceSuite`. */
export interface SourceSuite {
  /** The file's test CA (made once, before its first test). */
  readonly ca: () => TestCa;
  /** A signal for one source or request, aborted after the test at the latest. */
  readonly signal: () => AbortSignal;
  /** Aborts every signal handed out so far: stops the test's sources before it checks how they ended. */
  readonly stop: () => void;
}

/**
 * The preamble of every CertificateSource test file: registers the hooks that make one test CA for the file and
 * abort, after each test, every signal it handed out, so no source outlives its test. Call it at the top level.
 */
export function useSourceSuite(): SourceSuite {
  let ca: TestCa | undefined;
  const controllers: AbortController[] = [];
  const stop = (): void => {
    for (const controller of controllers.splice(0)) controller.abort();
  };
  beforeAll(async () => {
    ca = await createTestCa();
  });
  afterEach(stop);
  return {
    ca: () => {
      if (!ca) throw new Error('the test CA is made in beforeAll: call ca() inside a test or hook');
      return ca;
    },
    signal: () => {
      const controller = new AbortController();
      controllers.push(controller);
      return controller.signal;
    },
    stop,
  };
}
