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
import { parseRunArgs } from './parse-run-args.js';
import type { RunOptions } from './parse-run-args.js';
import { writePidFile } from './pid-file.js';
import { installSignalHandlers } from './signals.js';

/** `certagent run`: the agent as a daemon, or once (`--once`), against Vault or an in-process dev server (`--dev`). */
export const runCommand: Command = async (args, io) => {
  let options: RunOptions;
  let config: RuntimeConfig;
  try {
    options = parseRunArgs(args);
    config = await loadConfig([...options.configFiles], {
      env: io.env,
      cwd: process.cwd(),
      dev: options.dev,
    });
  } catch (error) {
    return reportStartError(error, io);
  }
  const { logger, secrets } = createLogger({ ...config.log, ...options.log });
  const signals = installSignalHandlers({
    onReload: () =>
      logger.warn('SIGHUP: reloading the configuration is not supported yet; restart to apply changes'),
  });
  let devServer: DevServer | undefined;
  let agent: ReturnType<typeof createAgent> | undefined;
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
    agent = createAgent({ config, logger, secrets, once: options.once });
    if (options.once) {
      const report = await agent.runOnce(signals.stop);
      if (signals.stop.aborted) return EXIT.ok;
      return report.ok ? EXIT.ok : EXIT.failure;
    }
    await agent.run(signals.stop);
    return EXIT.ok;
  } catch (error) {
    if (signals.stop.aborted && isAbortError(error)) return EXIT.ok;
    logger.fatal({ error: errorMessage(error), code: codeOf(error) }, 'certagent stopped on an error');
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
    io.stderr.write(`certagent run: ${error.message}\nTry certagent --help.\n`);
    return EXIT.usage;
  }
  throw error;
}

function logCloseError(logger: Logger, error: unknown): void {
  logger.error({ error: errorMessage(error) }, 'error while shutting down');
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
