#!/usr/bin/env node
// Bundles the command line (dist/src/cli/main.js), the compiler stage it loads on first need
// (dist/src/extraction-stage.js) and what extraction's worker threads run (dist/src/extract-worker.js)
// into dist/src/bundle/, run by bin/obslint.js. Node spends most of a warm run's start loading
// modules one by one (obslint's 120 files and its dependencies': 0.14 s of a 0.3 s run on 12,000
// files); the entry files and their shared chunks load in about half that. Entries and chunks sit
// in one directory: the stage and the worker are loaded by path, beside the code that loads them. `npm run build` runs this after tsc; the library entry points
// (`obslint`, `obslint/eslint-plugin`) stay the unbundled dist/src.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src', 'bundle');

// CommonJS dependencies call require() for Node built-ins; an ES module has no require of its own.
const BANNER = [
  "import { createRequire as __obslintCreateRequire } from 'node:module';",
  'const require = __obslintCreateRequire(import.meta.url);',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/src/cli/main.js',
    'extraction-stage': 'dist/src/extraction-stage.js',
    // Loaded by path (`new URL('./extract-worker.js', import.meta.url)`) beside the pool's chunk.
    'extract-worker': 'dist/src/extract-worker.js',
  },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The `node` condition: packages such as yaml otherwise resolve to their browser builds.
  conditions: ['node'],
  mainFields: ['module', 'main'],
  // The compiler stays a dependency: loaded only by the stage, only when a run extracts.
  external: ['ts-morph'],
  banner: { js: BANNER },
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
});
