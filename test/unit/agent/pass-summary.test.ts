// The one line that ends a pass: what a person reading the log sees without adding up the lines above it.
import { describe, expect, it } from 'vitest';
import { logPassSummary } from '../../../src/agent/pass-summary.js';
import type { RenderPassResult, TemplateOutcome } from '../../../src/output/render-pass.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { LogLines } from '../../helpers/log-lines.js';

const outcome = (result: TemplateOutcome['result'], certificate?: string): TemplateOutcome => ({
  destination: `/etc/app/${result}-${certificate ?? 'kv'}`,
  certificate,
  result,
});

function summarize(result: Partial<RenderPassResult>) {
  const log = new LogLines();
  const { logger } = createLogger({ level: 'debug' }, log.stream);
  logPassSummary(logger, {
    templates: [],
    commands: [],
    ok: true,
    rolledBack: false,
    pendingCommands: [],
    problems: [],
    ...result,
  });
  return log.lines.at(-1) ?? {};
}

describe('pass summary', () => {
  it('counts written, unchanged and waiting files; a file waits for a certificate or for a KV secret', () => {
    const line = summarize({
      templates: [
        outcome('written', 'web'),
        outcome('unchanged', 'web'),
        outcome('pending', 'api'),
        outcome('pending'),
      ],
    });
    expect(line.msg).toBe('render pass: 1 file written, 1 unchanged, 2 waiting for a certificate or secret');
    expect(line).toMatchObject({ level: 'info', written: 1, unchanged: 1, pending: 2, ok: true });
  });

  it('a pass that failed is a warning, naming failures, commands and the rollback', () => {
    const line = summarize({
      templates: [outcome('error', 'web')],
      commands: [
        { kind: 'check', command: 'nginx -t', result: 'failure' } as RenderPassResult['commands'][number],
      ],
      ok: false,
      rolledBack: true,
    });
    expect(line.msg).toBe(
      'render pass: 0 files written, 0 unchanged, 1 failed; check nginx -t failed; previous files restored',
    );
    expect(line.level).toBe('warn');
  });

  it('a pass that found everything in place says so at debug only', () => {
    expect(summarize({ templates: [outcome('unchanged', 'web')] }).level).toBe('debug');
  });
});
