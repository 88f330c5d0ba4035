// The Kubernetes home (examples/kubernetes/): every manifest validates against the Kubernetes schema
// (kubernetes-models), the sidecar and init-container variants have the shape the docs promise, and every agent
// config embedded in a ConfigMap, like every other example config in examples/, passes `certagent check`.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as models from 'kubernetes-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { MAIN, ROOT, ensureBuilt } from '../helpers/cli-process.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML, checked by the schema first */
type Manifest = Record<string, any>;

const K8S = join(ROOT, 'examples/kubernetes');
const FILES = readdirSync(K8S).filter((name) => name.endsWith('.yaml'));
const manifests = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((doc) => doc.toJS() as Manifest);

/** The kubernetes-models class for an apiVersion and kind ("apps/v1" → models.apps.v1.Deployment). */
function modelFor(manifest: Manifest): new (data: Manifest) => { validate(): void } {
  const [group, version] = String(manifest.apiVersion).includes('/')
    ? String(manifest.apiVersion).split('/')
    : ['', String(manifest.apiVersion)];
  const key = group!.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^./, (c) => c);
  const groupModels = (group ? (models as any)[key] : models)?.[version!];
  const model = groupModels?.[manifest.kind];
  if (!model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  return model;
}

const pods = (file: string) =>
  manifests(file)
    .filter((m) => m.kind === 'Deployment')
    .map((m) => m.spec.template.spec as Manifest);

/** Every agent config in examples/: ConfigMap `agent.yaml` entries and *.yaml files with certificates. */
function exampleConfigs(): { name: string; text: string }[] {
  const configs: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) {
        for (const doc of parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Manifest)) {
          if (doc?.kind === 'ConfigMap') {
            for (const [key, text] of Object.entries(doc.data ?? {})) {
              if (key.endsWith('.yaml') && /^certificates:/m.test(String(text))) {
                configs.push({
                  name: `${relative(ROOT, path)} ConfigMap ${doc.metadata.name} ${key}`,
                  text: String(text),
                });
              }
            }
          } else if (doc && typeof doc === 'object' && 'certificates' in doc) {
            configs.push({ name: relative(ROOT, path), text: readFileSync(path, 'utf8') });
          }
        }
      }
    }
  };
  walk(join(ROOT, 'examples'));
  return configs;
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'certagent-k8s-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Kubernetes manifests', () => {
  it.each(FILES)('%s validates against the Kubernetes schema', (file) => {
    const docs = manifests(file);
    expect(docs.length).toBeGreaterThan(0);
    for (const manifest of docs) {
      const Model = modelFor(manifest);
      expect(
        () => new Model(manifest).validate(),
        `${manifest.kind} ${manifest.metadata?.name}`,
      ).not.toThrow();
    }
  });

  it('the schema check is real: a wrong type or a missing required field fails it', () => {
    // kubernetes-models does not reject unknown fields; the shape tests below read every field that matters by
    // its exact name, so a misspelt one fails there.
    const wrongType = manifests('sidecar.yaml').find((m) => m.kind === 'Deployment')!;
    wrongType.spec.template.spec.initContainers[0].ports[0].containerPort = 'certagent';
    expect(() => new (modelFor(wrongType))(wrongType).validate()).toThrow(/containerPort/);
    const missing = manifests('sidecar.yaml').find((m) => m.kind === 'Deployment')!;
    delete missing.spec.template.spec.containers[0].name;
    expect(() => new (modelFor(missing))(missing).validate()).toThrow(/name/);
  });

  it('run every container non-root, read-only, without privilege escalation or capabilities', () => {
    for (const file of FILES) {
      for (const pod of pods(file)) {
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          const context = container.securityContext;
          expect(context, `${file} ${container.name}`).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(container.resources.requests, `${file} ${container.name}`).toHaveProperty('memory');
        }
      }
    }
  });
});

describe('the native sidecar (sidecar.yaml)', () => {
  const pod = pods('sidecar.yaml')[0]!;
  const sidecar = pod.initContainers[0];
  const app = pod.containers[0];
  const configMap = manifests('sidecar.yaml').find((m) => m.kind === 'ConfigMap')!;
  const config = parse(configMap.data['agent.yaml']) as Manifest;
  const mountOf = (container: Manifest, volume: string) =>
    container.volumeMounts.find((m: Manifest) => m.name === volume)?.mountPath as string | undefined;

  it('is an init container with restartPolicy Always whose startupProbe on /readyz holds the app back', () => {
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.args).toEqual(['run', '-c', '/etc/certagent/agent.yaml']);
    expect(sidecar.startupProbe.httpGet.path).toBe('/readyz');
    expect(sidecar.livenessProbe.httpGet.path).toBe('/livez');
    expect(sidecar.readinessProbe.httpGet.path).toBe('/readyz');
    const port = sidecar.ports.find(
      (p: Manifest) => p.name === sidecar.startupProbe.httpGet.port,
    ).containerPort;
    expect(config.listener.address).toBe(`0.0.0.0:${port}`);
    // The figures bench/RESULTS.md measured (idle RSS and CPU of the daemon).
    expect(sidecar.resources.requests).toEqual({ cpu: '1m', memory: '85Mi' });
  });

  it('writes every file into an emptyDir the app mounts read-only', () => {
    const shared = pod.volumes.filter(
      (v: Manifest) => v.emptyDir && mountOf(sidecar, v.name) && mountOf(app, v.name),
    );
    const tls = shared.find((v: Manifest) =>
      config.templates.every((t: Manifest) => t.destination.startsWith(`${mountOf(sidecar, v.name)}/`)),
    );
    expect(tls, 'an emptyDir holding every destination').toBeDefined();
    expect(app.volumeMounts.find((m: Manifest) => m.name === tls.name).readOnly).toBe(true);
  });

  it('logs in with Kubernetes auth and the projected service-account token', () => {
    expect(config.auto_auth.method.type).toBe('kubernetes');
    const projected = pod.volumes.find((v: Manifest) => v.projected);
    const token = projected.projected.sources[0].serviceAccountToken;
    expect(token.audience).toBe('vault');
    expect(config.auto_auth.method.config.token_path).toBe(
      `${mountOf(sidecar, projected.name)}/${token.path}`,
    );
    expect(pod.automountServiceAccountToken).toBe(false);
  });
});

describe('the init-container variant (init-once.yaml)', () => {
  it('runs --once as a plain init container before the app', () => {
    const pod = pods('init-once.yaml')[0]!;
    const init = pod.initContainers[0];
    expect(init.args).toContain('--once');
    expect(init.restartPolicy).toBeUndefined();
  });
});

describe('certagent check on every example config', () => {
  const configs = exampleConfigs();
  it('finds the configs (quick start, recipes, ConfigMaps)', () => {
    expect(configs.length).toBeGreaterThanOrEqual(5);
  });
  it.each(configs.map((c) => [c.name, c.text] as const))('%s passes', (name, text) => {
    const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.yaml`);
    writeFileSync(file, text);
    // A config without a Vault address is meant for `run --dev` (the quick start).
    const dev = (parse(text) as Manifest).vault?.address === undefined ? ['--dev'] : [];
    const out = execFileSync(process.execPath, [MAIN, 'check', ...dev, '-c', file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(out).toMatch(/: ok \(/);
  });
});
