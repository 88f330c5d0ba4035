// Vault's strutil glob matching, used for bound service-account names/namespaces and glob-typed bound claims.

/** strutil.GlobbedStringsMatch: `*` only at the start and/or end of the pattern (a lone `*` is taken literally). */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern.length < 2) return value === pattern;
  const prefix = pattern.startsWith('*');
  const suffix = pattern.endsWith('*');
  if (prefix && suffix) return value.includes(pattern.slice(1, -1));
  if (prefix) return value.endsWith(pattern.slice(1));
  if (suffix) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

/** strutil.StrListContainsGlob: whether any pattern matches. */
export function globListMatches(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => globMatch(pattern, value));
}

/** ryanuber/go-glob: `*` anywhere in the pattern matches any run of characters (JWT glob-typed bound claims). */
export function globAnywhere(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(value);
}
