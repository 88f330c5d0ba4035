// How the JWT method reads claims: plain names or JSON pointers (`/a/b`), bound-claim matching and the claim
// mappings that become token metadata (vault-plugin-auth-jwt claims.go).

import { globAnywhere } from './glob.js';

/** A claim by name, or by JSON pointer when the name starts with `/`; undefined when absent. */
export function getClaim(claims: Record<string, unknown>, name: string): unknown {
  if (!name.startsWith('/')) return claims[name] ?? undefined;
  let value: unknown = claims;
  for (const raw of name.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

/** Checks every bound claim; returns the plugin's error text for the first that fails, or undefined. */
export function boundClaimsError(
  bound: Record<string, unknown> | null,
  claims: Record<string, unknown>,
  useGlobs: boolean,
): string | undefined {
  for (const [name, expected] of Object.entries(bound ?? {})) {
    const actual = getClaim(claims, name);
    if (actual === undefined) return `claim ${JSON.stringify(name)} is missing`;
    const actualValues = normalizeList(actual);
    if (actualValues === undefined) return `received claim is not a string or list: ${String(actual)}`;
    const expectedValues = normalizeList(expected);
    if (expectedValues === undefined) return `bound claim is not a string or list: ${String(expected)}`;
    const found = expectedValues.some((e) =>
      actualValues.some((a) => (useGlobs ? globAnywhere(e, a) : e === a)),
    );
    if (!found) return `claim ${JSON.stringify(name)} does not match any associated bound claim values`;
  }
  return undefined;
}

/** Token metadata from claim_mappings (claim → metadata key); a mapped claim must be a string. */
export function mappedMetadata(
  mappings: Record<string, string> | null,
  claims: Record<string, unknown>,
): { metadata: Record<string, string> } | { error: string } {
  const metadata: Record<string, string> = {};
  for (const [source, target] of Object.entries(mappings ?? {})) {
    const value = getClaim(claims, source);
    if (value === undefined) continue;
    if (typeof value !== 'string') return { error: `error converting claim '${source}' to string` };
    metadata[target] = value;
  }
  return { metadata };
}

// A scalar claim counts as a one-item list; nested objects do not match anything.
function normalizeList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (items.some((item) => !['string', 'number', 'boolean'].includes(typeof item))) return undefined;
  return items.map((item) => String(item));
}
