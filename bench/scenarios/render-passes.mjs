// Render passes in this process (no agent, no Vault): what a pass costs when nothing changed, for a PKCS#12
// keystore ('modern' and 'legacy' encryption) against a PEM template pass, the floor. Passes run often (every new
// bundle, secret value, reload, template edit, destination change on disk, and each retry of a failed pass) and
// re-render every template, so an unchanged keystore should cost about what an unchanged PEM file costs.
/* global AbortController -- a Node 20 global the bench's eslint globals do not list */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../lib/process.mjs';
import { fmt, median, pairedRatio } from '../lib/stats.mjs';
import { table } from '../lib/table.mjs';

const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

/** A self-signed EC certificate and its key, made by openssl (as the unit tests' fixtures are real PEM). */
function selfSigned(dir) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=bench.test',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return {
    certificate: readFileSync(cert, 'utf8'),
    privateKey: readFileSync(key, 'utf8'),
  };
}

export default {
  name: 'render-passes',
  title: 'Render passes with nothing changed: a keystore against a PEM template (in-process)',
  async run(ctx) {
    const { runRenderPass } = await dist('output/render-pass.js');
    const { TemplateEngine } = await dist('templates/template-engine.js');
    // Absent before the keystore cache existed: the same script then measures the old code.
    const cacheModule = await dist('output/keystore-cache.js').catch(() => undefined);
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'silent' });
    const passes = ctx.ci ? 10 : 30;
    const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-passes-'));
    try {
      const { certificate, privateKey } = selfSigned(dir);
      const bundle = {
        name: 'web',
        certificate,
        privateKey,
        privateKeyType: 'ec',
        issuingCa: certificate,
        caChain: [certificate],
        serialNumber: '01',
        notBefore: 0,
        notAfter: Date.now() + 86_400_000,
        obtainedAt: Date.now(),
        commonName: 'bench.test',
        altNames: [],
        ipSans: [],
        uriSans: [],
        requestFingerprint: 'bench',
      };
      const template = (file, extra) => ({
        index: 0,
        certificate: 'web',
        source: { kind: 'builtin', name: 'fullchain.pem' },
        destination: join(dir, file),
        perms: undefined,
        user: undefined,
        group: undefined,
        backup: false,
        followSymlink: false,
        exec: undefined,
        ...extra,
      });
      const keystore = (encryption) => ({
        source: { kind: 'builtin', name: 'keystore.p12' },
        pkcs12: { password: { kind: 'env', name: 'P12_PASS' }, alias: undefined, encryption },
      });
      const cases = {
        'PEM template (floor)': { template: template('fullchain.pem', {}) },
        'keystore, modern': { template: template('modern.p12', keystore('modern')) },
        'keystore, legacy': { template: template('legacy.p12', keystore('legacy')) },
        // Every pass a new password: a changed keystore still costs its KDF, cache or not.
        'keystore, modern, password changed each pass': {
          template: template('changing.p12', keystore('modern')),
          changing: true,
        },
      };
      const engine = new TemplateEngine();
      const bundles = new Map([['web', bundle]]);
      const results = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
      for (const [name, spec] of Object.entries(cases)) {
        spec.keystores = cacheModule ? new cacheModule.KeystoreCache() : undefined;
        spec.pass = (n) =>
          runRenderPass({
            templates: [spec.template],
            bundles,
            engine,
            logger,
            signal: new AbortController().signal,
            keystores: spec.keystores,
            env: spec.template.pkcs12 ? { P12_PASS: spec.changing ? `pw-${n}` : 'pw' } : {},
          });
        const first = await spec.pass(0); // writes the file; the measured passes find it unchanged
        if (!first.ok) throw new Error(`${name}: ${first.problems.join('; ')}`);
      }
      // Rounds of `passes` passes per case, cases interleaved so each round shares the machine's load.
      let n = 1;
      for (let round = 0; round < ctx.repeats; round += 1) {
        for (const [name, spec] of Object.entries(cases)) {
          const cpu = process.cpuUsage();
          const started = performance.now();
          for (let i = 0; i < passes; i += 1) {
            const result = await spec.pass(n++);
            const expected = spec.changing ? 'written' : 'unchanged';
            if (result.templates[0].result !== expected) throw new Error(`${name}: ${result.problems}`);
          }
          const used = process.cpuUsage(cpu);
          results[name].push({
            wallMs: (performance.now() - started) / passes,
            cpuMs: (used.user + used.system) / 1000 / passes,
          });
        }
      }
      const floor = results['PEM template (floor)'];
      const rows = Object.entries(results).map(([name, runs]) => {
        const ratio = pairedRatio(
          runs.map((r) => r.wallMs),
          floor.map((r) => r.wallMs),
        );
        ctx.record(`render-passes.${name}.ratio`, ratio);
        return [
          name,
          fmt(median(runs.map((r) => r.wallMs)), 3),
          fmt(median(runs.map((r) => r.cpuMs)), 3),
          `**${fmt(ratio)} ×**`,
        ];
      });
      return {
        command: `runRenderPass (dist/output/render-pass.js) ×${passes} per round, one template per case${
          cacheModule ? ', with a KeystoreCache' : ' (no keystore cache in this build)'
        }`,
        text: table(['case', 'wall ms per pass', 'CPU ms per pass', 'wall vs PEM pass'], rows),
        note: `medians of ${ctx.repeats} rounds of ${passes} passes, cases interleaved; ratio = median of per-round ratios`,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
