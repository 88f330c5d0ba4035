import { parseArgs } from 'node:util';
import { configWarnings } from '../config/config-warnings.js';
import { loadConfig } from '../config/load-config.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { ConfigError } from '../lib/errors.js';
import { checkDeeply } from './check-templates.js';
import { devHint } from './dev-hint.js';
import type { Command } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { usageError } from './help.js';

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
    return usageError(io, 'check', (error as Error).message);
  }
  if (files.length === 0) {
    return usageError(io, 'check', 'needs at least one -c FILE');
  }
  let config: RuntimeConfig;
  try {
    config = await loadConfig(files, { env: io.env, dev });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.stderr.write(`${problem}\n`);
    const hint = dev ? undefined : await devHint(error.problems, files);
    if (hint) io.stderr.write(`${hint}\n`);
    io.stderr.write(`certagent check: ${error.problems.length} problem(s)\n`);
    return EXIT.usage;
  }
  // What run would trip on: templates rendered against a sample certificate, key file modes, auth files.
  const deep = await checkDeeply(config, files.join(', '));
  const { errors } = deep;
  // The warnings run logs at start too (plain-http Vault, settings without effect), then the deep check's.
  // With --dev, those run --dev logs: its Vault is the loopback dev server, whatever vault.address says.
  const warnings = [...configWarnings(config, { devServer: dev }), ...deep.warnings];
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  if (errors.length > 0) {
    for (const problem of errors) io.stderr.write(`${problem}\n`);
    io.stderr.write(`certagent check: ${errors.length} problem(s)\n`);
    return EXIT.usage;
  }
  const certificates = config.certificates.size;
  const templates = config.templates.length;
  const counted = `${certificates} certificate${certificates === 1 ? '' : 's'}, ${templates} template${templates === 1 ? '' : 's'}`;
  const warned = warnings.length > 0 ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
  io.stdout.write(`${files.join(', ')}: ok (${counted}${warned})\n`);
  return EXIT.ok;
};
