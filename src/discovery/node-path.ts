import { isAbsolute, resolve } from 'node:path';
import type { PathAlias, WorkspacePackage } from '../extract/syntax/module-resolver.js';

/** `NODE_PATH=src node server.js`, `cross-env NODE_PATH=./lib:./shared mocha`: the directories a script sets. */
const NODE_PATH = /(?:^|[\s;&|])NODE_PATH=(["']?)([^\s"';&|]+)\1/g;

/**
 * The directories a package's scripts put on NODE_PATH, where Node looks up bare specifiers that
 * no `node_modules` holds (`require('metrics')` for `src/metrics.js`): a `baseUrl` for the package's
 * files, after the aliases of its configs. Relative directories only (an absolute one names the
 * machine the script ran on), each once, in the order the scripts give them.
 */
export function nodePathAliases(pkg: WorkspacePackage): PathAlias[] {
  const dirs = new Set<string>();
  for (const script of pkg.scripts)
    for (const match of script.matchAll(NODE_PATH))
      for (const dir of match[2].split(':'))
        if (dir && !isAbsolute(dir) && !dir.includes('$')) dirs.add(resolve(pkg.dir, dir));
  return [...dirs].map((baseDir) => ({ pattern: '*', targets: ['*'], baseDir, scope: pkg.dir }));
}
