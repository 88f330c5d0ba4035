import type { Logger } from 'pino';
import type { BackoffPolicy } from '../lib/backoff.js';
import { DEFAULT_BACKOFF } from '../lib/backoff.js';
import { KeystoreCache } from '../output/keystore-cache.js';
import type { DueCommand } from '../output/render-pass.js';
import { runRenderPass } from '../output/render-pass.js';
import type { SecretSource } from '../secrets/secret-source.js';
import type { LiveAgentParts } from './agent-types.js';
import { observeRenderPass } from './observe.js';
import { logPassSummary } from './pass-summary.js';
import type { RenderPass } from './render-loop.js';
import { runRenderLoop } from './render-loop.js';
import { secretValues } from './secrets-for.js';

/**
 * Render retries (a failed write, check or owed reload): from one second to 30 s apart. Cheap for the agent (no
 * Vault call), and a destination made writable again, or a consumer started at last, is caught within 30 s even
 * when the file on disk has expired meanwhile.
 */
const RENDER_BACKOFF: BackoffPolicy = { ...DEFAULT_BACKOFF, maxMs: 30_000 };

/** What rendering reads of the agent, at every pass: a reload swaps the config and the template engine. */
export type RenderParts = Pick<
  LiveAgentParts,
  | 'options'
  | 'logger'
  | 'clock'
  | 'metrics'
  | 'health'
  | 'bundles'
  | 'rerender'
  | 'repairs'
  | 'config'
  | 'engine'
> & {
  /** KV secrets read for the templates; made once, at the start. */
  readonly secretSources: ReadonlyMap<string, SecretSource>;
};

/**
 * The agent's rendering: a pass over the current templates, certificate bundles and KV secrets, with the reload
 * commands the last pass still owes, recorded in metrics, health and the log; and the loop that runs a pass
 * whenever one of them changes (`run`), or a single one (`--once`).
 */
export class AgentRenderer {
  readonly #parts: RenderParts;
  readonly #random: () => number;
  /** One child logger for the loop and every pass, not a new one per pass. */
  readonly #logger: Logger;
  /** Reload commands that failed: owed until a later pass runs them successfully (the loop retries). */
  #owed: readonly DueCommand[] = [];
  /** Keystores built by earlier passes, so an unchanged one is not encrypted again at every pass. */
  readonly #keystores = new KeystoreCache();
  /** The secrets the agent reads: their sources are made at start only (a reload adding one needs a restart). */
  readonly #declaredSecrets: ReadonlySet<string>;

  constructor(parts: RenderParts, random: () => number) {
    this.#parts = parts;
    this.#declaredSecrets = new Set(parts.secretSources.keys());
    this.#random = random;
    this.#logger = parts.logger.child({ component: 'output' });
  }

  readonly pass: RenderPass = async (current, signal) => {
    const parts = this.#parts;
    // `--once` has no secret loops running: each secret is read here, once.
    if (parts.options.once) {
      await Promise.all([...parts.secretSources.values()].map((source) => source.ensure(signal)));
    }
    const result = await runRenderPass({
      templates: parts.config.templates,
      bundles: current,
      secrets: secretValues(parts.secretSources),
      // The sources, not the config's `secrets:`: a secret added by a reload is read only after a restart.
      declaredSecrets: this.#declaredSecrets,
      secretsAwaitingRestart: new Set(
        [...parts.config.secrets.keys()].filter((name) => !this.#declaredSecrets.has(name)),
      ),
      engine: parts.engine,
      pendingCommands: this.#owed,
      keystores: this.#keystores,
      logger: this.#logger,
      signal,
    });
    this.#owed = result.pendingCommands;
    observeRenderPass(parts.metrics, parts.health, result, parts.clock.now());
    logPassSummary(this.#logger, result);
    return result;
  };

  /** Renders on every new bundle, secret value, reload or repair, retrying a failed pass, until `signal` aborts. */
  loop(signal: AbortSignal): Promise<void> {
    const parts = this.#parts;
    return runRenderLoop(
      {
        bundles: parts.bundles,
        render: this.pass,
        clock: parts.clock,
        random: this.#random,
        backoff: RENDER_BACKOFF,
        logger: this.#logger,
        triggers: [parts.rerender, ...[...parts.secretSources.values()].map((source) => source.value)],
        repairs: parts.repairs,
      },
      signal,
    );
  }
}
