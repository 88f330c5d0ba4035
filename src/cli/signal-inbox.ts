/**
 * The signals main.ts catches before any module of the app is loaded: SIGUSR1 (which would otherwise open Node's
 * inspector on 127.0.0.1:9229, letting any local process run code in the agent and read its token and keys) and,
 * for `run` only, SIGHUP (whose default action ends the process; `run` reloads on it). They are queued until a
 * command subscribes.
 */
export interface SignalInbox {
  /** Delivers queued signals to `handler` now, later ones as they come; returns an unsubscribe function. */
  subscribe(handler: (signal: EarlySignal) => void): () => void;
}

export type EarlySignal = 'SIGUSR1' | 'SIGHUP';
