import { readFile } from 'node:fs/promises';

/**
 * A config without a Vault address or token that asks the dev server's preset role (`mount: pki`, `role: dev`)
 * is almost certainly the quick start run without `--dev`: say so next to the problem.
 */
export async function devHint(
  problems: readonly string[],
  files: readonly string[],
): Promise<string | undefined> {
  const missingVault = problems.some((p) => /no Vault address|no way to authenticate/.test(p));
  if (!missingVault) return undefined;
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  const quickStart = texts.some((text) => /\bmount:\s*pki\b/.test(text) && /\brole:\s*dev\b/.test(text));
  if (!quickStart) return undefined;
  return `hint: this looks like the quick start; to try it against an in-process dev server, add --dev (certagent run --dev -c ${files.join(' -c ')})`;
}
