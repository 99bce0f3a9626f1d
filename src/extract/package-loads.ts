import { compareStrings, packageOfSpecifier } from '../util/paths.js';
import type { Candidates, SourceScan } from './prefilter.js';
import { PackageIndex } from './facts/workspace-packages.js';
import type { WorkspacePackage } from './syntax/module-resolver.js';

/**
 * Which workspace packages each package with code loads at run time, by key: those its files import
 * for more than types, by name (`@shop/orders`, `workbench/hono`, resolved or not) or by a path that
 * leads into their files (a relative path, an alias). Every package with code is a key; a package
 * it declares but never loads this way runs none of its code (a service depending on another for
 * its router's type, or for the build order).
 */
export function packageLoads(
  scans: ReadonlyMap<string, SourceScan>,
  candidates: Pick<Candidates, 'importers' | 'typeImporters'>,
  root: string,
  packages: readonly WorkspacePackage[],
): Record<string, string[]> {
  const index = new PackageIndex(root, packages);
  const loads = new Map<string, Set<string>>();
  const add = (user: string, dependency: string): void => {
    if (user !== dependency) loads.get(user)!.add(dependency);
  };
  for (const file of scans.keys()) {
    const key = index.of(file).key;
    if (!loads.has(key)) loads.set(key, new Set());
  }
  for (const [file, scan] of scans) {
    const typeOnly = new Set(scan.typeOnly);
    for (const specifier of scan.specifiers) {
      if (typeOnly.has(specifier) || specifier.startsWith('.')) continue;
      const dependency = index.named(packageOfSpecifier(specifier));
      if (dependency) add(index.of(file).key, dependency.key);
    }
  }
  for (const [target, importers] of candidates.importers) {
    const typesOnly = new Set(candidates.typeImporters.get(target) ?? []);
    const owner = index.of(target).key;
    for (const importer of importers) if (!typesOnly.has(importer)) add(index.of(importer).key, owner);
  }
  const sorted: Record<string, string[]> = {};
  for (const user of [...loads.keys()].sort(compareStrings)) sorted[user] = [...loads.get(user)!].sort(compareStrings);
  return sorted;
}
