import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../lib/errors.js';
import type { Command } from './cli-io.js';
import { EXIT } from './cli-io.js';

/**
 * `certagent check -c FILE… [--dev]`: validates the configuration without contacting Vault or touching a file;
 * `--dev` checks a config meant for `run --dev` (no address or token needed).
 */
export const checkCommand: Command = async (args, io) => {
  let files: string[];
  let dev: boolean;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { config: { type: 'string', short: 'c', multiple: true }, dev: { type: 'boolean' } },
    });
    files = values.config ?? [];
    dev = values.dev ?? false;
  } catch (error) {
    io.stderr.write(`certagent check: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  if (files.length === 0) {
    io.stderr.write('certagent check: needs at least one -c FILE\n');
    return EXIT.usage;
  }
  try {
    const config = await loadConfig(files, { env: io.env, dev });
    const certificates = config.certificates.size;
    const templates = config.templates.length;
    io.stdout.write(
      `${files.join(', ')}: ok (${certificates} certificate${certificates === 1 ? '' : 's'}, ${templates} template${templates === 1 ? '' : 's'})\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.stderr.write(`${problem}\n`);
    io.stderr.write(`certagent check: ${error.problems.length} problem(s)\n`);
    return EXIT.usage;
  }
};
