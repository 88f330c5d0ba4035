// The certificate source with the real state store on a temp dir: what a restart of the agent looks like.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../src/certs/state-store.js';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { CONFIG, harness } from '../../unit/certs/support/source-harness.js';

let ca: TestCa;
let dir: string;

beforeAll(async () => {
  ca = await createTestCa();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-restart-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('restart with a state_dir', () => {
  it('adopts the bundle the previous process saved, making no request', async () => {
    const first = harness(ca, { store: new StateStore(dir) });
    const obtained = await first.source.ensure(new AbortController().signal);
    first.clock.advance(10 * 60_000);
    const second = harness(ca, { store: new StateStore(dir) }, { clock: first.clock, issuer: first.issuer });
    const adopted = await second.source.ensure(new AbortController().signal);
    expect(first.issuer.calls).toHaveLength(1);
    expect(adopted).toEqual(obtained);
    expect(second.events.of('adopted')).toHaveLength(1);
  });

  it('obtains a new certificate when the saved file was tampered with, and replaces it', async () => {
    const store = new StateStore(dir);
    const first = harness(ca, { store });
    const obtained = await first.source.ensure(new AbortController().signal);
    const path = store.pathOf('web');
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.bundle.notAfter += 86_400_000;
    await writeFile(path, JSON.stringify(json), { mode: 0o600 });
    const second = harness(ca, { store: new StateStore(dir) }, { clock: first.clock, issuer: first.issuer });
    const renewed = await second.source.ensure(new AbortController().signal);
    expect(first.issuer.calls).toHaveLength(2);
    expect(renewed.serialNumber).not.toBe(obtained.serialNumber);
    const reloaded = await new StateStore(dir).load('web');
    expect(reloaded.status === 'found' && reloaded.bundle.serialNumber).toBe(renewed.serialNumber);
    const warned = second.logLines().some((line) => line.includes('disagrees with the certificate'));
    expect(warned).toBe(true);
  });

  it('obtains anew after a restart with a changed request, and adopts after the next restart', async () => {
    const first = harness(ca, { store: new StateStore(dir) });
    await first.source.ensure(new AbortController().signal);
    const changed = { ...CONFIG, altNames: ['web3.example.com'] };
    const shared = { clock: first.clock, issuer: first.issuer };
    await harness(ca, { store: new StateStore(dir), config: changed }, shared).source.ensure(
      new AbortController().signal,
    );
    await harness(ca, { store: new StateStore(dir), config: changed }, shared).source.ensure(
      new AbortController().signal,
    );
    expect(first.issuer.calls).toHaveLength(2);
  });
});
