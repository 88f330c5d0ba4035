import { describe, expect, it } from 'vitest';
import { referencedSecrets } from '../../../src/config/secret-references.js';

describe('referencedSecrets', () => {
  it('finds every secret a template reads, in any position, once', () => {
    const text = [
      '{{secret.db.data.password}}',
      '{{#with secret.api}}{{data.key}}{{/with}}',
      '{{#if secret.db.data.user}}{{json secret.cache.data}}{{/if}}',
      '{{lookup secret.extra.data "k"}}',
      '{{certificate}}{{not_secret.x}}',
    ].join('\n');
    expect(referencedSecrets(text)).toEqual(['api', 'cache', 'db', 'extra']);
  });

  it('a certificate-only template reads none', () => {
    expect(referencedSecrets('{{private_key}}\n{{certificate}}\n{{join ca_chain}}')).toEqual([]);
  });
});
