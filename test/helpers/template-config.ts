// A template as the config hands it to the output code, with every field at its default: tests name only what
// they are about (the destination at least).

import type { TemplateConfig } from '../../src/config/runtime-config.js';

/** Certificate `web`, an empty inline template, no owner, mode, backup or command, unless `fields` say otherwise. */
export function templateConfig(
  fields: Partial<TemplateConfig> & Pick<TemplateConfig, 'destination'>,
): TemplateConfig {
  return {
    index: 0,
    certificate: 'web',
    source: { kind: 'inline', contents: '' },
    perms: undefined,
    user: undefined,
    group: undefined,
    backup: false,
    followSymlink: false,
    exec: undefined,
    ...fields,
  };
}
