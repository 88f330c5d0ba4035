// Vault's policyutil rules, which every token-minting path runs its policy list through.

/**
 * policyutil.SanitizePolicies: trims and lower-cases names, drops empty ones, collapses everything to `["root"]`
 * when root is present, adds `default` when asked (never beside root), then sorts and de-duplicates.
 */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  let names = policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (names.includes('root')) names = ['root'];
  else if (addDefault && !names.includes('default')) names.push('default');
  return [...new Set(names)].sort();
}
