import type { ListenerConfig } from '../config/runtime-config.js';
import type { RunningListener } from '../telemetry/listener.js';
import { startListener } from '../telemetry/listener.js';
import type { LiveAgentParts } from './agent-types.js';

/** The agent's listener: health, metrics and status, and `POST /v1/rotate/NAME` for `certagent rotate`. */
export function startAgentListener(agent: LiveAgentParts, config: ListenerConfig): Promise<RunningListener> {
  return startListener({
    ...config,
    health: agent.health,
    metrics: agent.metrics,
    now: () => agent.clock.now(),
    logger: agent.logger,
    secrets: agent.secrets,
    rotate: (name) =>
      agent.rotate(name)?.then((bundle) => ({
        certificate: name,
        serial: bundle.serialNumber,
        notAfter: bundle.notAfter,
      })),
  });
}
