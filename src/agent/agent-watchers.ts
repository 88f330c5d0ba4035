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
  const templateSources = config.templates.flatMap((t) => (t.source.kind === 'file' ? [t.source.path] : []));
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
      config.templates.map((t) => t.destination),
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
