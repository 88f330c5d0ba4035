// A stable name of an atomic directory group deleted or replaced behind the agent's back (`rm tls.crt`, an editor
// saving a plain file there): the generation still holds the right files, so comparing them alone said
// "unchanged" and the name stayed missing for good. The pass must see it and lay the group out again.

import { lstat, readFile, readlink, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { TemplateConfig } from '../../../src/config/runtime-config.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

const harness = usePassHarness();

const group = (): TemplateConfig =>
  harness.group('tls', [
    ['tls.key', 'key.pem'],
    ['tls.crt', 'cert.pem'],
  ]);
const pass = (bundle: CertificateBundle) => harness.pass([group()], new Map([['web', bundle]]));
const tls = (name = '') => join(harness.dir, 'tls', name);

describe('render pass: an atomic directory group whose stable name was removed', () => {
  it('a deleted stable name comes back, pointing through ..data, with the same contents', async () => {
    const bundle = await makeBundle();
    expect((await pass(bundle)).templates[0]?.result).toBe('written');
    const before = await readFile(tls('tls.crt'), 'utf8');
    const generation = await readlink(tls('..data'));
    await unlink(tls('tls.crt'));
    expect((await pass(bundle)).templates[0]?.result).toBe('written');
    expect(await readlink(tls('tls.crt'))).toBe('..data/tls.crt');
    expect(await readFile(tls('tls.crt'), 'utf8')).toBe(before);
    // Only the name was put back: the same generation (nothing rewritten), ..data and the two names.
    expect(await readlink(tls('..data'))).toBe(generation);
    expect((await readdir(tls())).sort()).toEqual([generation, '..data', 'tls.crt', 'tls.key']);
    expect((await pass(bundle)).templates[0]?.result).toBe('unchanged');
  });

  it('a plain file saved over a stable name is replaced by the link again', async () => {
    const bundle = await makeBundle();
    await pass(bundle);
    const key = await readFile(tls('tls.key'), 'utf8');
    // As an editor saves: a new file renamed over the name (a write through the link would change the generation).
    await writeFile(tls('.tls.key.swp'), 'not the key\n');
    await rename(tls('.tls.key.swp'), tls('tls.key'));
    expect((await pass(bundle)).templates[0]?.result).toBe('written');
    expect((await lstat(tls('tls.key'))).isSymbolicLink()).toBe(true);
    expect(await readFile(tls('tls.key'), 'utf8')).toBe(key);
  });
});
