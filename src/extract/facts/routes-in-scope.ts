import type { ts } from 'ts-morph';
import type { RouteFact } from '../../types.js';
import type { RouteFacts } from '../flow/sources.js';
import { groupBy } from '../../util/group.js';
import type { PackageIndex } from './workspace-packages.js';

/**
 * The route facts a route label can take where it is set: the routes registered in the packages
 * whose code runs in the same processes (`PackageIndex.related`). A monorepo's service labels its
 * requests with its own routes, not every service's: mana-ai's 4 routes, not the repository's 125.
 * A shared library's middleware runs in every service that loads it, and counts all their routes.
 */
export function routesInScope(
  routes: readonly (RouteFact & { package: string })[],
  packages: PackageIndex,
): Pick<RouteFacts, 'routeTemplates' | 'routePackages' | 'mountedRoutes' | 'routeRegistrations'> {
  const byPackage = groupBy(routes, (route) => route.package);
  type InScope = { templates: string[]; packages: string[]; mounted: number; registrations: number };
  const memo = new Map<string, InScope>();
  const at = (node: ts.Node): InScope => {
    const scope = packages.of(node.getSourceFile().fileName);
    let facts = memo.get(scope.key);
    if (!facts) {
      const related = packages.related(scope).filter((s) => byPackage.has(s.key));
      const inScope = related.flatMap((s) => byPackage.get(s.key)!);
      facts = {
        templates: [...new Set(inScope.map((r) => r.template))].sort(),
        packages: related.map((s) => s.key).sort(),
        // Routers in different files can be mounted under different prefixes: their templates are distinct values.
        mounted: new Set(inScope.map((r) => `${r.loc.file}\u0000${r.template}`)).size,
        registrations: inScope.length,
      };
      memo.set(scope.key, facts);
    }
    return facts;
  };
  return {
    routeTemplates: (node) => at(node).templates,
    routePackages: (node) => at(node).packages,
    mountedRoutes: (node) => at(node).mounted,
    routeRegistrations: (node) => at(node).registrations,
  };
}
