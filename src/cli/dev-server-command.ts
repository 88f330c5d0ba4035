// `certagent dev-server`: a Vault-compatible, in-memory server for tests and the quick start. Prints the
// environment a Vault client needs on stdout, warns on stderr that it is not a real Vault, and runs until
// SIGTERM/SIGINT (exit 0) or SIGHUP (a closed terminal: it stops the same way, then ends by SIGHUP).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// Type-only: the server's code is loaded with import() when the command runs, so no other command pays for it.
import type { DevServer } from '../dev-server/index.js';
import { UsageError, errorMessage } from '../lib/errors.js';
import type { CliIo, Command } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { usageError } from './help.js';
import { endByHangup, installSignalHandlers } from './signals.js';
import { isLoopbackHost } from '../config/security-warnings.js';

const WARNING = `WARNING: this is the certagent DEV SERVER, not a real Vault.
  - Everything is kept in memory and lost when it stops; nothing is persisted.
  - JWT and Kubernetes logins decode tokens WITHOUT verifying their signatures.
  - Its root token and unseal key are printed on stdout. Never use this server in production.
`;

/** What the command line asked for. */
export interface DevServerArgs {
  readonly host: string;
  readonly port: number;
  readonly rootToken: string | undefined;
  readonly tls: boolean;
  readonly allowNonLoopback: boolean;
}

/**
 * Runs the dev server until a stop signal; 0 after a clean stop (ended by SIGHUP if that was the signal), 1 if it
 * cannot start, 2 on bad flags.
 */
export const devServerCommand: Command = async (args, io) => {
  let parsed: DevServerArgs;
  try {
    parsed = parseDevServerArgs(args);
  } catch (error) {
    return usageError(io, 'dev-server', errorMessage(error));
  }
  if (!isLoopbackHost(parsed.host)) {
    if (!parsed.allowNonLoopback) {
      io.stderr.write(
        `certagent dev-server: refusing to listen on non-loopback address ${parsed.host}: the dev server has a ` +
          'printed root token and no persistence; pass --allow-non-loopback if you really mean it\n',
      );
      return EXIT.usage;
    }
    io.stderr.write(`WARNING: the dev server listens on ${parsed.host}, reachable from other machines.\n`);
  }
  return runUntilStopped(parsed, io);
};

/** Parses the flags; throws UsageError on anything unknown or malformed. */
export function parseDevServerArgs(args: string[]): DevServerArgs {
  let values: { listen?: string; 'root-token'?: string; tls?: boolean; 'allow-non-loopback'?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        listen: { type: 'string' },
        'root-token': { type: 'string' },
        tls: { type: 'boolean' },
        'allow-non-loopback': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error), { cause: error });
  }
  const rootToken = values['root-token'];
  if (rootToken !== undefined && rootToken.trim() === '')
    throw new UsageError('--root-token must not be empty');
  return {
    ...parseListenAddress(values.listen ?? '127.0.0.1:8200'),
    rootToken,
    tls: values.tls ?? false,
    allowNonLoopback: values['allow-non-loopback'] ?? false,
  };
}

/** `host:port`, `[v6]:port`; the port may be 0 (the OS chooses). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined || host === '' || port > 65_535) {
    throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:8200), got ${JSON.stringify(text)}`);
  }
  if (match[1] !== undefined && isIP(host) !== 6) throw new UsageError(`not an IPv6 address: ${host}`);
  return { host, port };
}

/** Serves until SIGTERM/SIGINT (exit 0) or SIGHUP (then ends by it), cleaning up the port and the CA dir. */
async function runUntilStopped(args: DevServerArgs, io: CliIo): Promise<number> {
  const signals = installSignalHandlers({});
  let server: DevServer | undefined;
  let caDir: string | undefined;
  try {
    const { startDevServer } = await import('../dev-server/index.js');
    server = await startDevServer({
      host: args.host,
      port: args.port,
      rootToken: args.rootToken,
      tls: args.tls,
    });
    const lines = [`VAULT_ADDR=${server.address}`, `VAULT_TOKEN=${server.rootToken}`];
    lines.push(`VAULT_UNSEAL_KEY=${server.unsealKey}`);
    if (server.caPem !== undefined) {
      caDir = await mkdtemp(join(tmpdir(), 'certagent-dev-server-'));
      await writeFile(join(caDir, 'ca.pem'), server.caPem, { mode: 0o644 });
      lines.push(`VAULT_CACERT=${join(caDir, 'ca.pem')}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    io.stderr.write(WARNING);
    await stopped(signals.stop);
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`certagent dev-server: ${errorMessage(error)}\n`);
    return EXIT.failure;
  } finally {
    await server?.close();
    if (caDir !== undefined) await rm(caDir, { recursive: true, force: true });
    signals.dispose();
    endByHangup(signals.stop);
  }
}

function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
