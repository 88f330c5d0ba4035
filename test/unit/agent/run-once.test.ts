import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runOnce } from '../../../src/agent/run-once.js';
import type { OnceSource } from '../../../src/agent/run-once.js';
import type { TokenProvider } from '../../../src/auth/token-provider.js';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import { Latest } from '../../../src/lib/latest.js';

const logger = pino({ level: 'silent' });

function source(name: string, outcome: 'ok' | 'fail' | 'wait-for-abort'): OnceSource & { asked: number } {
  const bundle = new Latest<CertificateBundle>();
  const result = {
    bundle,
    asked: 0,
    ensure: async (signal: AbortSignal): Promise<CertificateBundle> => {
      result.asked++;
      if (outcome === 'fail') throw new Error(`${name}: permission denied`);
      if (outcome === 'wait-for-abort') {
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      }
      const value = { name, serialNumber: `${name}-1` } as unknown as CertificateBundle;
      bundle.set(value);
      return value;
    },
  };
  return result;
}

function tokens(
  run: (signal: AbortSignal) => Promise<void>,
): TokenProvider & { stopped: boolean; stoppedForShutdown: boolean } {
  let shutdown = false;
  const provider = {
    token: new Latest<string>(),
    stopped: false,
    /** Whether markShutdown had been called when its run ended (revoke_on_shutdown then applies). */
    stoppedForShutdown: false,
    current: async () => 't',
    reportInvalid: () => undefined,
    markShutdown: () => void (shutdown = true),
    run: async (signal: AbortSignal) => {
      try {
        await run(signal);
      } finally {
        provider.stopped = true;
        provider.stoppedForShutdown = shutdown;
      }
    },
  };
  return provider;
}

const untilAbort = (signal: AbortSignal) =>
  new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('runOnce', () => {
  it('ensures every certificate, renders once with all bundles, and stops the token provider', async () => {
    const seen: string[][] = [];
    const provider = tokens(untilAbort);
    const report = await runOnce(
      {
        tokens: provider,
        sources: new Map([
          ['a', source('a', 'ok')],
          ['b', source('b', 'ok')],
        ]),
        render: async (bundles) => {
          seen.push([...bundles.keys()]);
          return { ok: true };
        },
        logger,
      },
      new AbortController().signal,
    );
    expect(report).toEqual({ ok: true, failedCertificates: [], failedCommands: [], pass: { ok: true } });
    expect(seen).toEqual([['a', 'b']]);
    expect(provider.stopped).toBe(true);
    // The process ends with the run: the token provider is stopped for a shutdown (revoke_on_shutdown applies).
    expect(provider.stoppedForShutdown).toBe(true);
  });

  it('stopped from outside (SIGTERM), the token provider is stopped for a shutdown too', async () => {
    const provider = tokens(untilAbort);
    const stop = new AbortController();
    const running = runOnce(
      {
        tokens: provider,
        sources: new Map([['a', source('a', 'wait-for-abort')]]),
        render: async () => ({ ok: true }),
        logger,
      },
      stop.signal,
    );
    stop.abort(new Error('SIGTERM'));
    await running.catch(() => undefined);
    expect(provider.stopped).toBe(true);
    expect(provider.stoppedForShutdown).toBe(true);
  });

  it('still renders the certificates it got when another failed, and reports failure', async () => {
    const seen: string[][] = [];
    const report = await runOnce(
      {
        tokens: tokens(untilAbort),
        sources: new Map([
          ['a', source('a', 'fail')],
          ['b', source('b', 'ok')],
        ]),
        render: async (bundles) => {
          seen.push([...bundles.keys()]);
          return { ok: true };
        },
        logger,
      },
      new AbortController().signal,
    );
    expect(report.ok).toBe(false);
    expect(report.failedCertificates).toEqual(['a']);
    expect(seen).toEqual([['b']]);
  });

  it('reports a failed render pass as a failure', async () => {
    const report = await runOnce(
      {
        tokens: tokens(untilAbort),
        sources: new Map([['a', source('a', 'ok')]]),
        render: async () => ({ ok: false }),
        logger,
      },
      new AbortController().signal,
    );
    expect(report.ok).toBe(false);
  });

  // Issue 7 point 3: `run --once` as ExecStartPre / init container, before the consumer runs. The reload fails
  // (nginx is not up), the files are in place: the run succeeds and names the command that failed.
  it('succeeds when every file is in place though a reload command failed, and names the command', async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const report = await runOnce(
      {
        tokens: tokens(untilAbort),
        sources: new Map([['a', source('a', 'ok')]]),
        render: async () => ({
          ok: false,
          templates: [
            { destination: '/tls/a.crt', result: 'written' },
            { destination: '/tls/a.key', result: 'unchanged' },
          ],
          pendingCommands: [{ spec: { argv: ['systemctl', 'reload', 'nginx'] } }],
        }),
        logger: capture,
      },
      new AbortController().signal,
    );
    expect(report).toMatchObject({ ok: true, failedCommands: ['systemctl reload nginx'] });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        command: 'systemctl reload nginx',
        msg: expect.stringMatching(/^run --once: the files are in place but this command failed/),
      }),
    );
  });

  it('fails when a check failed or a file could not be written, even if no command failed', async () => {
    const report = await runOnce(
      {
        tokens: tokens(untilAbort),
        sources: new Map([['a', source('a', 'ok')]]),
        render: async () => ({
          ok: false,
          templates: [
            { destination: '/tls/a.crt', result: 'error' },
            { destination: '/tls/a.key', result: 'written' },
          ],
          pendingCommands: [],
        }),
        logger,
      },
      new AbortController().signal,
    );
    expect(report).toMatchObject({ ok: false, failedCommands: [] });
  });

  it('gives up instead of waiting when the token provider fails for good', async () => {
    const waiting = source('a', 'wait-for-abort');
    let rendered = false;
    const report = await runOnce(
      {
        tokens: tokens(async () => {
          throw new Error('login failed and exit_on_err is set');
        }),
        sources: new Map([['a', waiting]]),
        render: async () => {
          rendered = true;
          return { ok: true };
        },
        logger,
      },
      new AbortController().signal,
    );
    expect(report.ok).toBe(false);
    expect(report.failedCertificates).toEqual(['a']);
    expect(rendered).toBe(false);
  });
});
