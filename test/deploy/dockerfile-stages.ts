// The top-level Dockerfile parsed with dockerfile-ast (what dockerfile-utils' linter parses it with), split into
// its build stages, for the Dockerfile lint and for the tarball install test, which runs the image's own install
// command.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { Copy, Instruction } from 'dockerfile-ast';
import { ROOT } from '../helpers/cli-process.js';

export const DOCKERFILE = join(ROOT, 'Dockerfile');

/** One FROM and the instructions up to the next FROM. */
export interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export function dockerfileText(): string {
  return readFileSync(DOCKERFILE, 'utf8');
}

export function parseStages(text = dockerfileText()): Stage[] {
  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', , name] = instruction.getArguments().map((a) => a.getValue());
      stages.push({ name, image, instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/**
 * The production install the runtime stage copies: the `npm install … --omit=dev … TARBALL` RUN of the stage the
 * runtime stage copies `/opt/certagent` from, as an argv (one command, no shell operators).
 */
export function productionInstall(stages = parseStages()): {
  argv: string[];
  prefix: string;
  tarball: string;
} {
  const runtime = stages.at(-1)!;
  const from = copiesFrom(runtime)[0]?.from;
  const source = stages.find((stage) => stage.name === from);
  const run = source?.instructions.find(
    (i) => i.getKeyword() === 'RUN' && /^npm install /.test(i.getArgumentsContent() ?? ''),
  );
  if (!run) throw new Error('no `npm install` RUN in the stage the runtime stage copies from');
  const argv = (run.getArgumentsContent() ?? '').trim().split(/\s+/);
  if (argv.some((arg) => /[;&|$`]/.test(arg))) throw new Error(`not a single command: ${argv.join(' ')}`);
  const prefix = argv[argv.indexOf('--prefix') + 1]!;
  return { argv, prefix, tarball: argv.at(-1)! };
}

/** The `COPY --from=STAGE SOURCE… DEST` instructions of a stage. */
export function copiesFrom(stage: Stage): { from: string; sources: string[] }[] {
  return stage.instructions
    .filter((i): i is Copy => i.getKeyword() === 'COPY')
    .map((copy) => ({
      from: copy.getFromFlag()?.getValue() ?? '',
      sources: copy.getArguments().slice(0, -1),
    }))
    .filter((copy) => copy.from !== '')
    .map((copy) => ({ from: copy.from, sources: copy.sources.map((a) => a.getValue()) }));
}
