import { labelBound } from '../model/bounds.js';
import type { Catalog, LabelEstimate, PassedTogether } from '../types.js';

/**
 * Labels whose values the same call sites pass (`route.method` and `route.path` of each
 * `mountRoute(app, route)`): together they take one tuple per site, so the distinct tuples, not
 * the product of each label's values, count. Counted on the label with the most values; the
 * others then count 1. Unchanged where a site passes several values or the tuples are no fewer than the product.
 */
export function withValuesPassedTogether(byLabel: LabelEstimate[], uses: Catalog['labelUses']): LabelEstimate[] {
  const passedBy = new Map<string, { estimate: LabelEstimate; together: PassedTogether }[]>();
  for (const estimate of byLabel) {
    if (estimate.kind !== 'finite' || typeof estimate.count !== 'number') continue;
    const bound = labelBound(uses, estimate.label);
    if (bound?.kind !== 'finite' || !bound.together || bound.values.length !== estimate.count) continue;
    const group = passedBy.get(bound.together.by) ?? [];
    group.push({ estimate, together: bound.together });
    passedBy.set(bound.together.by, group);
  }
  const adjusted = new Map<LabelEstimate, LabelEstimate>();
  for (const group of passedBy.values()) {
    if (group.length < 2) continue;
    const tuples = distinctTuples(group.map((g) => g.together));
    const product = group.reduce((n, g) => n * (g.estimate.count as number), 1);
    if (tuples === undefined || tuples >= product) continue;
    // Counted on the label with the most values (the route beside its method): the one a reader looks at.
    const ordered = group.map((g) => g.estimate).sort((a, b) => (b.count as number) - (a.count as number));
    const [first, ...rest] = ordered;
    const labels = group.map((g) => `\`${g.estimate.label}\``).join(', ');
    const sites = group[0].together.perCall.length;
    adjusted.set(first, {
      ...first,
      count: tuples,
      reason: `${first.reason}, passed with ${rest.map((l) => `\`${l.label}\``).join(', ')} by the same ${sites} call site${sites === 1 ? '' : 's'}: ${tuples} distinct (${group.map((g) => g.estimate.label).join(', ')}) tuple${tuples === 1 ? '' : 's'}`,
      values: undefined,
    });
    for (const l of rest)
      adjusted.set(l, { ...l, count: 1, reason: `counted with \`${first.label}\` (${labels} are passed together)` });
  }
  return adjusted.size === 0 ? byLabel : byLabel.map((l) => adjusted.get(l) ?? l);
}

/** The distinct tuples the sites pass, when every site passes one value for each label. */
function distinctTuples(passed: PassedTogether[]): number | undefined {
  const sites = passed[0].perCall.map(([site]) => site);
  const valuesAt = passed.map((p) => new Map(p.perCall));
  const tuples = new Set<string>();
  for (const site of sites) {
    const tuple: string[] = [];
    for (const values of valuesAt) {
      const value = values.get(site);
      if (value === undefined || value === null) return undefined;
      tuple.push(value);
    }
    tuples.add(JSON.stringify(tuple));
  }
  return passed.every((p) => p.perCall.length === sites.length) ? tuples.size : undefined;
}
