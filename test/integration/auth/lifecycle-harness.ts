// The token lifecycle against the in-process dev server, both on one fake clock: tokens expire on the dev server
// exactly when the lifecycle believes they do, and minutes of token life pass in milliseconds.

import { Writable } from 'node:stream';
import { createAuthMethod } from '../../../src/auth/methods/create-auth-method.js';
import { TokenLifecycle } from '../../../src/auth/token-lifecycle.js';
import type { AutoAuthConfig, AuthMethodSettings, VaultConfig } from '../../../src/config/runtime-config.js';
import type { DevServer } from '../../../src/dev-server/index.js';
import { startDevServer } from '../../../src/dev-server/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import type { VaultClient } from '../../../src/vault/types.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

export const ROOT = 'hvs.lifecycleRootToken';

/** Counts what the lifecycle reports, as the metrics would. */
export class CountingMetrics {
  readonly renewals: string[] = [];
  readonly logins: { method: string; result: string; at: number }[] = [];
  constructor(private readonly clock: FakeClock) {}
  readonly tokenRenewals = { inc: (labels: { result: string }) => this.renewals.push(labels.result) };
  readonly authLogins = {
    inc: (labels: { method: string; result: string }) =>
      this.logins.push({ ...labels, at: this.clock.now() }),
  };
  count(result: string): number {
    return this.renewals.filter((entry) => entry === result).length;
  }
}

/** A dev server, a Vault client and a lifecycle sharing one fake clock; debug logs captured as text. */
export class LifecycleHarness {
  readonly clock = new FakeClock(Date.UTC(2030, 0, 1, 0, 0, 0, 0));
  readonly metrics = new CountingMetrics(this.clock);
  logs = '';
  #logWaiters: (() => void)[] = [];
  server!: DevServer;
  vault!: VaultClient;
  lifecycle!: TokenLifecycle;
  #controller = new AbortController();
  #running: Promise<void> | undefined;
  runError: unknown;

  async start(): Promise<void> {
    this.server = await startDevServer({
      host: '127.0.0.1',
      port: 0,
      rootToken: ROOT,
      clock: this.clock,
      defaultPki: false,
    });
    this.vault = createVaultClient(vaultConfig(this.server.address));
  }

  /** Calls Vault as root (or with `token`). */
  async call(method: string, path: string, body?: unknown, token: string | null = ROOT) {
    const response = await fetch(`${this.server.address}/v1/${path}`, {
      method,
      headers: token === null ? {} : { 'x-vault-token': token },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into Vault's JSON
    return { status: response.status, json: (text === '' ? undefined : JSON.parse(text)) as any };
  }

  /** Starts the lifecycle for a method (undefined settings: a literal token). */
  run(settings: AuthMethodSettings | undefined, literal?: string, extra: Partial<AutoAuthConfig> = {}): void {
    const autoAuth: AutoAuthConfig | undefined = settings
      ? {
          method: {
            settings,
            mountPath: `auth/${settings.type}`,
            namespace: undefined,
            minBackoffMs: 1000,
            maxBackoffMs: 300_000,
            exitOnErr: false,
          },
          sinks: [],
          revokeOnShutdown: false,
          ...extra,
        }
      : undefined;
    const { logger, secrets } = createLogger(
      { level: 'debug', format: 'json' },
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          this.logs += chunk.toString();
          for (const wake of this.#logWaiters.splice(0)) wake();
          done();
        },
      }),
    );
    this.lifecycle = new TokenLifecycle({
      method: createAuthMethod(autoAuth?.method, { ...vaultConfig(this.server.address), token: literal }),
      autoAuth,
      vault: this.vault,
      clock: this.clock,
      random: () => 0,
      logger,
      metrics: this.metrics,
      registerSecret: (value, use) => secrets.register(value, use),
    });
    this.#running = this.lifecycle.run(this.#controller.signal).catch((error: unknown) => {
      this.runError = error;
    });
  }

  /** Resolves once the log holds `text`, checked again on every line written; the deadline names what never came. */
  logged(text: string, timeoutMs = 5000): Promise<void> {
    const seen = async (): Promise<void> => {
      while (!this.logs.includes(text)) await new Promise<void>((resolve) => this.#logWaiters.push(resolve));
    };
    return withDeadline(seen(), timeoutMs, `the log line ${JSON.stringify(text)}`);
  }

  /**
   * Resolves once `sleepers` parts (the lifecycle, by default alone) sleep on the clock: the clock tells of every
   * sleep asked for, so this waits on that event; the deadline only names what never happened.
   */
  settled(sleepers = 1, timeoutMs = 5000): Promise<void> {
    const what = sleepers === 1 ? 'the lifecycle to sleep on the clock' : `${sleepers} sleeps on the clock`;
    // Each part waits for a wall-clock moment (sleepUntil), and while any does, one more sleep reads the wall clock
    // every 30 s for all of them: counting it keeps a busy part from looking asleep.
    return withDeadline(this.clock.waitForPending(sleepers + 1), timeoutMs, what);
  }

  /**
   * Moves fake time forward to `until`, one wake-up at a time, waiting for the lifecycle to be asleep before
   * each step and after the last; `afterStep` runs at every stop (to probe Vault with the current token).
   */
  async advanceTo(until: number, afterStep?: () => Promise<void>, sleepers = 1): Promise<void> {
    while (this.clock.now() < until) {
      await this.settled(sleepers);
      const wake = await this.clock.nextSleep();
      this.clock.advanceTo(Math.min(wake, until));
      await afterStep?.();
    }
    await this.settled(sleepers);
  }

  /** Stops the lifecycle only, as a shutdown does (revoke_on_shutdown runs), keeping the dev server up. */
  async stopLifecycle(): Promise<void> {
    this.lifecycle?.markShutdown();
    this.#controller.abort();
    await this.#running;
  }

  async stop(): Promise<void> {
    await this.stopLifecycle();
    await this.vault?.close();
    await this.server?.close();
  }
}

function vaultConfig(address: string): VaultConfig {
  return testVaultConfig(address);
}
