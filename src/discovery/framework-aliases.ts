import type { PathAlias, WorkspacePackage } from '../extract/syntax/module-resolver.js';

/**
 * Import aliases a framework defines in a config it generates at build time, which a checkout does
 * not hold: SvelteKit's `$lib` (`src/lib`) comes from `.svelte-kit/tsconfig.json`, which the
 * project's tsconfig extends and which `svelte-kit sync` writes. A package that depends on the
 * framework gets them after its own configs' aliases, so a config that declares them wins.
 */
export function frameworkAliases(pkg: WorkspacePackage): PathAlias[] {
  if (!Object.hasOwn(pkg.dependencies, '@sveltejs/kit')) return [];
  return [
    { pattern: '$lib', targets: ['src/lib'], baseDir: pkg.dir, scope: pkg.dir },
    { pattern: '$lib/*', targets: ['src/lib/*'], baseDir: pkg.dir, scope: pkg.dir },
  ];
}
