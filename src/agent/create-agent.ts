import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { TokenProvider } from '../auth/token-provider.js';
import type { CertificateBundle } from '../certs/bundle.js';
import { sameBundle } from '../certs/build-bundle.js';
import type { CertificateEventListener, PkiIssuer } from '../certs/certificate-source.js';
import { CertificateSource } from '../certs/certificate-source.js';
import { StateStore } from '../certs/state-store.js';
import type { CertificateConfig, RuntimeConfig } from '../config/runtime-config.js';
import { DEFAULT_BACKOFF } from '../lib/backoff.js';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { Latest } from '../lib/latest.js';
import { TemplateEngine } from '../templates/template-engine.js';
import { HealthState } from '../telemetry/health.js';
import type { RunningListener } from '../telemetry/listener.js';
import { AgentMetrics } from '../telemetry/metrics.js';
import { SecretRegistry } from '../lib/secret-registry.js';
import { createVaultClient } from '../vault/vault-client.js';
import type { VaultClient } from '../vault/types.js';
import { VERSION } from '../lib/version.js';
import { startAgentListener } from './agent-listener.js';
import { AgentRenderer } from './agent-render.js';
import { watchAgentFiles } from './agent-watchers.js';
import { observeAuth, observeCertificates, observeVaultRequests } from './observe.js';
import type { Agent, AgentOptions, LiveAgentParts } from './agent-types.js';
import { prepareStart } from './prepare-start.js';
import { createSecretSources } from './secrets-for.js';
import type { SecretSource, SecretTokens } from '../secrets/secret-source.js';
import { reloadAgent } from './reload-agent.js';
import { retryDeadline } from './retry-deadline.js';
import type { OnceReport } from './run-once.js';
import { runOnce } from './run-once.js';
import { TaskSet } from './task-set.js';
import { createTokenProvider } from './token-provider-for.js';
import { createVaultPkiIssuer } from './vault-pki-issuer.js';
import type { StopWatching } from './watch-paths.js';

export type { Agent, AgentOptions } from './agent-types.js';

/**
 * The composition root: config → Vault client → token → certificate sources → render pass → files and commands,
 * with metrics, health and the listener hung on the events each part reports. Data flows one way.
 */
export function createAgent(options: AgentOptions): Agent {
  return new LiveAgent(options);
}

/** The agent and its parts; a reload swaps parts (reload-agent.ts), everything else reads the current ones. */
export class LiveAgent implements Agent, LiveAgentParts {
  readonly metrics = new AgentMetrics();
  readonly health: HealthState;
  readonly bundles = new Map<string, Latest<CertificateBundle>>();
  readonly options: AgentOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sources = new Map<string, CertificateSource>();
  /** A pass now: a reload, an edited template source. */
  readonly rerender = new Latest<number>();
  /** A destination changed on disk. */
  readonly repairs = new Latest<number>();
  config: RuntimeConfig;
  engine = new TemplateEngine();
  store: StateStore;
  vault!: VaultClient;
  tokens!: TokenProvider;
  tasks: TaskSet | undefined;
  listener: RunningListener | undefined;
  stopWatching: StopWatching | undefined;
  reloading: Promise<unknown> = Promise.resolve();
  readonly #random: () => number;
  /** Templates into files: the pass `--once` runs, and the loop `run` keeps going (agent-render.ts). */
  readonly #renderer: AgentRenderer;
  readonly secrets: SecretRegistry;
  /** KV secrets read for the templates (`secrets:`); made with the Vault client and token of the start. */
  readonly secretSources: Map<string, SecretSource>;
  readonly #onEvent: CertificateEventListener;
  readonly #deadline: ReturnType<typeof retryDeadline>;
  readonly #latest = new Map<string, Latest<CertificateBundle>>();
  readonly #clientOptions;
  #issuer!: PkiIssuer;
  /** What sources hold: always the issuer of the current Vault client and token, also after a reload. */
  readonly #delegatingIssuer: PkiIssuer = {
    sign: (request, signal) => this.#issuer.sign(request, signal),
    issue: (request, signal) => this.#issuer.issue(request, signal),
  };
  /** The same for KV secret sources: the current client and token, also after a reload changed auth or Vault. */
  readonly #delegatingVault: VaultClient = {
    request: (request) => this.vault.request(request),
    requestText: (request) => this.vault.requestText(request),
    close: async () => undefined, // the agent closes the client it holds, not the sources
  };
  readonly #delegatingTokens: SecretTokens = {
    current: (signal) => this.tokens.current(signal),
    reportInvalid: (token) => this.tokens.reportInvalid(token),
  };

  constructor(options: AgentOptions) {
    this.options = options;
    this.config = options.config;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.secrets = options.secrets ?? new SecretRegistry();
    this.health = new HealthState([], [], { fileExists: existsSync });
    this.#clientOptions = {
      ...observeVaultRequests(this.metrics, this.logger.child({ component: 'vault' })),
      userAgent: `certagent/${VERSION}`,
    };
    this.makeAuth(this.config);
    this.secretSources = createSecretSources({
      config: this.config,
      vault: this.#delegatingVault,
      tokens: this.#delegatingTokens,
      clock: this.clock,
      random: this.#random,
      secrets: this.secrets,
      logger: this.logger,
    });
    this.store = new StateStore(this.config.stateDir);
    const observe = observeCertificates(this.metrics, this.health, this.sources, this.clock);
    this.#deadline = retryDeadline(this.config.exitOnRetryFailure, this.sources, this.clock);
    this.#onEvent = (event) => {
      observe(event);
      this.#deadline.onEvent(event);
    };
    for (const certificate of this.config.certificates.values()) this.addSource(certificate);
    this.reconfigureHealth();
    this.#renderer = new AgentRenderer(this, this.#random);
  }

  rotate(name: string): Promise<CertificateBundle> | undefined {
    return this.sources.get(name)?.rotate();
  }

  rotateAll(): void {
    for (const [name, source] of this.sources) {
      source.rotate().catch((error: unknown) => {
        this.logger.warn({ certificate: name, error }, `forced rotation of ${name} failed; retrying`);
      });
    }
  }

  reload(trigger: string): Promise<boolean> {
    const next = this.reloading.then(() => reloadAgent(this, trigger));
    this.reloading = next.catch(() => undefined);
    return next;
  }

  async runOnce(signal: AbortSignal): Promise<OnceReport> {
    await prepareStart(this.config, this.store, this.logger);
    return runOnce(
      { tokens: this.tokens, sources: this.sources, render: this.#renderer.pass, logger: this.logger },
      signal,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    await prepareStart(this.config, this.store, this.logger);
    const tasks = new TaskSet(signal);
    // The whole set stops only when the process does (a signal, or a fatal failure): then revoke_on_shutdown
    // applies. A reload stops the tokens task alone, and its token must survive. The provider in place at the time.
    tasks.signal.addEventListener('abort', () => this.tokens.markShutdown(), { once: true });
    this.listener = this.config.listener ? await startAgentListener(this, this.config.listener) : undefined;
    try {
      this.tasks = tasks;
      this.logger.info(
        {
          certificates: this.sources.size,
          templates: this.config.templates.length,
          vault: this.config.vault.address,
        },
        `certagent ${VERSION} started: ${this.sources.size} certificate(s), ${this.config.templates.length} template(s)`,
      );
      tasks.start('deadline', (s) => this.#deadline.wait(s));
      tasks.start('tokens', (s) => this.tokens.run(s));
      for (const [name, source] of this.sources) tasks.start(`certificate ${name}`, (s) => source.run(s));
      for (const [name, source] of this.secretSources) tasks.start(`secret ${name}`, (s) => source.run(s));
      tasks.start('render', (s) => this.#renderer.loop(s));
      this.stopWatching = await watchAgentFiles(this);
      await tasks.wait();
    } finally {
      this.tasks = undefined;
      await this.stopWatching?.();
      await this.listener?.close();
    }
  }

  close(): Promise<void> {
    return this.vault.close();
  }

  /** A new Vault client (unless a test gave one), token provider and issuer for `config`. */
  makeAuth(config: RuntimeConfig): void {
    this.vault = this.options.vault ?? createVaultClient(config.vault, this.#clientOptions);
    this.tokens = createTokenProvider({
      config,
      vault: this.vault,
      clientOptions: this.#clientOptions,
      secrets: this.secrets,
      metrics: observeAuth(this.metrics, this.health, this.clock),
      clock: this.clock,
      random: this.#random,
      logger: this.logger.child({ component: 'auth' }),
      failFast: this.options.once ?? false,
    });
    this.#issuer = createVaultPkiIssuer(this.vault, this.tokens);
  }

  /** A source for `certificate`, publishing into the one Latest its name always has; started if running. */
  addSource(certificate: CertificateConfig): void {
    let latest = this.#latest.get(certificate.name);
    if (!latest) this.#latest.set(certificate.name, (latest = new Latest<CertificateBundle>(sameBundle)));
    const source = new CertificateSource({
      config: certificate,
      issuer: this.#delegatingIssuer,
      store: this.store,
      clock: this.clock,
      random: this.#random,
      backoff: DEFAULT_BACKOFF, // capped further by the time the certificate has left
      vaultAddress: this.config.vault.address,
      logger: this.logger,
      onEvent: this.#onEvent,
      bundle: latest,
    });
    this.sources.set(certificate.name, source);
    this.bundles.set(certificate.name, latest);
    this.tasks?.start(`certificate ${certificate.name}`, (s) => source.run(s));
  }

  reconfigureHealth(): void {
    this.health.reconfigure(
      [...this.config.certificates.keys()],
      this.config.templates.map((t) => ({ destination: t.destination, certificate: t.certificate })),
    );
  }
}
