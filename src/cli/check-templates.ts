// `certagent check` goes further than the schema: it renders every template against a sample certificate of the
// configured key type, as `run` would, and looks at the files `run` will need. Nothing is written and Vault is
// not contacted.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { CertificateBundle } from '../certs/bundle.js';
import { generatePrivateKey } from '../certs/keys.js';
import type { CertificateConfig, RuntimeConfig, TemplateConfig } from '../config/runtime-config.js';
import { errorMessage } from '../lib/errors.js';
import { holdsPrivateKey } from '../output/render-plan.js';
import { templateContext } from '../templates/template-context.js';
import { TemplateEngine } from '../templates/template-engine.js';

/** What a deep check found: errors make the config invalid (exit 2), warnings do not. */
export interface CheckFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Most a file holding a private key should allow: owner read/write, group read. */
const KEY_MODE_LIMIT = 0o640;

/** Renders every template and checks the auth files; `where` names the config in messages. */
export async function checkDeeply(config: RuntimeConfig, where: string): Promise<CheckFindings> {
  const findings: CheckFindings = { errors: [], warnings: [] };
  const engine = new TemplateEngine();
  const samples = new Map<string, CertificateBundle>();
  for (const template of config.templates) {
    // Not rendered against a sample: templates of KV secrets (their keys exist only in Vault), keystores and
    // atomic directory groups (built from the certificate by the output code, not by one template).
    if (template.certificate === undefined || template.pkcs12 || template.directory) continue;
    if (await readsSecrets(engine, template)) continue;
    const certificate = config.certificates.get(template.certificate);
    if (!certificate) continue;
    let sample = samples.get(certificate.name);
    if (!sample) samples.set(certificate.name, (sample = await sampleBundle(certificate)));
    await checkTemplate(engine, template, sample, where, findings);
  }
  await checkAuthFiles(config, where, findings);
  return findings;
}

async function checkTemplate(
  engine: TemplateEngine,
  template: TemplateConfig,
  sample: CertificateBundle,
  where: string,
  findings: CheckFindings,
): Promise<void> {
  const name = `templates[${template.index}] (${describeSource(template)} → ${template.destination})`;
  let rendered: string;
  try {
    rendered = await engine.render(template.source, templateContext(sample), template.destination);
  } catch (error) {
    findings.errors.push(`${where}: ${name}: ${readablePosition(errorMessage(error), template)}`);
    return;
  }
  const mode = template.perms;
  if (holdsPrivateKey(rendered) && mode !== undefined && (mode & ~KEY_MODE_LIMIT & 0o777) !== 0) {
    findings.warnings.push(
      `${where}: ${name}: holds a private key but perms ${octal(mode)} allow more than ${octal(KEY_MODE_LIMIT)}; use "0640" or "0600"`,
    );
  }
}

async function checkAuthFiles(config: RuntimeConfig, where: string, findings: CheckFindings): Promise<void> {
  const settings = config.autoAuth?.method.settings;
  const files: [string, string | undefined][] =
    settings?.type === 'token_file'
      ? [['token_file_path', settings.tokenFilePath]]
      : settings?.type === 'approle'
        ? [
            ['role_id_file_path', settings.roleIdFilePath],
            ['secret_id_file_path', settings.secretIdFilePath],
          ]
        : [];
  for (const [key, path] of files) {
    if (path === undefined) continue;
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : `is not readable (${code ?? 'error'})`;
      findings.warnings.push(
        `${where}: auto_auth.method.config.${key}: ${path} ${why}; run will keep retrying the login`,
      );
    }
  }
}

/** A bundle shaped like what Vault returns, with a real key of the configured type so key detection works. */
async function sampleBundle(certificate: CertificateConfig): Promise<CertificateBundle> {
  const keyBits = certificate.keyType === 'rsa' ? 2048 : certificate.keyBits;
  const pem = (label: string) => `-----BEGIN CERTIFICATE-----\n${label}\n-----END CERTIFICATE-----`;
  const now = Date.now();
  return {
    name: certificate.name,
    certificate: pem('U0FNUExFIExFQUY='),
    privateKey: (await generatePrivateKey(certificate.keyType, keyBits)).trim(),
    privateKeyType: certificate.keyType,
    issuingCa: pem('U0FNUExFIENB'),
    caChain: [pem('U0FNUExFIENB')],
    serialNumber: '00:11:22:33',
    notBefore: now,
    notAfter: now + 3_600_000,
    obtainedAt: now,
    commonName: certificate.commonName,
    altNames: [certificate.commonName, ...certificate.altNames],
    ipSans: certificate.ipSans,
    uriSans: certificate.uriSans,
    requestFingerprint: '',
  };
}

function describeSource(template: TemplateConfig): string {
  const source = template.source;
  return source.kind === 'builtin'
    ? `builtin ${source.name}`
    : source.kind === 'file'
      ? source.path
      : 'contents';
}

// Handlebars says `"foo" not defined - 3:7`; people read "line 3, column 8" of the template.
function readablePosition(message: string, template: TemplateConfig): string {
  const text = message.replace(/^template for [^:]+: /, '');
  return text.replace(/ - (\d+):(\d+)$/, (_all, line: string, col: string) => {
    const of = template.source.kind === 'file' ? ` of ${template.source.path}` : '';
    return ` (line ${line}, column ${Number(col) + 1}${of})`;
  });
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/**
 * True when the template's text reads a KV secret (`secret.NAME…`), asked of the engine that renders it next, so
 * the file is read and parsed once; unreadable or unparsable text says no here (the render reports it).
 */
async function readsSecrets(engine: TemplateEngine, template: TemplateConfig): Promise<boolean> {
  if (template.source.kind === 'builtin') return false;
  try {
    return (await engine.secretsUsed(template.source, template.destination)).length > 0;
  } catch {
    return false;
  }
}
