import type { Logger } from 'pino';
import type { TokenProvider } from '../auth/token-provider.js';
import type { CertificateBundle } from '../certs/bundle.js';
import { describeCommand } from '../exec/run-command.js';
import { errorMessage } from '../lib/errors.js';
import type { Latest } from '../lib/latest.js';
import { isAbortError } from '../lib/task-group.js';
import type { PassOutcome, RenderPass } from './render-loop.js';
import { snapshotBundles } from './render-loop.js';

/** Every template's file is written or unchanged (no render, write or check failure). */
function filesInPlace(pass: PassOutcome): boolean {
  if (!pass.templates) return pass.ok;
  return pass.templates.every((entry) => entry.result === 'written' || entry.result === 'unchanged');
}

/** What `--once` needs of a certificate source. */
export interface OnceSource {
  readonly bundle: Latest<CertificateBundle>;
  ensure(signal: AbortSignal): Promise<CertificateBundle>;
}

/** How a single run went. */
export interface OnceReport {
  /** Every certificate valid and every file in place (written or unchanged, its checks passed). */
  readonly ok: boolean;
  /** Names of the certificates that could not be made valid. */
  readonly failedCertificates: readonly string[];
  /** Reload commands that failed; they do not make the run fail (see runOnce). */
  readonly failedCommands: readonly string[];
  readonly pass: PassOutcome | undefined;
}

/**
 * `run --once`: keep the token alive just long enough, make every certificate valid (adopted or obtained with a
 * single attempt each, side by side), render every template once and run the due checks and commands.
 * Certificates that could be had are still rendered when another one failed, so an init container leaves as much
 * in place as it can; the report says it was not a success.
 *
 * Success means every file is in place: a failing reload *command* does not fail the run. That is the bootstrap
 * case (ExecStartPre, an init container): `systemctl reload nginx` fails because nginx is not running yet, and
 * nginx reads the new files when it starts. The failed command is named in the log at warn, and is not retried
 * (the process is about to exit). A failing *check* does fail the run: it says the files are bad.
 */
export async function runOnce(
  parts: {
    readonly tokens: TokenProvider;
    readonly sources: ReadonlyMap<string, OnceSource>;
    readonly render: RenderPass;
    readonly logger: Logger;
  },
  signal: AbortSignal,
): Promise<OnceReport> {
  const { tokens, sources, render, logger } = parts;
  const tokenStop = new AbortController();
  // However it ends (finished, or stopped from outside), the process ends with this run and `--once` has no
  // reload: the token provider stops for a shutdown, so revoke_on_shutdown applies.
  tokens.markShutdown();
  const onAbort = (): void => tokenStop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  // A token provider that gives up (exit_on_err, no token at all) ends the attempt instead of leaving it waiting.
  const tokenFailed = new AbortController();
  const work = AbortSignal.any([signal, tokenFailed.signal]);
  const tokenRun = tokens.run(tokenStop.signal).catch((error: unknown) => {
    if (tokenStop.signal.aborted && isAbortError(error)) return;
    // The cause leads the line (e.g. "Vault unreachable at ADDR (connection refused)"): it is what the operator acts on.
    logger.error({ error }, `no Vault token: ${errorMessage(error)}`);
    tokenFailed.abort(error);
  });
  try {
    const names = [...sources.keys()];
    const results = await Promise.allSettled([...sources.values()].map((source) => source.ensure(work)));
    signal.throwIfAborted();
    const failedCertificates = names.filter((_, index) => results[index]!.status === 'rejected');
    results.forEach((result, index) => {
      if (result.status === 'rejected' && !tokenFailed.signal.aborted) {
        logger.error({ certificate: names[index], error: result.reason }, 'certificate not obtained');
      }
    });
    const bundles = snapshotBundles(new Map([...sources].map(([name, source]) => [name, source.bundle])));
    // No certificate at all (a config of KV secrets only) still renders; all certificates failed: nothing to render.
    const pass = bundles.size > 0 || sources.size === 0 ? await render(bundles, signal) : undefined;
    const failedCommands = (pass?.pendingCommands ?? []).map(({ spec }) => describeCommand(spec));
    for (const command of failedCommands) {
      logger.warn(
        { command },
        'run --once: the files are in place but this command failed; it is not retried (a consumer that is not running yet reads the files when it starts)',
      );
    }
    const ok = failedCertificates.length === 0 && (pass === undefined || filesInPlace(pass));
    return { ok, failedCertificates, failedCommands, pass };
  } finally {
    signal.removeEventListener('abort', onAbort);
    tokenStop.abort(new DOMException('run --once finished', 'AbortError'));
    await tokenRun;
  }
}
