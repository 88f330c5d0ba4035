// How an error appears in a log line: what explains it, its cause chain, and a stack only where it helps (a likely
// bug), not on every line of an expected failure retried all night.

import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../src/lib/errors.js';
import type { SerializedError } from '../../../src/telemetry/serialize-error.js';
import { serializeError } from '../../../src/telemetry/serialize-error.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';

const serialized = (error: unknown): SerializedError => serializeError(error) as SerializedError;

/** A Node system error as the socket layer raises it (connection refused). */
function systemError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8200'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  });
}

describe('serializeError', () => {
  it('keeps the stable code of our errors and drops their stack', () => {
    const line = serialized(new AgentError('AUTH_CREDENTIALS', 'cannot read the secret ID file'));
    expect(line).toEqual({
      type: 'AgentError',
      code: 'AUTH_CREDENTIALS',
      message: 'cannot read the secret ID file',
    });
  });

  it('drops every stack of an expected failure: Vault unreachable and the system error under it', () => {
    const line = serialized(
      new VaultUnreachableError('Vault unreachable at http://127.0.0.1:8200 (connection refused)', {
        cause: systemError(),
      }),
    );
    expect(line).toEqual({
      type: 'VaultUnreachableError',
      code: 'VAULT_UNREACHABLE',
      message: 'Vault unreachable at http://127.0.0.1:8200 (connection refused)',
      cause: { type: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8200' },
    });
  });

  it('keeps the status of a Vault answer', () => {
    const error = new VaultHttpError({
      status: 403,
      method: 'POST',
      path: 'pki/issue/web',
      errors: ['permission denied'],
    });
    expect(serialized(error)).toEqual({
      type: 'VaultHttpError',
      code: 'VAULT_HTTP',
      status: 403,
      message: 'vault POST pki/issue/web answered 403: permission denied',
    });
  });

  it('keeps the stack of an error without a stable code (a likely bug), also as the cause of one of ours', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'notAfter')");
    expect(serialized(bug).stack).toContain('TypeError: Cannot read properties');
    const wrapped = serialized(new AgentError('ISSUE_FAILED', 'cannot issue web', { cause: bug }));
    expect(wrapped.stack).toBeUndefined();
    expect(wrapped.cause).toMatchObject({ type: 'TypeError', stack: expect.stringContaining('TypeError') });
  });

  it('keeps the stack of a coded error that is not ours nor the system’s (Node argument checks)', () => {
    const misuse = Object.assign(new TypeError('The "path" argument must be of type string'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(serialized(misuse)).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', stack: expect.any(String) });
  });

  it('copies no other field of an error, and stops a cause loop', () => {
    const error = Object.assign(new AgentError('VAULT_HTTP', 'denied'), { token: 'hvs.secret', status: 403 });
    error.cause = error;
    const line = serialized(error);
    expect(JSON.stringify(line)).not.toContain('hvs.secret');
    let depth = 0;
    for (let link: SerializedError | undefined = line; link; link = link.cause) depth++;
    expect(depth).toBe(9);
  });

  it('writes a thrown non-Error as its type and text', () => {
    expect(serializeError('boom')).toEqual({ type: 'string', message: 'boom' });
  });
});
