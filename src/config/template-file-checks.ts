import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfigProblem } from './problems.js';
import type { RuntimeConfig, TemplateSource } from './runtime-config.js';
import { referencedSecrets, undeclaredSecret } from './secret-references.js';
import type { ConfigPath } from './yaml-source.js';

/** Larger than any template; such a file is skipped here, not read whole (the render still reports it). */
const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * The secrets each template `source` file reads must be declared under `secrets:`, as for inline `contents`
 * (output-checks.ts): nothing would ever read an undeclared one, and the template would wait for it forever. Only
 * regular files up to 1 MiB that are readable now and parse are checked; a missing or broken file may be fixed
 * before the first render, which reports it if not (and the render checks secrets again, as the file may change
 * after load).
 */
export async function checkTemplateFiles(config: RuntimeConfig, problems: ConfigProblem[]): Promise<void> {
  const declared = [...config.secrets.keys()];
  const files: { source: TemplateSource; at: ConfigPath }[] = config.templates.flatMap((template) => {
    const at: ConfigPath = ['templates', template.index];
    return template.directory
      ? template.directory.files.map((file, index) => ({ source: file.source, at: [...at, 'files', index] }))
      : [{ source: template.source, at }];
  });
  await Promise.all(
    files.map(async ({ source, at }) => {
      if (source.kind !== 'file') return;
      let used: string[];
      try {
        const text = await readSource(source.path);
        if (text === undefined) return;
        used = referencedSecrets(text);
      } catch {
        return;
      }
      for (const name of used.filter((name) => !declared.includes(name)))
        problems.push({
          path: [...at, 'source'],
          message: `${source.path} reads secret ${JSON.stringify(name)}, but ${undeclaredSecret(name, declared)}`,
        });
    }),
  );
}

/**
 * The text of a regular file up to MAX_SOURCE_BYTES, else undefined; throws if it cannot be opened or read.
 * Opened non-blocking and checked on the open handle (no race with a rename): a FIFO would otherwise block
 * `check`, start-up, reload and rotate until some writer came, and a device or a huge file would be read whole.
 */
async function readSource(path: string): Promise<string | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > MAX_SOURCE_BYTES) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
