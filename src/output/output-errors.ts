// The failures of a render pass that no lower layer types: a write the OS refused, and a template held back
// because another of its certificate failed. Each has a stable code for /status and log matching.

import { AgentError, errorMessage } from '../lib/errors.js';

/**
 * A file or directory group of a pass could not be put in place. The OS's error is the cause, and its code
 * (EACCES, ENOSPC, EROFS, EISDIR…) is `osCode` and starts the message, which names the path.
 */
export class OutputWriteError extends AgentError {
  readonly path: string;
  /** The OS's code of the cause, when it has one: what to act on (permissions, a full or read-only disk). */
  readonly osCode: string | undefined;

  constructor(path: string, cause: unknown) {
    super('OUTPUT_WRITE_FAILED', `write failed for ${path}: ${errorMessage(cause)}`, { cause });
    this.path = path;
    const code = (cause as { code?: unknown } | null)?.code;
    this.osCode = typeof code === 'string' ? code : undefined;
  }
}

/**
 * Another template of the same certificate failed, so this one was not written either (a key never lands beside
 * another certificate). The cause is that failure; the code is this one's, so /status tells the template that
 * failed from those it held back.
 */
export class TemplateHeldBackError extends AgentError {
  constructor(cause: Error) {
    super('TEMPLATE_HELD_BACK', 'not written: another template of this certificate failed', { cause });
  }
}
