// A pass reads each file of an atomic directory group once: planning compares the current set with the rendered
// one, and the write that follows a change reuses that comparison instead of reading the files again.

import type * as FsPromises from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { TemplateConfig } from '../../../src/config/runtime-config.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const readFile = vi.fn(fs.readFile);
  return { ...fs, readFile, default: { ...fs, readFile } };
});

const harness = usePassHarness();
beforeEach(() => {
  vi.mocked(readFile).mockClear();
});

const group = (): TemplateConfig =>
  harness.group('tls', [
    ['tls.key', 'key.pem'],
    ['tls.crt', 'cert.pem'],
  ]);
const pass = (bundle: CertificateBundle) => harness.pass([group()], new Map([['web', bundle]]));

/** How many times each file of the group was read since the last count, by name. */
function reads(): Record<string, number> {
  const dir = join(harness.dir, 'tls');
  const counts: Record<string, number> = {};
  for (const [path] of vi.mocked(readFile).mock.calls) {
    if (!String(path).startsWith(dir)) continue;
    const name = basename(String(path));
    counts[name] = (counts[name] ?? 0) + 1;
  }
  vi.mocked(readFile).mockClear();
  return counts;
}

describe('render pass: an atomic directory group is read once per pass', () => {
  it('unchanged: each file read once, nothing written', async () => {
    const bundle = await makeBundle();
    expect((await pass(bundle)).templates[0]?.result).toBe('written');
    reads();
    expect((await pass(bundle)).templates[0]?.result).toBe('unchanged');
    expect(reads()).toEqual({ 'tls.key': 1, 'tls.crt': 1 });
  });

  it('changed: each file compared is read once, and the new set is written', async () => {
    const bundle = await makeBundle();
    await pass(bundle);
    reads();
    // The same key with another certificate: the key file compares equal, the certificate file does not, so
    // both are read to find the difference.
    const other = await makeBundle();
    const renewed = { ...bundle, certificate: other.certificate, serialNumber: other.serialNumber };
    expect((await pass(renewed)).templates[0]?.result).toBe('written');
    expect(reads()).toEqual({ 'tls.key': 1, 'tls.crt': 1 });
    expect(await readFile(join(harness.dir, 'tls', 'tls.crt'), 'utf8')).toBe(`${other.certificate}\n`);
  });
});
