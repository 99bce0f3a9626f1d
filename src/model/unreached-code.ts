import type { Location, UnreachedCode } from '../types.js';
import { groupBy } from '../util/group.js';

/** The function nothing in the project calls that holds a location, by file. */
export function unreachedLookup(unreached: readonly UnreachedCode[]): (loc: Location) => UnreachedCode | undefined {
  const byFile = groupBy(unreached, (u) => u.loc.file);
  return (loc) =>
    byFile
      .get(loc.file)
      ?.find((u) => after(loc, u.loc.line, u.loc.column) && !after(loc, u.loc.endLine, u.loc.endColumn));
}

function after(loc: Location, line: number, column: number): boolean {
  return loc.line > line || (loc.line === line && loc.column >= column);
}

/**
 * What a finding in code nothing calls says besides its own message; `recorded`: a finding about a
 * metric that only that code records.
 */
export function unreachedSuffix(unreached: UnreachedCode, recorded = false): string {
  const where = recorded ? 'recorded only in' : 'in';
  return unreached.unloaded
    ? ` (${where} \`${unreached.name}\`, which no module the application loads lists, so Nest never creates it: a note until a module lists it)`
    : unreached.calledOnlyBy
      ? ` (${where} \`${unreached.name}()\`, which only \`${unreached.calledOnlyBy}\` calls, and that never runs: a note until it does)`
      : ` (${where} \`${unreached.name}()\`, which nothing in the project calls: a note until something does)`;
}
