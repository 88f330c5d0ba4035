import type { Logger } from 'pino';
import type { RenderPassResult } from '../output/render-pass.js';

/**
 * One line at the end of every pass that did something (`render pass: 2 files written, 1 unchanged; command
 * systemctl reload nginx succeeded`), so a person reading the log sees the outcome without adding up the lines
 * above. A pass that found everything in place (a repair check, a reload that changed nothing) says so at debug.
 */
export function logPassSummary(logger: Logger, result: RenderPassResult): void {
  const count = (what: string) => result.templates.filter((t) => t.result === what).length;
  const written = count('written');
  const unchanged = count('unchanged');
  const failed = count('error');
  const pending = count('pending');
  const files = [
    `${written} file${written === 1 ? '' : 's'} written`,
    `${unchanged} unchanged`,
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(pending > 0 ? [`${pending} waiting for a certificate or secret`] : []),
  ].join(', ');
  const commands = result.commands.map(
    (c) =>
      `${c.kind} ${c.command} ${c.result === 'success' ? 'succeeded' : c.result === 'timeout' ? 'timed out' : 'failed'}`,
  );
  const message = `render pass: ${[files, ...commands].join('; ')}${result.rolledBack ? '; previous files restored' : ''}`;
  const fields = { written, unchanged, failed, pending, commands: result.commands.length, ok: result.ok };
  if (!result.ok) logger.warn(fields, message);
  else if (written > 0 || result.commands.length > 0) logger.info(fields, message);
  else logger.debug(fields, message);
}
