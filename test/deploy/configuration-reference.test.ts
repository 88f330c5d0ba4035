// docs/configuration.md lists every key the configuration accepts: each dotted key the zod schema allows (walked
// recursively: maps as `<name>`, lists as `[]`) and each auth method's `config` key must appear in backticks in the
// reference, and every key the reference lists must still exist (no stale entries).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { METHOD_KEYS } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/cli-process.js';

const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every key path the schema accepts: objects by key, records as `<name>`, arrays as `[]`. */
function schemaKeys(schema: z.ZodType, prefix = ''): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return schemaKeys(def.innerType!, prefix);
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...schemaKeys(value, path)];
      });
    case 'record':
      return defOf(def.valueType!).type === 'object' ? schemaKeys(def.valueType!, `${prefix}.<name>`) : [];
    case 'array':
      return schemaKeys(def.element!, `${prefix}[]`);
    default:
      return [];
  }
}

const keys = [
  ...schemaKeys(configSchema),
  ...Object.values(METHOD_KEYS).flatMap((k) =>
    [...k.required, ...k.optional].map((key) => `auto_auth.method.config.${key}`),
  ),
];

describe('docs/configuration.md', () => {
  it('walks the schema (sanity: known keys are found)', () => {
    expect(keys).toEqual(
      expect.arrayContaining([
        'vault.address',
        'auto_auth.sinks[].config.mode',
        'certificates.<name>.renew_threshold',
        'templates[].exec.check',
        'auto_auth.method.config.role_id_file_path',
      ]),
    );
    expect(keys.length).toBeGreaterThan(60);
  });

  it('lists every key the configuration accepts', () => {
    expect(keys.filter((key) => !doc.includes(`\`${key}\``))).toEqual([]);
  });

  it('lists no key the configuration does not accept', () => {
    const listed = [...doc.matchAll(/^\| `([a-z_][\w.<>[\]]*)` \|/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(60);
    expect(listed.filter((key) => !keys.includes(key))).toEqual([]);
  });
});
