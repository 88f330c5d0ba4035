// Request fields converted the way Vault's sdk/framework converts them (FieldData with weak typing), with its
// exact "Field validation failed" wording, so every backend of the dev server rejects bad input the same way.

import { DurationParseError, parseVaultDurationMs } from '../../lib/duration.js';
import { badRequest } from '../types.js';
import type { VaultApiError } from '../types.js';

type Data = Readonly<Record<string, unknown>>;

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A present field (Vault treats an explicit JSON null as absent). */
function raw(data: Data, name: string): unknown {
  const value = data[name];
  return value === null ? undefined : value;
}

/** TypeString: any scalar is accepted and rendered as text. */
export function stringField(data: Data, name: string): string | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw conversionError(
    value,
    name,
    `'' expected type 'string', got unconvertible type '${goTypeName(value)}'`,
  );
}

/** TypeBool: booleans, numbers (non-zero is true) and the strings strconv.ParseBool accepts. */
export function boolField(data: Data, name: string): boolean | undefined {
  const value = raw(data, name);
  if (value === undefined || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value) || value === '') return false;
  }
  throw conversionError(
    value,
    name,
    `strconv.ParseBool: parsing ${JSON.stringify(String(value))}: invalid syntax`,
  );
}

/** TypeInt: integers, or strings holding one. */
export function intField(data: Data, name: string): number | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number(value.trim());
  if (typeof value === 'string' && value === '') return 0;
  throw conversionError(
    value,
    name,
    `strconv.ParseInt: parsing ${JSON.stringify(String(value))}: invalid syntax`,
  );
}

/** TypeDurationSecond: whole seconds from an integer (seconds) or a Vault duration string; never negative. */
export function durationField(data: Data, name: string): number | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw conversionError(value, name, `could not parse duration from input`);
  }
  let seconds: number;
  try {
    seconds = Math.trunc(parseVaultDurationMs(value) / 1000);
  } catch (error) {
    if (error instanceof DurationParseError) throw conversionError(value, name, error.message);
    throw error;
  }
  if (seconds < 0) throw conversionError(value, name, `cannot provide negative value '${seconds}'`);
  return seconds;
}

/** TypeCommaStringSlice: a list, or a comma-separated string; items are trimmed. */
export function commaListField(data: Data, name: string): string[] | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  return items.map((item) => (typeof item === 'string' ? item : String(item)).trim());
}

/** TypeMap with string values (token `meta`, role `bound_claims` keys): an object whose values are rendered as text. */
export function stringMapField(data: Data, name: string): Record<string, string> | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw conversionError(value, name, `'' expected a map, got '${goTypeName(value)}'`);
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return out;
}

/** TypeMap kept as JSON values (`bound_claims`, `claim_mappings` sources). */
export function objectField(data: Data, name: string): Record<string, unknown> | undefined {
  const value = raw(data, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw conversionError(value, name, `'' expected a map, got '${goTypeName(value)}'`);
  }
  return { ...(value as Record<string, unknown>) };
}

/**
 * The warning Vault ≥1.13 adds for body fields an endpoint does not know: names sorted, Go slice form. Returns an
 * empty list when every field is known.
 */
export function ignoredFieldsWarning(data: Data, known: readonly string[]): string[] {
  const ignored = Object.keys(data)
    .filter((key) => !known.includes(key))
    .sort();
  return ignored.length === 0
    ? []
    : [`Endpoint ignored these unrecognized parameters: [${ignored.join(' ')}]`];
}

/** Go's %v rendering of a decoded JSON value, as Vault prints it inside error messages. */
export function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goValue(v)}`).join(' ')}]`;
  }
  return String(value);
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (value !== null && typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number') return 'json.Number';
  return typeof value;
}

function conversionError(value: unknown, name: string, reason: string): VaultApiError {
  return badRequest(
    `Field validation failed: error converting input ${goValue(value)} for field ${JSON.stringify(name)}: ${reason}`,
  );
}
