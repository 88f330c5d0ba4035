// The failures of a render pass that no lower layer types: a write the OS refused, and a template held back
// because another of its certificate failed. Each has a stable code for /status and log matching.

import { AgentError, errorMessage, isOsError } from '../lib/errors.js';

/**
 * A file or directory group of a pass could not be put in place. The message names the path, then the cause's
 * own message; an OS error's code (EACCES, ENOSPC, EROFS, EISDIR…) is also `osCode`.
 */
export class OutputWriteError extends AgentError {
  readonly path: string;
  /** The OS's code of the cause, when it is an OS error: what to act on (permissions, a full or read-only disk). */
  readonly osCode: string | undefined;

  constructor(path: string, cause: unknown) {
    super('OUTPUT_WRITE_FAILED', `write failed for ${path}: ${errorMessage(cause)}`, { cause });
    this.path = path;
    // Only an OS error's code (it has a syscall): an AgentError's code (ATOMIC_DIRECTORY) is ours, not the OS's.
    const code = (cause as { code?: unknown } | null)?.code;
    this.osCode = isOsError(cause) && typeof code === 'string' ? code : undefined;
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
