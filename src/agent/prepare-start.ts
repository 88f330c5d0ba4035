import type { Logger } from 'pino';
import type { StateStore } from '../certs/state-store.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { configWarnings } from '../config/config-warnings.js';
import { destinationLocations, removeStaleTempFiles } from '../output/stale-temp-files.js';
import { cleanAtomicDirectories } from './secrets-for.js';

/**
 * Before anything writes: the config's warnings (security, settings without effect), then temp files a SIGKILL left beside the destinations, the
 * token sinks (a token!) and in state_dir, and an atomic directory's half-made generations.
 */
export async function prepareStart(config: RuntimeConfig, store: StateStore, logger: Logger): Promise<void> {
  for (const warning of configWarnings(config)) logger.warn(warning);
  const sinks = (config.autoAuth?.sinks ?? []).map((sink) => ({
    destination: sink.path,
    followSymlink: false,
  }));
  const locations = [
    ...(await destinationLocations([...config.templates, ...sinks])),
    ...store.tempFileLocations(),
  ];
  const outputLogger = logger.child({ component: 'output' });
  await removeStaleTempFiles(locations, outputLogger);
  // What a crash left in atomic directories (`..data_tmp`, unreferenced generations).
  await cleanAtomicDirectories(config.templates, outputLogger);
}
