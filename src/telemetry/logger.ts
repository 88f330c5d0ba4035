import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { LogConfig } from '../config/runtime-config.js';
import { REDACTED, redactSecretKeys } from './redact-keys.js';
import { SecretRegistry } from '../lib/secret-registry.js';
import { serializeError } from './serialize-error.js';

// pino-pretty (CommonJS) is required synchronously, and only for `format: pretty`: JSON logging, the default and
// what production uses, does not load it.
const require = createRequire(import.meta.url);

/**
 * Where secrets live in the objects we log; pino replaces them at these paths (which also cover a child's
 * bindings). Deeper or unlisted spellings are caught by `redactSecretKeys`.
 */
const REDACT_KEYS = [
  'token',
  'client_token',
  'clientToken',
  'secret_id',
  'secretId',
  'jwt',
  'private_key',
  'privateKey',
  'password',
  'authorization',
  '"x-vault-token"',
];
const REDACT_PATHS = [
  ...REDACT_KEYS,
  ...REDACT_KEYS.map((key) => `*.${key}`),
  ...REDACT_KEYS.map((key) => `*.*.${key}`),
  'headers["x-vault-token"]',
  '*.headers["x-vault-token"]',
];

/** A logger and the registry of secret values it scrubs from every line. */
export interface AgentLogger {
  readonly logger: Logger;
  readonly secrets: SecretRegistry;
}

/**
 * The agent's pino logger: JSON (or pino-pretty when `format: pretty`), written synchronously so no line is lost
 * at exit. Secrets are removed by key (pino's redact paths, then a pass over every plain object at any depth) and
 * by value (every registered secret is replaced in the serialized line, wherever it appears). Errors under `err`
 * or `error` keep type, code, message, status and their cause chain, and a stack when they are likely a bug
 * (serialize-error.ts): log the error itself there, not its message, so its code reaches the line.
 */
export function createLogger(
  config: Partial<LogConfig>,
  destination: NodeJS.WritableStream | DestinationStream = pino.destination({ dest: 1, sync: true }),
): AgentLogger {
  const secrets = new SecretRegistry();
  const sink =
    config.format === 'pretty' || (config.format === 'auto' && isTty(destination))
      ? (require('pino-pretty') as typeof PinoPretty)({
          destination: destination as NodeJS.WritableStream,
          sync: true,
          colorize: isTty(destination),
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : destination;
  const scrubbing: DestinationStream = {
    write: (line: string) => {
      (sink as DestinationStream).write(secrets.scrub(line));
    },
  };
  const logger = pino(
    {
      level: config.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecretKeys(object) as Record<string, unknown>,
      },
    },
    scrubbing,
  );
  return { logger, secrets };
}

function isTty(stream: unknown): boolean {
  const fd = (stream as { fd?: number }).fd;
  return fd === 1 ? Boolean(process.stdout.isTTY) : fd === 2 ? Boolean(process.stderr.isTTY) : false;
}
