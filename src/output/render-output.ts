import type { CertificateBundle } from '../certs/bundle.js';
import type { TemplateSource } from '../config/runtime-config.js';
import { AgentError, errorMessage } from '../lib/errors.js';
import { withSecrets } from '../templates/secret-context.js';
import { templateContext } from '../templates/template-context.js';
import type { TemplateEngine } from '../templates/template-engine.js';
import type { KvSecret } from '../vault/kv-api.js';
import type { KeystoreCache } from './keystore-cache.js';
import type { PasswordSource } from './keystore-password.js';
import { resolveKeystorePassword } from './keystore-password.js';
import type { Pkcs12Encryption } from './pkcs12-encryption.js';
import { buildPkcs12 } from './pkcs12.js';

/** A PKCS#12 keystore instead of a Handlebars template (`builtin: keystore.p12`). */
export interface Pkcs12Output {
  readonly password: PasswordSource;
  /** The keystore alias (friendlyName); the certificate's name by default. */
  readonly alias: string | undefined;
  readonly encryption: Pkcs12Encryption;
}

/** What is rendered into one file: a Handlebars template, or a keystore. */
export type OutputContent =
  | { readonly kind: 'template'; readonly source: TemplateSource }
  | { readonly kind: 'pkcs12'; readonly pkcs12: Pkcs12Output };

/** What one file is rendered from. */
export interface OutputInputs {
  readonly engine: TemplateEngine;
  /** The bound certificate's bundle; undefined for a template that reads only secrets. */
  readonly bundle: CertificateBundle | undefined;
  /** The secrets read so far, by name. */
  readonly secrets: ReadonlyMap<string, KvSecret>;
  /** Names the file in errors. */
  readonly destination: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Keeps each keystore built, so an unchanged one is not derived and encrypted again; none: always built. */
  readonly keystores?: KeystoreCache | undefined;
}

/** A keystore could not be made; the message names the destination, never the password. */
export class KeystoreOutputError extends AgentError {
  constructor(destination: string, message: string, options?: ErrorOptions) {
    super('KEYSTORE', `keystore ${destination}: ${message}`, options);
  }
}

/** Renders one file's bytes. Errors name the destination; no rendered content or secret value is in them. */
export async function renderOutput(content: OutputContent, inputs: OutputInputs): Promise<Buffer> {
  const { bundle } = inputs;
  if (content.kind === 'template') {
    const context = withSecrets(bundle ? templateContext(bundle) : undefined, inputs.secrets);
    return Buffer.from(await inputs.engine.render(content.source, context, inputs.destination), 'utf8');
  }
  if (!bundle) throw new KeystoreOutputError(inputs.destination, 'a keystore needs a certificate');
  let password: string;
  try {
    password = await resolveKeystorePassword(content.pkcs12.password, inputs.secrets, inputs.env);
  } catch (error) {
    throw new KeystoreOutputError(inputs.destination, errorMessage(error), { cause: error });
  }
  try {
    const input = {
      privateKeyPem: bundle.privateKey,
      certificatePem: bundle.certificate,
      chainPems: bundle.caChain,
      password,
      friendlyName: content.pkcs12.alias ?? bundle.name,
      encryption: content.pkcs12.encryption,
    };
    return inputs.keystores ? inputs.keystores.build(inputs.destination, input) : buildPkcs12(input);
  } catch (error) {
    throw new KeystoreOutputError(inputs.destination, errorMessage(error));
  }
}

/** Secrets a file needs before it can be rendered (its template's references, or its keystore password's). */
export function secretsNeededBy(content: OutputContent, referenced: readonly string[]): string[] {
  if (content.kind === 'pkcs12')
    return content.pkcs12.password.kind === 'secret' ? [content.pkcs12.password.secret] : [];
  return [...referenced];
}
