/** What the process was asked to do from outside, while `run` is active. */
export interface SignalHandlers {
  /** Aborted on the first SIGTERM or SIGINT: the agent finishes the write in flight and stops. */
  readonly stop: AbortSignal;
  /** Removes the listeners (after the agent stopped), so the process can exit normally. */
  dispose(): void;
}

/**
 * SIGTERM/SIGINT stop gracefully; a second one while stopping exits at once with 1 (an operator who presses ^C
 * twice means it). SIGHUP calls `onReload` (config reload).
 */
export function installSignalHandlers(options: {
  onReload?: () => void;
  onForcedExit?: () => void;
}): SignalHandlers {
  const controller = new AbortController();
  const onStop = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      options.onForcedExit?.();
      process.exit(1);
    }
    controller.abort(new StopRequested(signal));
  };
  const onHup = (): void => options.onReload?.();
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return {
    stop: controller.signal,
    dispose: () => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGHUP', onHup);
    },
  };
}

/** The abort reason when a signal asked the agent to stop: a clean stop, exit 0. */
export class StopRequested extends Error {
  readonly code = 'STOP_REQUESTED';
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
    this.name = 'AbortError';
    this.signal = signal;
  }
}
