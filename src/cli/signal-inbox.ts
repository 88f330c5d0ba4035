/**
 * The signals main.ts catches before any module of the app is loaded: SIGUSR1 (which would otherwise open Node's
 * inspector on 127.0.0.1:9229, letting any local process run code in the agent and read its token and keys) and
 * SIGHUP (whose default action ends the process). They are queued until a command subscribes.
 */
export interface SignalInbox {
  /** Delivers queued signals to `handler` now, later ones as they come; returns an unsubscribe function. */
  subscribe(handler: (signal: EarlySignal) => void): () => void;
  /** Gives a signal its default action back (SIGHUP for commands that do not reload). Never SIGUSR1. */
  release(signal: 'SIGHUP'): void;
}

export type EarlySignal = 'SIGUSR1' | 'SIGHUP';
