import type { Logger } from 'pino';
import { createAgent } from '../agent/create-agent.js';
import { loadConfig } from '../config/load-config.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
// Type-only: the dev server is loaded with import() for `run --dev` alone (it is half of src/).
import type { DevServer } from '../dev-server/index.js';
import { ConfigError, UsageError, errorMessage } from '../lib/errors.js';
import { isAbortError } from '../lib/task-group.js';
import { createLogger } from '../telemetry/logger.js';
import type { CliIo, Command } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { usageError } from './help.js';
import { parseRunArgs } from './parse-run-args.js';
import type { RunOptions } from './parse-run-args.js';
import { writePidFile } from './pid-file.js';
import { StopRequested, installSignalHandlers } from './signals.js';
import { VERSION } from '../lib/version.js';

/** `certagent run`: the agent as a daemon, or once (`--once`), against Vault or an in-process dev server (`--dev`). */
export const runCommand: Command = async (args, io) => {
  const cwd = process.cwd();
  let options: RunOptions;
  let config: RuntimeConfig;
  try {
    options = parseRunArgs(args);
    config = await loadConfig([...options.configFiles], { env: io.env, cwd, dev: options.dev });
  } catch (error) {
    return reportStartError(error, io);
  }
  const { logger, secrets } = createLogger({ ...config.log, ...options.log });
  logger.info(
    { argv: ['certagent', 'run', ...args] },
    `certagent ${VERSION}: certagent run ${args.join(' ')}`,
  );
  // Signals that come before the agent exists are kept (main.ts queues them) and handled once it does.
  const early: ('SIGHUP' | 'SIGUSR1')[] = [];
  let agent: ReturnType<typeof createAgent> | undefined;
  const signals = installSignalHandlers({
    inbox: io.signals,
    onReload: () => {
      if (!agent) return void early.push('SIGHUP');
      if (options.once) return logger.info('SIGHUP ignored: run --once reads its configuration once');
      void agent.reload('SIGHUP').catch((error: unknown) => {
        logger.error({ error }, `reload failed: ${errorMessage(error)}`);
      });
    },
    onRotate: () => {
      if (!agent) return void early.push('SIGUSR1');
      logger.info('SIGUSR1: forcing the rotation of every certificate');
      agent.rotateAll();
    },
  });
  let devServer: DevServer | undefined;
  let removePidFile: (() => Promise<void>) | undefined;
  try {
    if (!options.once) removePidFile = await writePidFile(config.pidFile);
    if (options.dev) {
      const { startDevServer } = await import('../dev-server/index.js');
      devServer = await startDevServer({ host: '127.0.0.1', port: 0 });
      config = useDevServer(config, devServer);
      secrets.register(devServer.rootToken);
      logger.warn(
        { vault_addr: devServer.address },
        'running against an in-process DEV server: in memory, nothing persists, not for production',
      );
    }
    const dev = devServer;
    const reload = async (): Promise<RuntimeConfig> => {
      const next = await loadConfig([...options.configFiles], { env: io.env, cwd, dev: options.dev });
      return dev ? useDevServer(next, dev) : next;
    };
    agent = createAgent({ config, logger, secrets, once: options.once, loadConfig: reload });
    for (const signal of early.splice(0)) {
      if (signal === 'SIGUSR1') agent.rotateAll();
      else logger.info('SIGHUP during start-up: the configuration was just read');
    }
    if (options.once) {
      const report = await agent.runOnce(signals.stop);
      if (signals.stop.aborted) return EXIT.ok;
      return report.ok ? EXIT.ok : EXIT.failure;
    }
    await agent.run(signals.stop);
    logger.info(`certagent stopped${stopSignal(signals.stop)}`);
    return EXIT.ok;
  } catch (error) {
    if (signals.stop.aborted && isAbortError(error)) {
      logger.info(`certagent stopped${stopSignal(signals.stop)}`);
      return EXIT.ok;
    }
    logger.fatal({ error }, 'certagent stopped on an error');
    return EXIT.failure;
  } finally {
    await agent?.close().catch((error: unknown) => logCloseError(logger, error));
    await devServer?.close().catch((error: unknown) => logCloseError(logger, error));
    await removePidFile?.();
    signals.dispose();
    logger.flush();
  }
};

/** With `--dev`, Vault is the in-process server: its address, and its root token unless auto_auth is set. */
function useDevServer(config: RuntimeConfig, server: DevServer): RuntimeConfig {
  return {
    ...config,
    vault: {
      ...config.vault,
      address: server.address,
      caCert: undefined,
      caPath: undefined,
      tlsSkipVerify: false,
      token: config.autoAuth ? config.vault.token : server.rootToken,
    },
  };
}

function reportStartError(error: unknown, io: CliIo): number {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) io.stderr.write(`${problem}\n`);
    io.stderr.write(
      `certagent run: ${error.problems.length} problem(s) in the configuration; nothing was done\n`,
    );
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    return usageError(io, 'run', error.message);
  }
  throw error;
}

/** ` by SIGTERM` when a signal stopped the agent. */
function stopSignal(stop: AbortSignal): string {
  return stop.reason instanceof StopRequested ? ` by ${stop.reason.signal}` : '';
}

function logCloseError(logger: Logger, error: unknown): void {
  logger.error({ error }, 'error while shutting down');
}
