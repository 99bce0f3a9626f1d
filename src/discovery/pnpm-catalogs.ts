import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Consulted } from './consulted.js';

type Catalogs = Map<string, Record<string, string>>;

/**
 * pnpm's catalogs (`"@sentry/serverless": "catalog:"` in a manifest, the range written once in
 * `pnpm-workspace.yaml`'s `catalog:` or `catalogs: { <name>: … }`): each package's dependencies with
 * the ranges its workspace's catalogs give them, so what is installed (a Sentry 7 SDK, a dd-trace
 * release) is read as it is. A range no catalog names stays as written.
 */
export function withCatalogRanges(
  packages: readonly WorkspacePackage[],
  root: string,
  consulted: Consulted,
): WorkspacePackage[] {
  const byWorkspace = new Map<string, Catalogs | undefined>();
  const catalogsAbove = (dir: string): Catalogs | undefined => {
    for (let at = dir; at.startsWith(root); at = dirname(at)) {
      if (!byWorkspace.has(at)) {
        const file = join(at, 'pnpm-workspace.yaml');
        byWorkspace.set(at, consulted.exists(file) ? readCatalogs(file, consulted) : undefined);
      }
      const found = byWorkspace.get(at);
      if (found) return found;
      if (at === dirname(at)) break;
    }
    return undefined;
  };
  return packages.map((pkg) => {
    const uses = Object.entries(pkg.dependencies).filter(([, range]) => range.startsWith('catalog:'));
    const catalogs = uses.length > 0 ? catalogsAbove(pkg.dir) : undefined;
    if (!catalogs) return pkg;
    const dependencies = { ...pkg.dependencies };
    for (const [name, range] of uses) {
      const resolved = catalogs.get(range.slice('catalog:'.length) || 'default')?.[name];
      if (resolved !== undefined) dependencies[name] = resolved;
    }
    return { ...pkg, dependencies };
  });
}

function readCatalogs(file: string, consulted: Consulted): Catalogs | undefined {
  consulted.files.add(file);
  let settings: unknown;
  try {
    settings = parse(readFileSync(file, 'utf8'));
  } catch {
    // A workspace file that cannot be read, or that pnpm itself would refuse: no catalog to trust.
    return undefined;
  }
  if (!settings || typeof settings !== 'object') return undefined;
  const { catalog, catalogs } = settings as { catalog?: unknown; catalogs?: unknown };
  const found: Catalogs = new Map();
  if (isRanges(catalog)) found.set('default', catalog);
  if (catalogs && typeof catalogs === 'object')
    for (const [name, ranges] of Object.entries(catalogs)) if (isRanges(ranges)) found.set(name, ranges);
  return found.size > 0 ? found : undefined;
}

function isRanges(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
