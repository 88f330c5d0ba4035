import type { CliIo, Command } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { COMMAND_HELP, commandHelp, wantsHelp } from './help.js';
import { VERSION } from '../lib/version.js';

const HELP = `certagent ${VERSION}: keeps Vault PKI certificates on disk and the services using them reloaded.

Usage:
${Object.values(COMMAND_HELP)
  .map((help) => `  ${help.usage}`)
  .join('\n')}
  certagent help COMMAND      (or certagent COMMAND --help)

Signals to a running agent: SIGTERM/SIGINT stop, SIGHUP reloads the configuration, SIGUSR1 rotates every
certificate. Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
`;

// Each command's module is imported when that command runs, so `--version` does not load the agent and `check`
// loads only the config parser: what a command costs at start is what it uses.
const COMMANDS: Record<string, Command> = {
  run: async (args, io) => (await import('./run-command.js')).runCommand(args, io),
  check: async (args, io) => (await import('./check-command.js')).checkCommand(args, io),
  'dev-server': async (args, io) => (await import('./dev-server-command.js')).devServerCommand(args, io),
  rotate: async (args, io) => (await import('./rotate-command.js')).rotateCommand(args, io),
  version: async (_args, io) => {
    io.stdout.write(`certagent ${VERSION}\n`);
    return EXIT.ok;
  },
};

/** Runs one command line and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) {
    const text = commandHelp(rest[0]!);
    if (text) {
      io.stdout.write(text);
      return EXIT.ok;
    }
    io.stderr.write(`certagent: no command ${JSON.stringify(rest[0])}\n\n${HELP}`);
    return EXIT.usage;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') return COMMANDS.version!(rest, io);
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`certagent: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
    return EXIT.usage;
  }
  const help = commandHelp(name);
  if (help && wantsHelp(rest)) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    io.stderr.write(
      `certagent ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failure;
  }
}
