// Shared set-up of the render-pass integration tests: a temp dir per test, a logger that keeps its lines, and
// templates/commands/passes rooted in that dir.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { CommandSpec, TemplateConfig } from '../../../src/config/runtime-config.js';
import type { RenderPassResult } from '../../../src/output/render-pass.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { templateConfig } from '../../helpers/template-config.js';

/** record-call.mjs: appends which of the files it was given were missing when it ran. */
export const RECORD = join(import.meta.dirname, '../../fixtures/bin/record-call.mjs');
/** hang.mjs: writes its pid to a file, then never ends. */
export const HANG = join(import.meta.dirname, '../../fixtures/bin/hang.mjs');

/** What a test file gets from usePassHarness; `dir` and `lines` are fresh for every test. */
export interface PassHarness {
  readonly dir: string;
  readonly lines: Record<string, unknown>[];
  logger(): pino.Logger;
  template(index: number, builtin: string, file: string, extra?: Partial<TemplateConfig>): TemplateConfig;
  /** An atomic directory group of certificate `web` at `file`, one shipped template per `[name, builtin]`. */
  group(file: string, files: readonly (readonly [string, string])[]): TemplateConfig;
  record(log: string, ...files: string[]): CommandSpec;
  calls(log: string): Promise<{ missing: string[] }[]>;
  pass(templates: TemplateConfig[], bundles: Map<string, CertificateBundle>): Promise<RenderPassResult>;
}

/** Registers the per-test temp dir (removed afterwards) and returns the helpers bound to it. */
export function usePassHarness(): PassHarness {
  let dir = '';
  let lines: Record<string, unknown>[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-pass-'));
    lines = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const logger = () =>
    pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
  return {
    get dir() {
      return dir;
    },
    get lines() {
      return lines;
    },
    logger,
    template: (index, builtin, file, extra = {}) =>
      templateConfig({
        index,
        source: { kind: 'builtin', name: builtin },
        destination: join(dir, file),
        ...extra,
      }),
    group: (file, files) =>
      templateConfig({
        source: { kind: 'builtin', name: '' },
        destination: join(dir, file),
        directory: {
          files: files.map(([name, builtin]) => ({
            name,
            source: { kind: 'builtin', name: builtin },
            pkcs12: undefined,
            perms: undefined,
          })),
        },
      }),
    record: (log, ...files) => ({
      argv: [process.execPath, RECORD, join(dir, log), ...files.map((file) => join(dir, file))],
    }),
    calls: async (log) => {
      const text = await readFile(join(dir, log), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { missing: string[] });
    },
    pass: (templates, bundles) =>
      runRenderPass({
        templates,
        bundles,
        engine: new TemplateEngine(),
        logger: logger(),
        signal: new AbortController().signal,
      }),
  };
}
