import { describe, expect, it } from 'vitest';
import { CertificateDeadlineError, retryDeadline } from '../../../src/agent/retry-deadline.js';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { CertificateSource } from '../../../src/certs/certificate-source.js';
import { Latest } from '../../../src/lib/latest.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const NOW = Date.UTC(2030, 0, 1);
const clock = new FakeClock(NOW);

function sources(notAfter?: number): Map<string, CertificateSource> {
  const bundle = new Latest<CertificateBundle>();
  if (notAfter !== undefined) bundle.set({ notAfter } as CertificateBundle);
  return new Map([['web', { bundle } as unknown as CertificateSource]]);
}

const failed = (retryInMs: number) =>
  ({ type: 'failed', certificate: 'web', error: new Error('vault down'), retryInMs }) as const;

async function outcome(deadline: ReturnType<typeof retryDeadline>): Promise<unknown> {
  const controller = new AbortController();
  const waiting = deadline.wait(controller.signal).then(
    () => 'kept running',
    (error: unknown) => error,
  );
  await Promise.resolve();
  controller.abort();
  return waiting;
}

describe('retryDeadline (exit_on_retry_failure)', () => {
  it('never ends the agent when the option is off', async () => {
    const deadline = retryDeadline(false, sources(), clock);
    deadline.onEvent(failed(1000));
    expect(await outcome(deadline)).toBe('kept running');
  });

  it('ends it when there is no certificate to fall back on, or the next retry comes after expiry', async () => {
    const none = retryDeadline(true, sources(), clock);
    none.onEvent(failed(1000));
    expect(await outcome(none)).toBeInstanceOf(CertificateDeadlineError);
    const late = retryDeadline(true, sources(NOW + 500), clock);
    late.onEvent(failed(1000));
    expect(await outcome(late)).toBeInstanceOf(CertificateDeadlineError);
  });

  it('keeps running while the current certificate outlives the next retry', async () => {
    const deadline = retryDeadline(true, sources(NOW + 60_000), clock);
    deadline.onEvent(failed(1000));
    expect(await outcome(deadline)).toBe('kept running');
  });
});
