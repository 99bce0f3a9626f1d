/** Items of the catalog keyed by the metric they belong to. */
export function groupByMetric<T extends { metricId: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    let list = out.get(item.metricId);
    if (!list) out.set(item.metricId, (list = []));
    list.push(item);
  }
  return out;
}
