// The config fixtures directory (test/fixtures/config/) and the environment the fixture tests load it with.

import { fileURLToPath } from 'node:url';

export const DIR = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
export const ENV = { VAULT_ADDR: 'https://vault.test:8200', VAULT_TOKEN: 'hvs.fixture' };
