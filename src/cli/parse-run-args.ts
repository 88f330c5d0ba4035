import { parseArgs } from 'node:util';
import type { LogConfig, LogLevel } from '../config/runtime-config.js';
import { UsageError } from '../lib/errors.js';

/** What `certagent run` was asked to do. */
export interface RunOptions {
  readonly configFiles: readonly string[];
  readonly once: boolean;
  readonly dev: boolean;
  /** Overrides of the config's `log:` section from the command line. */
  readonly log: Partial<LogConfig>;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Parses `run`'s arguments; throws UsageError for anything it does not understand. */
export function parseRunArgs(args: string[]): RunOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        once: { type: 'boolean', default: false },
        dev: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const configFiles = values.config ?? [];
  if (configFiles.length === 0) throw new UsageError('run needs at least one -c FILE');
  const log: { level?: LogLevel; format?: 'json' | 'pretty' | 'auto' } = {};
  const level = values['log-level'];
  if (level !== undefined) {
    if (!LEVELS.includes(level as LogLevel)) {
      throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
    }
    log.level = level as LogLevel;
  }
  const format = values['log-format'];
  if (format !== undefined) {
    if (format !== 'json' && format !== 'pretty' && format !== 'auto') {
      throw new UsageError(`--log-format must be json, pretty or auto, got ${JSON.stringify(format)}`);
    }
    log.format = format;
  }
  return { configFiles, once: values.once ?? false, dev: values.dev ?? false, log };
}
