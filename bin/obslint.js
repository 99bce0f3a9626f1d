#!/usr/bin/env node
import { statSync } from 'node:fs';

// The bundled command line (`npm run build` writes it) loads in half the time of its modules one
// by one. A build without it, or one that rebuilt the modules since (`tsc` alone), runs the modules.
const bundle = new URL('../dist/src/bundle/main.js', import.meta.url);
const modules = new URL('../dist/src/cli/main.js', import.meta.url);
const built = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const { main, boundHeapGrowth } = await import(built(bundle) >= built(modules) ? bundle.href : modules.href);

boundHeapGrowth();

process.exitCode = await main(process.argv.slice(2));
