import { join } from 'node:path';
import type { TemplateConfig } from '../config/runtime-config.js';
import { TemplateEngine } from '../templates/template-engine.js';
import type { LiveAgentParts } from './agent-types.js';
import type { StopWatching } from './watch-paths.js';
import { watchPaths } from './watch-paths.js';

/**
 * The files a running agent follows (never in `--once`): template `source` files (an edit renders again, no
 * Vault request), destinations (a file deleted or changed by someone else is put back by the next pass) and, with
 * `config_watch: true`, the config files themselves (a change reloads as SIGHUP does).
 */
export async function watchAgentFiles(agent: LiveAgentParts): Promise<StopWatching> {
  const { config, logger } = agent;
  const onError = (error: unknown): void => logger.warn({ error }, 'file watcher failed');
  const stops: StopWatching[] = [];
  const { sources: templateSources, destinations } = followedPaths(config.templates);
  stops.push(
    await watchPaths(
      templateSources,
      (path) => {
        logger.info({ path }, `template source ${path} changed: rendering again`);
        agent.engine = new TemplateEngine();
        agent.rerender.set((agent.rerender.value ?? 0) + 1);
      },
      { onError },
    ),
  );
  stops.push(
    await watchPaths(
      destinations,
      (path) => {
        logger.debug({ path }, 'destination changed on disk: checking it');
        agent.repairs.set((agent.repairs.value ?? 0) + 1);
      },
      { onError },
    ),
  );
  if (config.configWatch) {
    stops.push(
      await watchPaths(config.sources, (path) => void agent.reload(`${path} changed`), {
        onError,
        debounceMs: 300,
      }),
    );
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

/**
 * The files templates read and write. An atomic directory group counts by its files: each file's own `source`, and
 * each stable name (a watch on the group's directory itself, depth 0 in its parent, sees nothing inside it, so a
 * deleted `tls.crt` was never repaired).
 */
export function followedPaths(templates: readonly TemplateConfig[]): {
  sources: string[];
  destinations: string[];
} {
  const sources: string[] = [];
  const destinations: string[] = [];
  for (const template of templates) {
    const files = template.directory?.files;
    for (const source of [template.source, ...(files ?? []).map((file) => file.source)])
      if (source.kind === 'file') sources.push(source.path);
    if (files) destinations.push(...files.map((file) => join(template.destination, file.name)));
    else destinations.push(template.destination);
  }
  return { sources, destinations };
}
