import type { SignalInbox } from './signal-inbox.js';

/** What the process was asked to do from outside, while a command is active. */
export interface SignalHandlers {
  /** Aborted on the first SIGTERM or SIGINT: the agent finishes the write in flight and stops. */
  readonly stop: AbortSignal;
  /** Removes the listeners (after the agent stopped), so the process can exit normally. */
  dispose(): void;
}

/**
 * SIGTERM/SIGINT stop gracefully; a second one while stopping exits at once with 1 (an operator who presses ^C
 * twice means it). SIGHUP calls `onReload`, SIGUSR1 `onRotate` (forced rotation); both are taken from the inbox
 * main.ts set up before the app loaded (so one that came early is delivered now), or listened to directly when
 * there is none (the dev server, tests). SIGUSR1 always has a listener: it must never open Node's inspector.
 */
export function installSignalHandlers(options: {
  /** Without it, SIGHUP stops as SIGTERM does: a command that does not reload ends on a hangup, as programs do. */
  onReload?: () => void;
  onRotate?: () => void;
  onForcedExit?: () => void;
  inbox?: SignalInbox;
}): SignalHandlers {
  const controller = new AbortController();
  const onStop = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      options.onForcedExit?.();
      process.exit(1);
    }
    controller.abort(new StopRequested(signal));
  };
  const onOther = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGHUP') {
      if (options.onReload) options.onReload();
      else onStop(signal);
    } else if (signal === 'SIGUSR1') options.onRotate?.();
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  let unsubscribe: () => void;
  if (options.inbox) unsubscribe = options.inbox.subscribe(onOther);
  else {
    process.on('SIGHUP', onOther);
    process.on('SIGUSR1', onOther);
    unsubscribe = () => {
      process.off('SIGHUP', onOther);
      process.off('SIGUSR1', onOther);
    };
  }
  return {
    stop: controller.signal,
    dispose: () => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      unsubscribe();
    },
  };
}

/**
 * After a stop on SIGHUP and the clean-up that follows it, ends the process by SIGHUP itself, so what started it
 * sees what any program a hangup ends reports (a shell: status 129). DESIGN §1.1 gives exit 0 to SIGTERM/SIGINT
 * only. Call it once nothing listens to SIGHUP (after `dispose`), so the signal takes its default action.
 */
export function endByHangup(stop: AbortSignal): void {
  if (stop.reason instanceof StopRequested && stop.reason.signal === 'SIGHUP')
    process.kill(process.pid, 'SIGHUP');
}

/** The abort reason when a signal asked the agent to stop: a clean stop, exit 0 (after SIGHUP: endByHangup). */
export class StopRequested extends Error {
  readonly code = 'STOP_REQUESTED';
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
    this.name = 'AbortError';
    this.signal = signal;
  }
}
