// The Dockerfile, without a Docker daemon: dockerfile-utils' linter finds no problem, and our rules hold on the
// parsed file — every base image pinned to a tag (never `latest`, never untagged), a multi-stage build whose
// runtime stage carries no development dependency, a numeric non-root USER, ENTRYPOINT certagent. The production
// install itself is run by pack-install.test.ts with the same command.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.js';
import { copiesFrom, dockerfileText, parseStages, productionInstall } from './dockerfile-stages.js';

const text = dockerfileText();
const stages = parseStages(text);
const runtime = stages.at(-1)!;
const args = (keyword: string) =>
  runtime.instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');

describe('Dockerfile', () => {
  it('passes the dockerfile-utils linter with no diagnostic', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('pins every base image to a tag that is not latest', () => {
    const names = new Set(stages.map((stage) => stage.name));
    for (const stage of stages) {
      if (names.has(stage.image)) continue; // FROM an earlier stage
      expect(stage.image, `FROM ${stage.image}`).toMatch(
        /^[\w./-]+:(?!latest$)[\w.-]+(@sha256:[0-9a-f]{64})?$/,
      );
      expect(stage.image).toMatch(/^node:\d+(\.\d+)*-[a-z]+-slim$|^gcr\.io\/distroless\/nodejs\d+/);
    }
  });

  it('builds in one stage and runs in another that has production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const install = productionInstall(stages);
    expect(install.argv.slice(0, 2)).toEqual(['npm', 'install']);
    expect(install.argv).toContain('--omit=dev');
    // The runtime stage copies the production install and nothing else from the build (not /src/node_modules).
    const copies = copiesFrom(runtime);
    expect(copies.flatMap((copy) => copy.sources)).toEqual([install.prefix]);
    // It installs nothing itself, or only without dev dependencies.
    for (const run of args('RUN')) {
      if (/\bnpm (ci|install|i)\b/.test(run)) expect(run).toMatch(/--omit=dev/);
      expect(run).not.toMatch(/\byarn\b|\bpnpm\b/);
    }
    expect(args('ENV').join(' ')).toMatch(/NODE_ENV=production/);
  });

  it('runs as a numeric non-root user, last', () => {
    const users = args('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const last = runtime.instructions.map((i) => i.getKeyword());
    // Nothing after USER runs as root again.
    expect(last.slice(last.lastIndexOf('USER')).filter((k) => k === 'RUN')).toEqual([]);
  });

  it('closes the SIGUSR1 inspector window with --disable-sigusr1 (the image runs Node 24)', () => {
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/NODE_OPTIONS=--disable-sigusr1\b/);
  });

  it('has ENTRYPOINT ["certagent"] in exec form and a default run command', () => {
    expect(args('ENTRYPOINT')).toEqual(['["certagent"]']);
    expect(JSON.parse(args('CMD').at(-1)!)).toEqual(['run', '-c', '/etc/certagent/agent.yaml']);
  });

  it('sends only what the build stage copies in its context (.dockerignore)', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toContain('*');
    const allowed = ignore
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/$/, ''));
    const copied = stages[0]!.instructions
      .filter((i) => i.getKeyword() === 'COPY')
      .flatMap((i) =>
        i
          .getArguments()
          .slice(0, -1)
          .map((a) => a.getValue().replace(/\/$/, '')),
      );
    expect(copied.sort()).toEqual(allowed.sort());
    expect(allowed).not.toContain('node_modules');
  });
});
