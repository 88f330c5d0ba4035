import type { KvSecret } from '../vault/kv-api.js';
import type { TemplateContext } from './template-context.js';

/** What a template sees of one KV secret: `secret.<name>.data.<key>` and, for KV v2, `secret.<name>.metadata`. */
export interface SecretView {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: { readonly version: number; readonly created_time: string } | undefined;
}

/** The context of a template that reads secrets, a certificate, or both. */
export type RenderContext = Partial<TemplateContext> & { readonly secret?: Readonly<Record<string, SecretView>> };

/**
 * Adds the secrets read so far under `secret`. A template bound to no certificate gets only `secret`, so
 * `{{certificate}}` there is a strict-mode error naming the template, never an empty file.
 */
export function withSecrets(
  base: TemplateContext | undefined,
  secrets: ReadonlyMap<string, KvSecret>,
): RenderContext {
  const secret: Record<string, SecretView> = {};
  for (const [name, value] of secrets) secret[name] = { data: value.data, metadata: value.metadata };
  return { ...base, secret };
}
