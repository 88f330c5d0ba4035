import type { Logger } from 'pino';
import type { CertificateBundle } from '../certs/bundle.js';
import type { TemplateConfig } from '../config/runtime-config.js';
import { undeclaredSecret } from '../config/secret-references.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import { TemplateError } from '../templates/template-engine.js';
import type { KvSecret } from '../vault/kv-api.js';
import type { PlannedDirectory } from './directory-pass.js';
import { contentOf, planDirectory } from './directory-pass.js';
import type { KeystoreCache } from './keystore-cache.js';
import type { PlannedFile } from './render-plan.js';
import { planFile } from './render-plan.js';
import type { OutputContent } from './render-output.js';
import { renderOutput, secretsNeededBy } from './render-output.js';

/** What planning one template needs. */
export interface PlanInputs {
  readonly bundles: ReadonlyMap<string, CertificateBundle>;
  readonly secrets: ReadonlyMap<string, KvSecret>;
  /**
   * The secrets the agent reads (one source each). A template naming another fails: nothing would ever read it.
   * Undefined: every secret a template names is taken as one that will be read.
   */
  readonly declaredSecrets?: ReadonlySet<string> | undefined;
  /** Declared by a reload, not read until a restart: a template naming one is told to restart, not to declare. */
  readonly secretsAwaitingRestart?: ReadonlySet<string> | undefined;
  readonly engine: TemplateEngine;
  readonly env?: NodeJS.ProcessEnv;
  readonly keystores?: KeystoreCache | undefined;
  readonly logger: Logger;
}

/** One template of a pass, rendered and compared with the disk, or why not. */
export type PreparedTemplate =
  | { readonly kind: 'pending'; readonly reason: string }
  /** The failure as raised (TemplateError, KeystoreOutputError, OwnerError…): its code reaches /status. */
  | { readonly kind: 'error'; readonly error: Error }
  | {
      readonly kind: 'planned';
      readonly plan: PlannedFile | PlannedDirectory;
      readonly bundle: CertificateBundle | undefined;
    };

/**
 * Renders one template (a file, a keystore or an atomic directory group) and plans its write. `pending` while its
 * certificate has no bundle yet or a secret it reads has not been read yet: nothing is written, nothing is wrong.
 */
export async function planTemplate(input: PlanInputs, template: TemplateConfig): Promise<PreparedTemplate> {
  const bundle = template.certificate === undefined ? undefined : input.bundles.get(template.certificate);
  if (template.certificate !== undefined && !bundle)
    return { kind: 'pending', reason: `certificate ${template.certificate} not obtained yet` };
  try {
    const needed = await secretsNeeded(template, input);
    const missing = needed.filter((name) => !input.secrets.has(name));
    if (missing.length > 0) return { kind: 'pending', reason: `secret ${missing.join(', ')} not read yet` };
    const inputs = {
      engine: input.engine,
      bundle,
      secrets: input.secrets,
      env: input.env,
      keystores: input.keystores,
    };
    if (template.directory) return { kind: 'planned', plan: await planDirectory(template, inputs), bundle };
    const content = contentOfTemplate(template);
    const contents = await renderOutput(content, { ...inputs, destination: template.destination });
    const keystore = content.kind === 'pkcs12';
    const plan = await planFile(
      template,
      keystore ? contents : contents.toString('utf8'),
      bundle?.serialNumber,
    );
    return { kind: 'planned', plan, bundle };
  } catch (error) {
    input.logger.error({ destination: template.destination, error }, 'template failed');
    return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

function contentOfTemplate(template: TemplateConfig): OutputContent {
  return template.pkcs12
    ? { kind: 'pkcs12', pkcs12: template.pkcs12 }
    : { kind: 'template', source: template.source };
}

/**
 * The KV secrets a template (or each file of its group) reads, keystore passwords included. Throws a TemplateError
 * for a secret not in `declared`: the config refuses that at load, but a `source` file may have changed since.
 */
async function secretsNeeded(
  template: TemplateConfig,
  { engine, declaredSecrets: declared, secretsAwaitingRestart }: PlanInputs,
): Promise<string[]> {
  const contents = template.directory
    ? template.directory.files.map((file) => contentOf(file))
    : [contentOfTemplate(template)];
  const needed = new Set<string>();
  for (const content of contents) {
    const referenced =
      content.kind === 'template' ? await engine.secretsUsed(content.source, template.destination) : [];
    for (const name of secretsNeededBy(content, referenced)) {
      if (declared && !declared.has(name)) {
        const source = content.kind === 'template' ? content.source : undefined;
        const reader = source?.kind === 'file' ? `${source.path} reads` : 'reads';
        // Secrets are read by loops started at start-up; a reload adding one is announced as needing a restart.
        const why = secretsAwaitingRestart?.has(name)
          ? 'it was declared by a configuration reload, and secrets are read from start-up only: restart certagent to read it'
          : undeclaredSecret(name, [...declared]);
        throw new TemplateError(template.destination, `${reader} secret ${JSON.stringify(name)}, but ${why}`);
      }
      needed.add(name);
    }
  }
  return [...needed];
}
