import type { Catalog } from '../types.js';
import { mergeCatalogs } from '../util/merge-catalogs.js';
import { compareStrings } from '../util/paths.js';
import type { Extraction } from './extract.js';
import type { Candidates } from './prefilter.js';
import { PackageIndex } from './facts/workspace-packages.js';
import type { WorkspacePackage } from './syntax/module-resolver.js';

/** The files of one process group (see `PackageIndex.processGroups`), extracted on their own. */
export interface ProcessPart {
  /** The group's first package directory: the part's name. */
  name: string;
  candidates: Candidates;
  /** The packages whose tracing the part describes: its group's, and for the first part those of groups with no files to parse. */
  describe: ReadonlySet<string>;
  /** What else the part's extraction depends on: the import edges within the group, the group's packages. */
  shape: unknown;
}

/**
 * The candidates split by the processes their code can run in. Code in two groups never calls the
 * other, imports the other or shares a registry, so each group's facts are extracted alone: a
 * change in one group leaves the others' extraction valid, and only one group's syntax trees and
 * type checker are in memory at a time. Groups in directory order of their names.
 */
export function partitionByProcess(
  candidates: Candidates,
  files: readonly string[],
  root: string,
  packages: readonly WorkspacePackage[],
): ProcessPart[] {
  const index = new PackageIndex(root, packages);
  const grouping = index.processGrouping(candidates.importers, files);
  const members = new Map<string, string[]>();
  const edges = new Map<string, [string, readonly string[]][]>();
  const scopes = new Map<string, string[]>();
  const push = <T>(into: Map<string, T[]>, key: string, item: T): void => {
    const list = into.get(key);
    if (list) list.push(item);
    else into.set(key, [item]);
  };
  for (const file of candidates.files) push(members, grouping.ofFile(file).key, file);
  for (const edge of candidates.importers) push(edges, grouping.ofFile(edge[0]).key, edge);
  for (const scope of index.all()) push(scopes, grouping.ofScope(scope).key, scope.key);
  // A project with nothing to parse is still one part: its packages' tracing comes from their manifests.
  if (members.size === 0) members.set('.', []);
  const names = [...members.keys()].sort(compareStrings);
  // A package in a group with nothing to parse (one without code) is described by the part of a
  // package it runs beside (a dependent's, whose setup traces it), else by the first part.
  const describedBy = new Map<string, string[]>();
  for (const [group, keys] of scopes) {
    if (members.has(group)) continue;
    for (const key of keys) {
      const scope = index.all().find((s) => s.key === key)!;
      const beside = index.related(scope).find((s) => members.has(grouping.ofScope(s).key));
      push(describedBy, beside ? grouping.ofScope(beside).key : names[0], key);
    }
  }
  return names.map((name) => {
    const files = members.get(name)!;
    const group = new Set(files);
    const describe = [...(scopes.get(name) ?? []), ...(describedBy.get(name) ?? [])];
    return {
      name,
      describe: new Set(describe),
      candidates: {
        ...candidates,
        files,
        imported: new Set([...candidates.imported].filter((f) => group.has(f))),
        deferred: new Set([...candidates.deferred].filter((f) => group.has(f))),
      },
      shape: { name, edges: edges.get(name) ?? [], packages: describe },
    };
  });
}

/** One extraction from the parts', as a single extraction of every group together reads: lists in location order. */
export function mergeExtractions(
  parts: readonly { extraction: Extraction }[],
  root: string,
  packages: readonly WorkspacePackage[],
): Extraction {
  if (parts.length === 1) return parts[0].extraction;
  const all = parts.map((p) => p.extraction);
  // Each package is described by exactly one part; in directory order, as one extraction writes them.
  const described = new Map(all.flatMap((e) => Object.entries(e.catalog.tracing)));
  const tracing: Catalog['tracing'] = {};
  for (const scope of new PackageIndex(root, packages).all()) {
    const facts = described.get(scope.key);
    if (facts) tracing[scope.key] = facts;
  }
  return {
    catalog: mergeCatalogs(
      all.map((e) => e.catalog),
      tracing,
    ),
    notices: all.flatMap((e) => e.notices),
    directives: new Map(all.flatMap((e) => [...e.directives]).sort((a, b) => compareStrings(a[0], b[0]))),
    filesParsed: all.reduce((n, e) => n + e.filesParsed, 0),
  };
}
