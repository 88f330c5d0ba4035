#!/usr/bin/env node
// The bundled CLI (issue 10): `npm run build` runs tsc (typecheck and dist/**, which the library entry, the
// fleet simulation and the tests' staleness check use), then this script, which bundles src/main.ts with esbuild
// into dist/bundle/ (one chunk per command, so each loads only what it uses) and points the bin, dist/main.js, at
// it. Loading 1 file instead of ~1,000 is most of what --version, check and a cold start cost.
//
// Kept out of the bundle (loaded from node_modules at run time with require): prom-client, whose default-metric
// modules metrics.ts requires one by one and which must be one copy with its Registry; and pino-pretty, required
// only for `format: pretty`. pino is bundled: certagent never starts a pino transport, so no worker file is needed.
// The chunks sit two levels below the package root, as dist/cli/*.js do, so `../../package.json` and
// `../../templates/` resolve the same from both.
import { rm, writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

// Chunk names are content hashes: clear the old ones.
await rm(`${root}/dist/bundle`, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['prom-client', 'pino-pretty'],
  // CommonJS dependencies inside an ESM bundle call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __certagentRequire } from 'node:module'; const require = __certagentRequire(import.meta.url);",
  },
  keepNames: true, // error classes name themselves with new.target.name
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  metafile: true,
});

// Which source files went into which chunk: the tests read it to prove a command loads no dev-server chunk.
// Not shipped (package.json `files` leaves *.meta.json out).
await writeFile(`${root}/dist/bundle/esbuild.meta.json`, JSON.stringify(result.metafile));

// The bin stays dist/main.js (package.json, the e2e tests, users' scripts): it now just enters the bundle.
await writeFile(`${root}/dist/main.js`, "#!/usr/bin/env node\nimport './bundle/main.js';\n", { mode: 0o755 });
await rm(`${root}/dist/main.js.map`, { force: true });
