// OutputWriteError: the code operators act on is the OS's, and only an OS error has one.
import { describe, expect, it } from 'vitest';
import { AtomicDirectoryError } from '../../../src/output/atomic-directory.js';
import { OutputWriteError } from '../../../src/output/output-errors.js';

describe('OutputWriteError', () => {
  it("names the path, then the cause's message; an OS error's code is osCode", () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/etc/app/tls.key'"), {
      code: 'EACCES',
      syscall: 'open',
    });
    const error = new OutputWriteError('/etc/app/tls.key', denied);
    expect(error).toMatchObject({ code: 'OUTPUT_WRITE_FAILED', osCode: 'EACCES', cause: denied });
    expect(error.message).toBe(
      "write failed for /etc/app/tls.key: EACCES: permission denied, open '/etc/app/tls.key'",
    );
  });

  it("an AgentError's code is ours, not the OS's: no osCode", () => {
    const refused = new AtomicDirectoryError('"..x" cannot be a file name in an atomic directory');
    expect(new OutputWriteError('/etc/envoy/tls', refused).osCode).toBeUndefined();
    expect(new OutputWriteError('/etc/envoy/tls', 'a string').osCode).toBeUndefined();
  });
});
