import { AgentError, isOsError } from '../lib/errors.js';
import { redactSecretKeys } from './redact-keys.js';

/** How an error appears in a log line. */
export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  status?: number;
  stack?: string;
  cause?: SerializedError;
}

/** Causes deeper than this are dropped (a chain that long is a loop or a bug, and the first links tell the story). */
const MAX_CAUSES = 8;

/**
 * Keeps what explains an error (type, code, message, HTTP status, the cause chain, and the stack of a likely bug)
 * and nothing else: an error's other own fields may hold a request or a token, so they are never copied
 * wholesale. Messages are still scrubbed of registered secrets by the logger.
 */
export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) {
    return typeof error === 'object'
      ? redactSecretKeys(error)
      : { type: typeof error, message: String(error) };
  }
  const fields = error as Error & { code?: unknown; status?: unknown; statusCode?: unknown };
  const out: SerializedError = { type: error.name, message: error.message };
  if (typeof fields.code === 'string' || typeof fields.code === 'number') out.code = String(fields.code);
  const status = fields.status ?? fields.statusCode;
  if (typeof status === 'number') out.status = status;
  if (error.stack !== undefined && !isExpected(error)) out.stack = error.stack;
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    out.cause = serializeError(error.cause, depth + 1) as SerializedError;
  }
  return out;
}

/**
 * An expected operational failure, which its code and message explain, so its stack would only repeat where it is
 * always raised, on every retry's line: one of ours (an AgentError: Vault unreachable, a 403, a bad credential
 * file) or one the operating system reported (a Node system error, with `syscall`: ECONNREFUSED, EACCES, ENOSPC).
 * Anything else (a TypeError, an Error without a code) is likely a bug, and keeps its stack to find it by.
 */
function isExpected(error: Error): boolean {
  return error instanceof AgentError || isOsError(error);
}
