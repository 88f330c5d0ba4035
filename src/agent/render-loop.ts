import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { CommandSpec } from '../config/runtime-config.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import { backoffDelay } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import type { Latest } from '../lib/latest.js';
import { currentVersions, waitForChange } from './wait-for-change.js';
import type { Versioned } from './wait-for-change.js';

/** How a render pass ended, as far as the loop (and `--once`) cares. */
export interface PassOutcome {
  /** false: something failed (render, write, check or command) and the pass should be retried later. */
  readonly ok: boolean;
  /** Why it is not ok, one sentence each (for the log). */
  readonly problems?: readonly string[];
  /** What each template's file became; `--once` succeeds when all are written or unchanged. */
  readonly templates?: readonly { readonly destination: string; readonly result: string }[];
  /** Commands that failed and are owed; the files they are for are in place. */
  readonly pendingCommands?: readonly { readonly spec: CommandSpec }[];
}

/** Renders every template from the given bundles, writes what changed and runs the due commands. */
export type RenderPass = (
  bundles: ReadonlyMap<string, CertificateBundle>,
  signal: AbortSignal,
) => Promise<PassOutcome>;

/** What the render loop follows and how it retries. */
export interface RenderLoopOptions {
  /** The published bundle of every certificate, by name. */
  readonly bundles: ReadonlyMap<string, Latest<CertificateBundle>>;
  readonly render: RenderPass;
  readonly clock: Clock;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  /** Other reasons for a pass, at once: a reload, an edited template source. */
  readonly triggers?: readonly Versioned[];
  /**
   * A destination changed on disk: a pass puts it back, unless the loop is backing off after a failed pass (the
   * retry will), so that the pass's own rollback writes never start a loop of checks.
   */
  readonly repairs?: Versioned;
}

/** The bundles published so far, by certificate name (certificates without one yet are left out). */
export function snapshotBundles(
  bundles: ReadonlyMap<string, Latest<CertificateBundle>>,
): Map<string, CertificateBundle> {
  const snapshot = new Map<string, CertificateBundle>();
  for (const [name, latest] of bundles) if (latest.value !== undefined) snapshot.set(name, latest.value);
  return snapshot;
}

/**
 * Runs a render pass whenever any certificate publishes a new bundle, until the signal aborts. Bundles that
 * arrive together are handled by one pass (a command configured on several templates runs once). A failed pass
 * (a failed check, write, or a reload command still owed) is retried with backoff from the same bundles (never
 * by re-issuing a certificate), or sooner when a new bundle arrives; the problems are logged with each retry.
 */
export async function runRenderLoop(options: RenderLoopOptions, signal: AbortSignal): Promise<void> {
  const { bundles, render, clock, random, backoff, logger } = options;
  const followed = (withRepairs: boolean): Map<string, Versioned> => {
    const map = new Map<string, Versioned>(bundles);
    options.triggers?.forEach((trigger, index) => map.set(`\0trigger ${index}`, trigger));
    if (withRepairs && options.repairs) map.set('\0repairs', options.repairs);
    return map;
  };
  let seen = new Map<string, number>();
  let failures = 0;
  let retryInMs: number | undefined;
  while (!signal.aborted) {
    try {
      const wait = retryInMs;
      const woke = await waitForChange(
        followed(retryInMs === undefined),
        seen,
        signal,
        wait === undefined ? undefined : (inner) => clock.sleep(wait, inner),
      );
      if (woke === 'timeout') logger.info({ attempt: failures + 1 }, 'retrying the render pass');
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    const versions = currentVersions(followed(true));
    let outcome: PassOutcome;
    try {
      outcome = await render(snapshotBundles(bundles), signal);
    } catch (error) {
      if (signal.aborted) return;
      logger.error({ error }, 'render pass failed');
      outcome = { ok: false };
    }
    seen = versions;
    // A pass cut short by the stop is not retried, and not announced as if it would be.
    if (signal.aborted) return;
    if (outcome.ok) {
      failures = 0;
      retryInMs = undefined;
    } else {
      failures++;
      retryInMs = backoffDelay(failures, backoff, random);
      logger.warn(
        { attempt: failures, retry_in_ms: Math.round(retryInMs), problems: outcome.problems },
        'render pass incomplete; will retry',
      );
    }
  }
}
