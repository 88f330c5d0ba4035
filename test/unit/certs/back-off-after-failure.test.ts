import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../src/lib/errors.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import { harness, type Harness, useSourceSuite } from './support/source-harness.js';

// What a failed attempt leaves in the log: the error itself under `error`, so the logger's serializer keeps its
// stable code and cause chain (a message alone cannot be matched on or alerted on).

const { ca, signal, stop } = useSourceSuite();

function logged(h: Harness, msg: string): Record<string, unknown>[] {
  return h
    .logLines()
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

describe('backOffAfterFailure, as a source logs it', () => {
  it("logs a failed issuance with the error's type, code, status and cause chain", async () => {
    const h = harness(ca());
    const refused = new VaultHttpError({
      status: 403,
      method: 'PUT',
      path: 'pki/sign/dev',
      errors: ['permission denied'],
    });
    h.issuer.faults.push(
      new AgentError('ISSUE_FAILED', 'could not obtain certificate web', { cause: refused }),
    );
    const running = h.source.run(signal());
    await h.events.waitFor('failed');
    const [line] = logged(h, 'certificate request failed');
    expect(line).toMatchObject({
      certificate: 'web',
      attempt: 1,
      retry_in_ms: 1_000,
      error: {
        type: 'AgentError',
        code: 'ISSUE_FAILED',
        message: 'could not obtain certificate web',
        cause: { type: 'VaultHttpError', code: 'VAULT_HTTP', status: 403 },
      },
    });
    expect((line?.error as { cause: { message: string } }).cause.message).toContain('permission denied');
    stop();
    await running;
  });

  it('logs a rejected certificate with the check error’s code', async () => {
    const h = harness(ca());
    h.issuer.faults.push((issued) => ({ ...issued, caChain: [], issuingCa: '' }));
    const running = h.source.run(signal());
    await h.events.waitFor('failed');
    expect(logged(h, 'certificate rejected')[0]).toMatchObject({
      error: { type: 'CertificateCheckError', code: 'CERT_CHECK_FAILED' },
    });
    stop();
    await running;
  });

  it('logs a bundle that could not be saved with the code of the error and of its cause', async () => {
    const h = harness(ca());
    h.store.failSaves = true;
    await h.source.ensure(signal());
    expect(logged(h, 'certificate not saved to state_dir')[0]).toMatchObject({
      level: 50,
      error: { code: 'STATE_SAVE_FAILED', cause: { code: 'ENOSPC' } },
    });
  });

  it('logs a throwing event listener with its error', async () => {
    const h = harness(ca(), {
      onEvent: () => {
        throw Object.assign(new Error('listener bug'), { code: 'LISTENER_BUG' });
      },
    });
    await h.source.ensure(signal());
    expect(logged(h, 'certificate event listener failed')[0]).toMatchObject({
      error: { type: 'Error', code: 'LISTENER_BUG', message: 'listener bug' },
    });
  });
});
