// What SIGHUP means depends on the command: `run` reloads, a command that does not reload stops on it (the dev
// server, which then ends by SIGHUP once it has cleaned up). The signals are emitted on `process`, not sent, so
// the worker running the tests is never at risk.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SignalHandlers } from '../../../src/cli/signals.js';
import { StopRequested, installSignalHandlers } from '../../../src/cli/signals.js';

describe('installSignalHandlers', () => {
  let handlers: SignalHandlers | undefined;
  afterEach(() => handlers?.dispose());

  it('calls onReload on SIGHUP and keeps running', () => {
    const onReload = vi.fn();
    handlers = installSignalHandlers({ onReload });
    process.emit('SIGHUP', 'SIGHUP');
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(handlers.stop.aborted).toBe(false);
  });

  it('stops on SIGHUP, as on SIGTERM, when the command does not reload', () => {
    handlers = installSignalHandlers({});
    process.emit('SIGHUP', 'SIGHUP');
    expect(handlers.stop.aborted).toBe(true);
    expect(handlers.stop.reason).toBeInstanceOf(StopRequested);
    expect((handlers.stop.reason as StopRequested).signal).toBe('SIGHUP');
  });

  it('leaves no SIGHUP listener behind once disposed', () => {
    const before = process.listenerCount('SIGHUP');
    installSignalHandlers({}).dispose();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
