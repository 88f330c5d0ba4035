import { StateStore } from '../certs/state-store.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { ConfigError, errorMessage } from '../lib/errors.js';
import type { Latest } from '../lib/latest.js';
import { TemplateEngine } from '../templates/template-engine.js';
import { startAgentListener } from './agent-listener.js';
import { watchAgentFiles } from './agent-watchers.js';
import type { LiveAgentParts } from './agent-types.js';
import type { ReloadPlan } from './reload-plan.js';
import { describePlan, planReload } from './reload-plan.js';

/**
 * SIGHUP / config_watch: reads every config file again. An invalid config is logged problem by problem
 * (`FILE:LINE:COL: path: message`) and the running one stays. Otherwise only the difference is applied (see
 * ReloadPlan): templates are rendered again, new certificates started, removed ones stopped, a certificate
 * obtained again only when its request changed, auth re-created only when vault/auto_auth changed, the listener
 * rebound only when its address changed. Returns whether the new config is now in force.
 */
export async function reloadAgent(agent: LiveAgentParts, trigger: string): Promise<boolean> {
  const { logger } = agent;
  const load = agent.options.loadConfig;
  if (!load) {
    logger.warn(`${trigger}: this agent was started without config files; nothing to reload`);
    return false;
  }
  let next: RuntimeConfig;
  try {
    next = await load();
  } catch (error) {
    // A config problem is a line of the file; anything else (a file that cannot be read) is logged as the error.
    const problems = error instanceof ConfigError ? error.problems : [errorMessage(error)];
    if (error instanceof ConfigError)
      for (const problem of problems) logger.error({ problem }, `config reload: ${problem}`);
    else logger.error({ error }, `config reload: ${problems[0]}`);
    logger.error(
      { trigger, problems: problems.length },
      `configuration not reloaded (${trigger}): ${problems.length} problem(s); the running configuration stays in force`,
    );
    return false;
  }
  const plan = planReload(agent.config, next);
  await applyPlan(agent, next, plan);
  logger.info({ trigger }, `configuration reloaded (${trigger}): ${describePlan(plan)}`);
  if (plan.restartNeeded.length > 0) {
    logger.warn(
      { keys: plan.restartNeeded },
      `changed settings that apply only at start (${plan.restartNeeded.join(', ')}): restart certagent to apply them`,
    );
  }
  return true;
}

async function applyPlan(agent: LiveAgentParts, next: RuntimeConfig, plan: ReloadPlan): Promise<void> {
  const previous = agent.config;
  agent.config = next;
  if (plan.auth) {
    const oldVault = agent.vault;
    await agent.tasks?.stop('tokens');
    agent.makeAuth(next);
    agent.tasks?.start('tokens', (s) => agent.tokens.run(s));
    // Graceful: requests in flight on the old client finish first.
    if (oldVault !== agent.vault) await oldVault.close().catch(() => undefined);
  }
  if (previous.stateDir !== next.stateDir) agent.store = new StateStore(next.stateDir);
  for (const name of [...plan.removed, ...plan.replaced]) {
    await agent.tasks?.stop(`certificate ${name}`);
    agent.sources.delete(name);
  }
  for (const name of plan.removed) {
    agent.bundles.delete(name);
    agent.metrics.certificateNotAfter.remove({ certificate: name });
    agent.metrics.certificateRenewal.remove({ certificate: name });
  }
  for (const name of [...plan.added, ...plan.replaced]) agent.addSource(next.certificates.get(name)!);
  agent.reconfigureHealth();
  if (plan.listener) await rebindListener(agent, next);
  // Template sources are read again (an edited file is the usual reason for a SIGHUP), and every template rendered.
  agent.engine = new TemplateEngine();
  bump(agent.rerender);
  if (agent.tasks) {
    await agent.stopWatching?.();
    agent.stopWatching = await watchAgentFiles(agent);
  }
}

/** The new address is bound before the old one is closed: if it cannot be, the old one keeps serving. */
async function rebindListener(agent: LiveAgentParts, next: RuntimeConfig): Promise<void> {
  if (!agent.tasks) return;
  const old = agent.listener;
  if (next.listener) {
    try {
      agent.listener = await startAgentListener(agent, next.listener);
    } catch (error) {
      agent.logger.error(
        { error },
        `listener not moved: ${errorMessage(error)}; it stays at ${old?.address ?? 'nowhere'}`,
      );
      return;
    }
  } else agent.listener = undefined;
  await old?.close();
}

/** Moves a trigger on (its value only counts up). */
export function bump(trigger: Latest<number>): void {
  trigger.set((trigger.value ?? 0) + 1);
}
