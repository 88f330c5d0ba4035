import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { readKeptBundle } from '../../../src/certs/read-kept-bundle.js';
import { requestFingerprint } from '../../../src/certs/request-fingerprint.js';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { CONFIG, harness } from './support/source-harness.js';

let ca: TestCa;

beforeAll(async () => {
  ca = await createTestCa();
});

/** A store holding a bundle obtained at the harness clock's start, and a context to read it back with. */
async function kept(config = CONFIG) {
  const h = harness(ca);
  await h.source.ensure(new AbortController().signal);
  const lines: Record<string, unknown>[] = [];
  const log = pino({}, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const context = {
    config,
    store: h.store,
    fingerprint: requestFingerprint(config),
    clock: h.clock,
    random: () => 0,
    log,
  };
  return { h, context, lines };
}

describe('readKeptBundle', () => {
  it('adopts a bundle that still fits, with its renewal time and key', async () => {
    const { h, context } = await kept();
    const bundle = h.source.bundle.value!;
    expect(await readKeptBundle(context)).toEqual({
      adopted: { bundle, renewAt: h.source.renewAt },
      key: bundle.privateKey,
    });
  });

  it('keeps the key of a bundle it does not adopt (due), for reuse_key, and says why', async () => {
    const { h, context, lines } = await kept();
    h.clock.advance(0.7 * 3_600_000);
    expect(await readKeptBundle(context)).toEqual({ key: h.source.bundle.value?.privateKey });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'stored certificate not adopted',
        reason: expect.stringMatching(/^due/),
      }),
    ]);
  });

  it('does not offer a key of another type than configured', async () => {
    const { context } = await kept();
    const config = { ...CONFIG, keyType: 'rsa' as const, keyBits: 2048 };
    expect(await readKeptBundle({ ...context, config, fingerprint: requestFingerprint(config) })).toEqual({});
  });

  it('offers nothing when state_dir holds nothing or something unreadable', async () => {
    const { h, context, lines } = await kept();
    h.store.bundles.clear();
    expect(await readKeptBundle(context)).toEqual({});
    h.store.invalid.set('web', 'not valid JSON');
    expect(await readKeptBundle(context)).toEqual({});
    expect(lines).toEqual([expect.objectContaining({ msg: 'stored certificate unreadable', level: 40 })]);
  });
});
