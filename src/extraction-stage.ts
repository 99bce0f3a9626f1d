/**
 * What needs the TypeScript compiler: walking a project (its tsconfig files are read with
 * TypeScript's own parser) and extracting facts. `api.ts` loads this module on first need, so a run
 * served from the cache never loads the compiler, which was most of its time.
 */
export { extract } from './extract/extract.js';
export { walkProject } from './discovery/walk.js';
