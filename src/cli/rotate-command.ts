// `certagent rotate NAME`: asks a running agent, through its listener (POST /v1/rotate/NAME, accepted from
// loopback peers only), to obtain a new certificate now, and waits for it.

import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { ConfigError, errorMessage } from '../lib/errors.js';
import { parseVaultDurationMs } from '../lib/duration.js';
import type { Command } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { usageError } from './help.js';

const DEFAULT_LISTENER = '127.0.0.1:8210';

export const rotateCommand: Command = async (args, io) => {
  let name: string;
  let listener: string | undefined;
  let configFiles: string[];
  let timeoutMs: number;
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        listener: { type: 'string' },
        config: { type: 'string', short: 'c', multiple: true },
        timeout: { type: 'string', default: '2m' },
      },
    });
    if (positionals.length !== 1) throw new Error('needs exactly one certificate NAME');
    name = positionals[0]!;
    listener = values.listener;
    configFiles = values.config ?? [];
    timeoutMs = parseVaultDurationMs(values.timeout ?? '2m');
  } catch (error) {
    return usageError(io, 'rotate', errorMessage(error));
  }
  if (listener === undefined && configFiles.length > 0) {
    try {
      // Only the listener matters here: dev skips the address and token checks, and the template files are
      // left to the agent (a source reading a secret not declared yet must not block a rotation it would do).
      const config = await loadConfig(configFiles, { env: io.env, dev: true, readTemplateFiles: false });
      if (!config.listener)
        return usageError(io, 'rotate', `${configFiles.join(', ')} configures no listener`);
      const { host, port } = config.listener;
      listener = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) io.stderr.write(`${problem}\n`);
      return EXIT.usage;
    }
  }
  const url = `http://${listener ?? DEFAULT_LISTENER}/v1/rotate/${encodeURIComponent(name)}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    io.stderr.write(
      `certagent rotate: no agent answered at ${listener ?? DEFAULT_LISTENER} (${cause ?? errorMessage(error)}); ` +
        'is it running with a listener? (--listener HOST:PORT)\n',
    );
    return EXIT.failure;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 200) {
    io.stdout.write(
      `certificate ${name} rotated: serial ${String(body.serial)}, not after ${String(body.not_after)}\n`,
    );
    return EXIT.ok;
  }
  io.stderr.write(`certagent rotate: ${String(body.error ?? `the agent answered ${response.status}`)}\n`);
  if (response.status === 404) return EXIT.usage;
  if (response.status === 502) io.stderr.write('the agent keeps retrying the rotation with backoff\n');
  return EXIT.failure;
};
