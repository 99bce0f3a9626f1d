import { budgetedLabel } from '../config/budget.js';
import type { ResolvedConfig } from '../config/types.js';
import { union } from '../extract/bounds.js';
import type { Catalog, Estimate, LabelEstimate, MetricDef } from '../types.js';

/** series = Π bound(label) × seriesPerChild × replicas, with the reason for every factor. */
export function estimate(catalog: Catalog, config: ResolvedConfig): Estimate[] {
  const usesByMetric = new Map<string, Catalog['labelUses']>();
  for (const use of catalog.labelUses) {
    let list = usesByMetric.get(use.metricId);
    if (!list) usesByMetric.set(use.metricId, (list = []));
    list.push(use);
  }
  return catalog.metrics.map((def) => estimateMetric(def, usesByMetric.get(def.id) ?? [], config));
}

function estimateMetric(def: MetricDef, uses: Catalog['labelUses'], config: ResolvedConfig): Estimate {
  const perChild = seriesPerChild(def);
  const replicas = config.defaults.replicas;
  const byLabel = def.labelNames.map((label) => labelEstimate(def, label, uses.filter((u) => u.label === label), config));
  let series: number | 'unbounded' = perChild.count * replicas;
  for (const l of byLabel) series = series === 'unbounded' || l.count === 'unbounded' ? 'unbounded' : series * l.count;
  return { metricId: def.id, metric: def.name, series, seriesPerChild: perChild.count, seriesPerChildReason: perChild.reason, replicas, byLabel };
}

function labelEstimate(def: MetricDef, label: string, uses: Catalog['labelUses'], config: ResolvedConfig): LabelEstimate {
  const budgeted = budgetedLabel(config, def.name, label);
  if (budgeted) return { label, count: budgeted.count, kind: 'budget', reason: `budget file (${budgeted.key})` };
  const bound = union(uses.map((u) => u.bound));
  if (!bound) {
    return { label, count: config.defaults.unknownLabelBound, kind: 'unused', reason: `no value seen for this label: assumed ${config.defaults.unknownLabelBound} (defaults.unknownLabelBound)` };
  }
  switch (bound.kind) {
    case 'finite':
      return { label, count: Math.max(1, bound.values.length), kind: 'finite', reason: bound.reason, values: bound.values };
    case 'bounded':
      return { label, count: bound.count, kind: 'bounded', reason: bound.reason, values: bound.values.length > 0 ? bound.values : undefined };
    case 'unbounded':
      return { label, count: 'unbounded', kind: 'unbounded', reason: bound.reason };
    case 'unknown':
      return { label, count: config.defaults.unknownLabelBound, kind: 'unknown', reason: `${bound.reason}: assumed ${config.defaults.unknownLabelBound} (defaults.unknownLabelBound)` };
  }
}

function seriesPerChild(def: MetricDef): { count: number; reason: string } {
  switch (def.kind) {
    case 'histogram': {
      const buckets = def.buckets ?? 11;
      return { count: buckets + 3, reason: `${buckets} buckets + 1 (+Inf) + 2 (_sum, _count)${def.buckets === undefined ? ', buckets not readable: prom-client default assumed' : ''}` };
    }
    case 'summary': {
      const quantiles = def.quantiles ?? 7;
      return { count: quantiles + 2, reason: `${quantiles} quantiles + 2 (_sum, _count)` };
    }
    default:
      return { count: 1, reason: `1 series per label set (${def.kind})` };
  }
}
