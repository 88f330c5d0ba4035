// The fault scenarios of docs/reliability.md, in the order of the table, with what DESIGN.md §2 and issue 7's
// decisions say must happen. Each test in test/faults/ records what it observed under one of these ids.

export interface ScenarioSpec {
  readonly title: string;
  readonly expected: string;
}

export const SCENARIOS = {
  'vault-down-at-start': {
    title: 'Vault down at start',
    expected:
      'the agent keeps running, retries with backoff (no hot loop), /readyz 503; files appear by themselves once Vault is up',
  },
  'vault-down-60s': {
    title: 'Vault down mid-run for 60 s (certificates expire meanwhile)',
    expected:
      'old files kept, retries at least every 30 s after expiry; once Vault is back the files are current within 35 s',
  },
  'vault-new-ca': {
    title: 'Vault restarted with a new CA',
    expected:
      'the next certificate comes from the new CA; key, certificate and CA file change together; no error loop',
  },
  sealed: {
    title: 'Vault sealed',
    expected: 'files kept, failures counted with backoff, recovery by itself after unseal',
  },
  'slow-vault': {
    title: 'Vault slower than the request timeout',
    expected:
      'each request abandoned at the timeout, retried with backoff; certificate obtained once Vault is fast again',
  },
  'rate-limited': {
    title: '429 with Retry-After',
    expected:
      'no request to Vault before Retry-After has passed; files kept; certificate obtained after the limit lifts',
  },
  'token-revoked': {
    title: 'Token revoked',
    expected:
      'a 403 makes the agent log in again (AppRole) and carry on; certificates renewed with the new token',
  },
  'key-mismatch': {
    title: 'Certificate not matching the key',
    expected:
      'rejected as a permanent error (no retry loop); the mismatched pair never reaches the destination',
  },
  'destination-unwritable': {
    title: 'Destination unwritable, then writable',
    expected:
      'write errors logged with their cause, previous files kept, files written once the directory is writable',
  },
  'disk-full': {
    title: 'Disk full',
    expected:
      'ENOSPC logged, previous files intact (no partial file, no temp file left), written once space is freed',
  },
  'check-failing': {
    title: 'Check failing',
    expected:
      'first-ever files never deleted; on renewal the previous files are restored, retried with backoff without re-issuing',
  },
  'command-failing': {
    title: 'Command (reload) failing',
    expected:
      'no rollback: the new files stay; the failure is counted and the command retried with backoff until it succeeds',
  },
  'command-hanging': {
    title: 'Command hanging',
    expected:
      'killed at exec.timeout and counted as a timeout; the agent keeps renewing; no process left behind',
  },
  'sigkill-during-renewals': {
    title: 'SIGKILL ×30 during RSA-key renewals',
    expected:
      'a bundle file is always a complete matching key/certificate set; the separate pair matches after the next start; 0 temp files after the next start',
  },
  'sigterm-during-pass': {
    title: 'SIGTERM during a pass',
    expected:
      'a graceful stop: the write in flight finishes (a check in flight is stopped), exit 0, no temp file, files a matching set',
  },
  'clock-jump': {
    title: 'Clock jump forward (past the renewal time)',
    expected:
      'the agent notices and renews promptly instead of waiting out its old timer; files current again',
  },
} as const satisfies Record<string, ScenarioSpec>;

export type ScenarioId = keyof typeof SCENARIOS;
