import type { Catalog, Location } from '../types.js';
import { compareLocations } from './paths.js';

/** The catalog's lists of located facts, each sorted by location. */
export const LOCATED_LISTS = [
  'metrics',
  'labelUses',
  'labelCalls',
  'observations',
  'routes',
  'views',
  'spans',
  'outbound',
  'unreadHelpers',
  'unreached',
] as const;

/**
 * One catalog from several, as one extraction of them all writes it: every located list in
 * location order, the exporters once each; `tracing` is the caller's (who describes a package
 * depends on how the catalogs were made).
 */
export function mergeCatalogs(catalogs: readonly Catalog[], tracing: Catalog['tracing']): Catalog {
  const located = <K extends (typeof LOCATED_LISTS)[number]>(list: K): Catalog[K] =>
    catalogs
      .flatMap((c) => c[list] as { loc: Location }[])
      .sort((a, b) => compareLocations(a.loc, b.loc)) as Catalog[K];
  return {
    metrics: located('metrics'),
    labelUses: located('labelUses'),
    labelCalls: located('labelCalls'),
    observations: located('observations'),
    routes: located('routes'),
    views: located('views'),
    spans: located('spans'),
    outbound: located('outbound'),
    tracing,
    exporters: [...new Set(catalogs.flatMap((c) => c.exporters))].sort(),
    unreadHelpers: located('unreadHelpers'),
    unreached: located('unreached'),
  };
}
