import { readRegularFile } from '../lib/read-regular-file.js';
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
        used = referencedSecrets(await readRegularFile(source.path, MAX_SOURCE_BYTES));
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
