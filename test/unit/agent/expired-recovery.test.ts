// Acceptance for issue 7 point 6: after Vault comes back from an outage that outlasted the certificate, the files
// are current again within 35 s. Certificate source, render loop and render pass are the real ones; Vault is the
// fake issuer and time is a fake clock, so minutes pass in milliseconds.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runRenderLoop } from '../../../src/agent/render-loop.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { withDeadline } from '../../helpers/deadline.js';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { CONFIG, harness } from '../certs/support/source-harness.js';
import { templateConfig } from '../../helpers/template-config.js';

const logger = pino({ level: 'silent' });
const MINUTE = 60_000;

let ca: TestCa;
let dir = '';
beforeAll(async () => {
  ca = await createTestCa();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-expired-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('recovery after an outage that outlasted the certificate', () => {
  for (const random of [0, 0.99]) {
    it(`writes a current certificate within 35 s of Vault's return (jitter ${random})`, async () => {
      const h = harness(ca, { config: { ...CONFIG, ttlMs: 10 * MINUTE }, random: () => random });
      const template = templateConfig({
        source: { kind: 'builtin', name: 'cert.pem' },
        destination: join(dir, 'cert.pem'),
      });
      const written: { serial: string; at: number }[] = [];
      // Resolved by the render pass itself when it writes a certificate other than the first one.
      let wroteFresh: (entry: { serial: string; at: number }) => void = () => undefined;
      const fresh = new Promise<{ serial: string; at: number }>((resolve) => (wroteFresh = resolve));
      let firstSerial: string | undefined;
      const engine = new TemplateEngine();
      const controller = new AbortController();
      const bundles = new Map([['web', h.source.bundle]]);
      const tasks = Promise.all([
        h.source.run(controller.signal),
        runRenderLoop(
          {
            bundles,
            clock: h.clock,
            random: () => random,
            backoff: { minMs: 1000, maxMs: 5 * MINUTE },
            logger,
            render: async (current, signal) => {
              const result = await runRenderPass({
                templates: [template],
                bundles: current,
                engine,
                logger,
                signal,
              });
              const serial =
                result.templates[0]?.result === 'written' ? result.templates[0].serial : undefined;
              if (serial) {
                written.push({ serial, at: h.clock.now() });
                if (firstSerial !== undefined && serial !== firstSerial) wroteFresh(written.at(-1)!);
              }
              return result;
            },
          },
          controller.signal,
        ),
      ]);
      try {
        await h.events.waitFor('issued');
        const first = h.source.bundle.value!;
        firstSerial = first.serialNumber;
        // Vault goes away before the renewal is due and stays away until 60 s after the certificate expired.
        const downFrom = h.clock.now() + 5 * MINUTE;
        const backAt = first.notAfter + MINUTE;
        while (h.clock.now() < backAt) {
          const wake = await h.clock.nextSleep();
          if (wake >= downFrom && h.issuer.faults.length === 0)
            h.issuer.faults.push(...Array.from({ length: 1000 }, () => new Error('connect ECONNREFUSED')));
          h.clock.advanceTo(Math.min(wake, backAt));
        }
        h.issuer.faults.length = 0;
        expect(h.events.of('failed').length).toBeGreaterThan(3);
        // Step through the source's waits until it obtains the next certificate (its sleeps are the only ones).
        while (h.events.of('issued').length < 2) {
          const wake = await h.clock.nextSleep();
          if (h.events.of('issued').length >= 2) break;
          h.clock.advanceTo(wake);
        }
        // The render loop follows without any clock wait: its pass resolves `fresh` once it has written the file.
        const { at } = await withDeadline(fresh, 10_000, 'the pass writing the new certificate');
        expect(at - backAt).toBeLessThanOrEqual(35_000);
        expect(await readFile(template.destination, 'utf8')).toContain(h.source.bundle.value!.certificate);
      } finally {
        controller.abort();
        await tasks;
      }
    });
  }
});
