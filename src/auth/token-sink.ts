import type { Logger } from 'pino';
import type { FileSinkConfig } from '../config/runtime-config.js';
import { writeFileAtomic } from '../lib/write-file-atomic.js';

/**
 * Writes the token to every file sink, atomically and with the sink's mode from the start (0600 by default), as
 * Vault Agent's file sink does, so other processes on the host can use the agent's token. A sink that fails is
 * logged and does not stop the others or the agent.
 */
export async function writeSinks(
  sinks: readonly FileSinkConfig[],
  token: string,
  logger: Logger,
): Promise<void> {
  for (const sink of sinks) {
    try {
      await writeFileAtomic({ path: sink.path, contents: token, mode: sink.mode });
      logger.info({ sink: sink.path }, 'token written to sink');
    } catch (error) {
      logger.error({ sink: sink.path, error }, 'could not write the token sink');
    }
  }
}
