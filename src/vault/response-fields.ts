import { VaultResponseError } from './vault-errors.js';

/** Typed reads of a response's `data`, each failing with a VaultResponseError that names the field and the path. */
export interface ResponseFields {
  /** A non-empty string, trimmed (Vault trims PEMs; a proxy might not). */
  text(name: string): string;
  /** An integer number (Vault sends Unix seconds and TTLs as JSON integers). */
  integer(name: string): number;
  /** An array of strings, each trimmed; undefined when the field is absent or null. */
  optionalTextList(name: string): string[] | undefined;
}

/**
 * Checks the shape of what Vault answered on `path` instead of trusting it: a missing or mistyped field is a
 * VaultResponseError, never a guess. A missing `data` object fails at once.
 */
export function responseFields(
  data: Record<string, unknown> | null | undefined,
  path: string,
): ResponseFields {
  const fail = (what: string): never => {
    throw new VaultResponseError(`vault ${path} answered without ${what}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('a data object');
  return {
    text(name) {
      const value = data[name];
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : fail(`a ${name} string`);
    },
    integer(name) {
      const value = data[name];
      return typeof value === 'number' && Number.isInteger(value) ? value : fail(`${name} as an integer`);
    },
    optionalTextList(name) {
      const value = data[name];
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
        return fail(`${name} as an array of strings`);
      }
      return (value as string[]).map((item) => item.trim()).filter((item) => item !== '');
    },
  };
}
