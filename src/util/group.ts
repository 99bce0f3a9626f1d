/** Items by a key, in the order they come; items whose key is undefined are left out. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K | undefined): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(item);
  }
  return out;
}

/** Items of the catalog keyed by the metric they belong to. */
export function groupByMetric<T extends { metricId: string }>(items: T[]): Map<string, T[]> {
  return groupBy(items, (item) => item.metricId);
}
