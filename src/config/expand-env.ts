/** The result of expanding one string: the text and the variables that were unset without a default. */
export interface Expanded {
  readonly value: string;
  readonly missing: readonly string[];
}

const PATTERN = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` (the default also when VAR is empty, as in sh); `$$` is a literal `$`.
 * Anything else containing `$` is left alone, so a `$` in a password-free value needs no escaping.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): Expanded {
  const missing: string[] = [];
  const value = text.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const current = env[name!];
    if (current !== undefined && current !== '') return current;
    if (fallback !== undefined) return fallback;
    if (current === '') return '';
    missing.push(name!);
    // Kept as written, so the value is not also reported as empty.
    return match;
  });
  return { value, missing };
}
