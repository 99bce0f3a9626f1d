#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The bundled command line (`npm run build` writes it) loads in half the time of its modules one
// by one; a build without it (tsc alone) still runs.
const bundle = new URL('../dist/src/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
