import type { CertificateEvent, CertificateEventListener } from '../certs/certificate-events.js';
import type { CertificateSource } from '../certs/certificate-source.js';
import type { Clock } from '../lib/clock.js';
import { AgentError, errorMessage } from '../lib/errors.js';

/** `exit_on_retry_failure`: a certificate could not be obtained before its predecessor (if any) expired. */
export class CertificateDeadlineError extends AgentError {
  constructor(certificate: string, cause: unknown) {
    super(
      'CERTIFICATE_DEADLINE',
      `certificate ${certificate} could not be obtained in time (${errorMessage(cause)}); exit_on_retry_failure is set`,
      { cause },
    );
  }
}

/**
 * With `exit_on_retry_failure`, watches failures and ends the agent when a certificate has nothing valid to fall
 * back on: none obtained yet, or the next retry would come after the current one expires. Without it, the agent
 * keeps the last good files and keeps retrying.
 */
export function retryDeadline(
  enabled: boolean,
  sources: ReadonlyMap<string, CertificateSource>,
  clock: Clock,
): { readonly onEvent: CertificateEventListener; wait(signal: AbortSignal): Promise<void> } {
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  return {
    onEvent: (event: CertificateEvent) => {
      if (!enabled || event.type !== 'failed') return;
      const notAfter = sources.get(event.certificate)?.bundle.value?.notAfter;
      if (notAfter === undefined || clock.now() + event.retryInMs >= notAfter) {
        fail(new CertificateDeadlineError(event.certificate, event.error));
      }
    },
    wait: (signal) =>
      Promise.race([
        failed,
        new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
      ]),
  };
}
