import { KEY_BITS } from './defaults.js';
import type { ConfigProblem } from './problems.js';
import { checkOutputs, checkSource } from './output-checks.js';

/**
 * Checks that relate several keys to each other. They run on the merged YAML value as it is, defensively, even
 * when the schema found problems elsewhere, so one run reports everything that is wrong.
 */
export function crossCheck(raw: unknown, problems: ConfigProblem[]): void {
  const root = asMap(raw);
  const certificates = asMap(root?.certificates);
  for (const [name, value] of Object.entries(certificates ?? {})) {
    const cert = asMap(value);
    if (!cert) continue;
    const keyType = typeof cert.key_type === 'string' ? cert.key_type : 'ec';
    const allowed = KEY_BITS[keyType as keyof typeof KEY_BITS];
    if (allowed && typeof cert.key_bits === 'number' && !allowed.includes(cert.key_bits)) {
      problems.push({
        path: ['certificates', name, 'key_bits'],
        message: `must be ${oneOf(allowed)} for ${keyType} keys, got ${cert.key_bits}`,
      });
    }
    if (cert.renew_threshold !== undefined && cert.renew_before !== undefined) {
      problems.push({
        path: ['certificates', name, 'renew_before'],
        message: 'set renew_threshold or renew_before, not both',
      });
    }
  }
  const templates = Array.isArray(root?.templates) ? root.templates : [];
  const declared = Object.keys(certificates ?? {});
  const destinations = new Map<string, number>();
  templates.forEach((value, index) => {
    const template = asMap(value);
    if (!template) return;
    const at = ['templates', index];
    if (typeof template.certificate === 'string' && !declared.includes(template.certificate)) {
      problems.push({
        path: [...at, 'certificate'],
        message: `no certificate named ${JSON.stringify(template.certificate)} is declared${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`,
      });
    }
    // An atomic directory group's files carry their sources (output-checks.ts).
    if (template.output !== undefined) return;
    checkSource(template, at, problems);
    if (typeof template.destination === 'string') {
      const first = destinations.get(template.destination);
      if (first !== undefined) {
        problems.push({
          path: [...at, 'destination'],
          message: `the same file as templates[${first}].destination`,
        });
      } else destinations.set(template.destination, index);
    }
  });
  checkOutputs(root, problems);
}

// "256 or 384", "2048, 3072 or 4096".
function oneOf(values: readonly number[]): string {
  return values.length === 1 ? String(values[0]) : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
