import type { CliIo } from './cli-io.js';
import { EXIT } from './cli-io.js';

/** One command's help: what `certagent CMD --help` and `certagent help CMD` print. */
interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  /** `[flag, what it does (default …)]`. */
  readonly flags: readonly (readonly [string, string])[];
  readonly example: string;
}

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  run: {
    usage:
      'certagent run -c FILE [-c FILE…] [--once] [--dev] [--log-level LEVEL] [--log-format json|pretty|auto]',
    summary:
      'Runs the agent: keeps every certificate valid, renders the templates, runs checks and reload commands.\n' +
      'Signals: SIGTERM/SIGINT stop (exit 0), SIGHUP reloads the configuration, SIGUSR1 rotates every certificate.',
    flags: [
      ['-c, --config FILE', 'configuration file; repeat to merge several, later files win (required)'],
      ['--once', 'obtain or adopt every certificate, render once, run the due commands, exit (default: off)'],
      ['--dev', 'run against an in-process dev server, not for production (default: off)'],
      ['--log-level LEVEL', 'trace, debug, info, warn, error or fatal (default: log.level, else info)'],
      [
        '--log-format FORMAT',
        'json or pretty (default: log.format, else pretty on a terminal, json otherwise)',
      ],
    ],
    example: 'certagent run -c /etc/certagent/agent.yaml',
  },
  check: {
    usage: 'certagent check -c FILE [-c FILE…] [--dev]',
    summary:
      'Validates the configuration without contacting Vault or writing a file: every problem as FILE:LINE:COL,\n' +
      'every template rendered against a sample certificate, warnings for loose key modes and missing auth files.',
    flags: [
      ['-c, --config FILE', 'configuration file; repeat to merge several (required)'],
      ['--dev', 'check a config meant for run --dev: no Vault address or token needed (default: off)'],
    ],
    example: 'certagent check -c /etc/certagent/agent.yaml',
  },
  rotate: {
    usage: 'certagent rotate NAME [--listener HOST:PORT | -c FILE]',
    summary:
      'Asks the running agent, through its loopback listener, for a new certificate NAME now; it goes through\n' +
      'the usual pass (check, reload command, rollback). Prints the new serial. (SIGUSR1 rotates every certificate.)',
    flags: [
      [
        '--listener HOST:PORT',
        "the agent's listener address (default: listener.address of -c FILE, else 127.0.0.1:8210)",
      ],
      ['-c, --config FILE', 'read the listener address from this configuration (default: none)'],
      ['--timeout DURATION', 'how long to wait for the new certificate (default: 2m)'],
    ],
    example: 'certagent rotate web --listener 127.0.0.1:8210',
  },
  'dev-server': {
    usage:
      'certagent dev-server [--listen 127.0.0.1:8200] [--root-token TOKEN] [--tls] [--allow-non-loopback]',
    summary:
      'A Vault-compatible, in-memory server for tests and the quick start. Prints VAULT_ADDR, VAULT_TOKEN and\n' +
      'VAULT_UNSEAL_KEY lines on stdout once it listens; stops on SIGTERM/SIGINT/SIGHUP. Never for production.',
    flags: [
      ['--listen HOST:PORT', 'address to listen on, port 0 for any (default: 127.0.0.1:8200)'],
      ['--root-token TOKEN', 'the root token (default: a random one)'],
      ['--tls', 'serve HTTPS with a self-signed certificate, its CA printed as VAULT_CACERT (default: off)'],
      ['--allow-non-loopback', 'allow a --listen address other machines can reach (default: off)'],
    ],
    example: 'certagent dev-server --listen 127.0.0.1:8200 --root-token root',
  },
  version: {
    usage: 'certagent version',
    summary: 'Prints the version.',
    flags: [],
    example: 'certagent version',
  },
};

/** The full help of one command. */
export function commandHelp(name: string): string | undefined {
  const help = COMMAND_HELP[name];
  if (!help) return undefined;
  const width = Math.max(0, ...help.flags.map(([flag]) => flag.length));
  const flags = help.flags.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
  return `Usage: ${help.usage}\n\n${help.summary}\n${flags ? `\nOptions:\n${flags}\n  -h, --help${' '.repeat(Math.max(0, width - 10))}  this help\n` : ''}\nExample:\n  ${help.example}\n`;
}

/** A wrong flag or argument: the message, the usage line and where to read more; exit 2. */
export function usageError(io: CliIo, name: string, message: string): number {
  const usage = COMMAND_HELP[name]?.usage;
  io.stderr.write(
    `certagent ${name}: ${message}\n${usage ? `Usage: ${usage}\n` : ''}Try 'certagent ${name} --help' for more.\n`,
  );
  return EXIT.usage;
}

/** Whether the arguments ask for help (`-h` / `--help` anywhere before a `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
