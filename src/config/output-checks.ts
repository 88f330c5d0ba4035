import { referencedSecrets, undeclaredSecret } from './secret-references.js';
import { BUILTIN_TEMPLATES } from './defaults.js';
import type { ConfigProblem } from './problems.js';
import { handlebarsSyntaxProblem } from './template-syntax.js';
import type { ConfigPath } from './yaml-source.js';

/** `builtin: keystore.p12`: a PKCS#12 keystore made by the agent, not a template file. */
export const KEYSTORE_BUILTIN = 'keystore.p12';

type Map = Record<string, unknown>;

/**
 * Cross-checks of keystores, atomic directory groups and KV secrets (docs/outputs.md): what a template must and
 * must not have together, and that every secret a template or password names is declared. Defensive about
 * shapes the schema already refused, so one run reports everything.
 */
export function checkOutputs(root: Map | undefined, problems: ConfigProblem[]): void {
  const secrets = asMap(root?.secrets) ?? {};
  const declared = Object.keys(secrets);
  for (const [name, value] of Object.entries(secrets)) {
    const secret = asMap(value);
    if (!secret) continue;
    const at = ['secrets', name];
    if ((secret.mount === undefined) !== (secret.kv_version === undefined))
      problems.push({
        path: at,
        message: 'declare mount and kv_version together (or neither, to detect them)',
      });
    if (secret.version !== undefined && secret.kv_version === 1)
      problems.push({ path: [...at, 'version'], message: 'versions exist only in KV version 2' });
  }
  const needSecret = (name: unknown, at: ConfigPath): void => {
    if (typeof name === 'string' && !declared.includes(name))
      problems.push({ path: at, message: undeclaredSecret(name, declared) });
  };
  const templates = Array.isArray(root?.templates) ? root.templates : [];
  templates.forEach((value, index) => {
    const template = asMap(value);
    if (!template) return;
    const at: ConfigPath = ['templates', index];
    if (template.output !== undefined) checkGroup(template, at, problems, needSecret);
    else {
      for (const key of ['files'] as const)
        if (template[key] !== undefined)
          problems.push({
            path: [...at, key],
            message: 'files belong to an output: { directory, layout: atomic } group',
          });
      if (template.destination === undefined)
        problems.push({
          path: at,
          message: 'needs a destination (or output: { directory, layout: atomic } with files)',
        });
      checkContent(template, at, problems, needSecret);
    }
  });
}

function checkGroup(
  template: Map,
  at: ConfigPath,
  problems: ConfigProblem[],
  needSecret: (name: unknown, at: ConfigPath) => void,
): void {
  for (const key of [
    'destination',
    'builtin',
    'source',
    'contents',
    'pkcs12',
    'follow_symlink',
    'backup',
  ] as const)
    if (template[key] !== undefined)
      problems.push({
        path: [...at, key],
        message: `not used in an atomic directory group (set it on a file, or drop it)`,
      });
  const files = Array.isArray(template.files) ? template.files : undefined;
  if (!files) {
    problems.push({
      path: at,
      message: 'an output: { layout: atomic } group needs files: [{ name, builtin|source|contents }]',
    });
    return;
  }
  const names = new Map<string, number>();
  files.forEach((value, index) => {
    const file = asMap(value);
    if (!file) return;
    const fileAt: ConfigPath = [...at, 'files', index];
    const name = file.name;
    if (typeof name === 'string') {
      if (name === '.' || name.includes('/') || name.startsWith('..'))
        problems.push({
          path: [...fileAt, 'name'],
          message: 'must be a plain file name (no /, not starting with ..)',
        });
      const first = names.get(name);
      if (first !== undefined)
        problems.push({ path: [...fileAt, 'name'], message: `the same name as files[${first}]` });
      else names.set(name, index);
    }
    checkSource(file, fileAt, problems);
    checkContent({ ...file, certificate: template.certificate }, fileAt, problems, needSecret);
  });
}

/**
 * What a template and a directory group's file both need: exactly one of builtin, source or contents, a builtin
 * that exists, and contents that parse as Handlebars (so `check` finds a typo, not the first render).
 */
export function checkSource(entry: Map, at: ConfigPath, problems: ConfigProblem[]): void {
  const given = (['builtin', 'source', 'contents'] as const).filter((key) => entry[key] !== undefined);
  if (given.length !== 1)
    problems.push({
      path: at,
      message: `needs exactly one of builtin, source or contents${given.length ? ` (got ${given.join(' and ')})` : ''}`,
    });
  if (typeof entry.contents === 'string') {
    const syntax = handlebarsSyntaxProblem(entry.contents);
    if (syntax !== undefined) problems.push({ path: [...at, 'contents'], message: syntax });
  }
  if (
    typeof entry.builtin === 'string' &&
    entry.builtin !== KEYSTORE_BUILTIN &&
    !(BUILTIN_TEMPLATES as readonly string[]).includes(entry.builtin)
  )
    problems.push({
      path: [...at, 'builtin'],
      message: `must be one of ${[...BUILTIN_TEMPLATES, KEYSTORE_BUILTIN].join(', ')}, got ${JSON.stringify(entry.builtin)}`,
    });
}

/** A keystore and its pkcs12 block go together and need a certificate; secrets named must be declared. */
function checkContent(
  entry: Map,
  at: ConfigPath,
  problems: ConfigProblem[],
  needSecret: (name: unknown, at: ConfigPath) => void,
): void {
  const keystore = entry.builtin === KEYSTORE_BUILTIN;
  if (keystore && entry.pkcs12 === undefined)
    problems.push({ path: at, message: 'builtin: keystore.p12 needs a pkcs12: { password: … } block' });
  if (!keystore && entry.pkcs12 !== undefined)
    problems.push({ path: [...at, 'pkcs12'], message: 'pkcs12 options go with builtin: keystore.p12' });
  const certificateAt = [...at.slice(0, 2), 'certificate'];
  if (entry.certificate === undefined) {
    if (keystore)
      problems.push({ path: certificateAt, message: 'is required: a keystore holds a certificate' });
    else if (typeof entry.builtin === 'string')
      problems.push({ path: certificateAt, message: 'is required: builtin templates render a certificate' });
  }
  const password = asMap(asMap(entry.pkcs12)?.password);
  if (password && 'secret' in password) needSecret(password.secret, [...at, 'pkcs12', 'password', 'secret']);
  if (typeof entry.contents === 'string') {
    let used: string[] = [];
    try {
      used = referencedSecrets(entry.contents);
    } catch {
      // A syntax error is reported by the template syntax check.
    }
    for (const name of used) needSecret(name, [...at, 'contents']);
    if (entry.certificate === undefined && used.length === 0)
      problems.push({
        path: [...at.slice(0, 2), 'certificate'],
        message: 'is required, unless the template reads a KV secret ({{secret.NAME.data.KEY}})',
      });
  }
}

function asMap(value: unknown): Map | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Map) : undefined;
}
