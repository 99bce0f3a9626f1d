import { budgetedLabel } from './budget.js';
import type { ResolvedConfig } from '../config/types.js';
import { union, unboundedSources } from '../model/bounds.js';
import { isInfoMetric } from '../model/info-metric.js';
import { groupByMetric } from '../util/group.js';
import { compareStrings } from '../util/paths.js';
import { countInGroup } from '../util/product-text.js';
import { isPositionalMismatch } from '../model/label-calls.js';
import { viewMatches } from '../model/views.js';
import type { Catalog, Estimate, LabelEstimate, MetricDef, RouteFact, ViewFact } from '../types.js';
import { withMethodsPerRoute } from './methods-per-route.js';
import { withValuesPassedTogether } from './passed-together.js';
import { withStatusesPerRoute } from './statuses-per-route.js';

/** series = Π bound(label) × seriesPerChild × replicas, with the reason for every factor. */
export function estimate(catalog: Catalog, config: ResolvedConfig): Estimate[] {
  const uses = groupByMetric(catalog.labelUses);
  const calls = groupByMetric(catalog.labelCalls);
  return catalog.metrics.map((def) =>
    estimateMetric(def, uses.get(def.id) ?? [], calls.get(def.id) ?? [], catalog.views, catalog.routes, config),
  );
}

function estimateMetric(
  def: MetricDef,
  uses: Catalog['labelUses'],
  calls: Catalog['labelCalls'],
  views: ViewFact[],
  routes: RouteFact[],
  config: ResolvedConfig,
): Estimate {
  const matching =
    def.library === 'opentelemetry' ? views.filter((v) => viewMatches(v, def.name, def.meter, def.instrument)) : [];
  const allowList = matching.find((v) => v.attributeKeys);
  const rebucketed = matching.find((v) => v.boundaries !== undefined);
  const perChild =
    rebucketed && def.kind === 'histogram'
      ? {
          count: rebucketed.boundaries! + 3,
          reason: `${rebucketed.boundaries} boundaries from the View at ${rebucketed.loc.file}:${rebucketed.loc.line} + 1 (+Inf) + 2 (_sum, _count)`,
        }
      : seriesPerChild(def);
  // Each instance exposes its own Prometheus series; CloudWatch metrics carry no instance unless a dimension says so.
  const replicas = def.library === 'cloudwatch' ? 1 : config.defaults.replicas;
  const perLabel = def.labelNames.map((label, index): LabelEstimate => {
    if (allowList && !allowList.attributeKeys!.includes(label)) {
      return {
        label,
        count: 1,
        kind: 'dropped',
        reason: `dropped by the View at ${allowList.loc.file}:${allowList.loc.line} (attribute allow-list)`,
      };
    }
    const estimate = labelEstimate(
      def,
      label,
      uses.filter((u) => u.label === label),
      calls,
      config,
    );
    return leftUnset(def, estimate, label, index, calls);
  });
  const byLabel = countedTogether(
    withStatusesPerRoute(
      withValuesPassedTogether(withMethodsPerRoute(perLabel, uses, routes), uses),
      uses,
      config.defaults,
    ),
  );
  let sets: number | 'unbounded' = 1;
  for (const l of byLabel) sets = sets === 'unbounded' || l.count === 'unbounded' ? 'unbounded' : sets * l.count;
  // Calls that set different groups of labels add their groups' series, not every label's product.
  const groups = sets === 'unbounded' ? undefined : labelGroups(def, calls, byLabel);
  const summed = groups && groupSeries(groups, byLabel);
  const grouped = summed !== undefined && sets !== 'unbounded' && summed < sets;
  if (grouped) sets = summed;
  // The SDK keeps at most `aggregationCardinalityLimit` attribute sets (the last one for overflow).
  const limited = matching.find((v) => v.cardinalityLimit !== undefined);
  let cap: Estimate['cap'];
  if (limited && (sets === 'unbounded' || sets > limited.cardinalityLimit!)) {
    sets = limited.cardinalityLimit!;
    cap = {
      limit: limited.cardinalityLimit!,
      reason: `aggregationCardinalityLimit ${limited.cardinalityLimit} (View at ${limited.loc.file}:${limited.loc.line})`,
    };
  }
  const dropped = matching.find((v) => v.drop);
  if (dropped) {
    // A drop aggregation exports nothing, whatever the labels.
    const reason = `dropped by the View at ${dropped.loc.file}:${dropped.loc.line} (drop aggregation)`;
    const none = byLabel.map((l): LabelEstimate => ({ label: l.label, count: 1, kind: 'dropped', reason }));
    return {
      metricId: def.id,
      metric: def.name,
      series: 0,
      seriesPerChild: 0,
      seriesPerChildReason: reason,
      replicas,
      byLabel: none,
    };
  }
  const series = sets === 'unbounded' ? 'unbounded' : sets * perChild.count * replicas;
  const estimate: Estimate = {
    metricId: def.id,
    metric: def.name,
    series,
    seriesPerChild: perChild.count,
    seriesPerChildReason: perChild.reason,
    replicas,
    byLabel,
  };
  if (cap) estimate.cap = cap;
  if (grouped && groups) estimate.groups = groups;
  if (rebucketed && def.kind === 'histogram') estimate.rebucketedBy = rebucketed.loc;
  return estimate;
}

/**
 * The distinct groups of labels the calls set (`{ method, objectType }` in some, `{ method,
 * srcObjectType, edgeName }` in others), where each call names its labels in an object and obslint
 * counts every label on its own: undefined where the calls set one group, or a call's labels are not
 * all known (positional, opaque, a timer's split between start and end), or labels are counted together.
 */
function labelGroups(def: MetricDef, calls: Catalog['labelCalls'], byLabel: LabelEstimate[]): string[][] | undefined {
  if (def.labelNames.length < 2 || calls.length === 0) return undefined;
  if (byLabel.some((l) => l.count === 'unbounded' || l.reason.includes('counted with'))) return undefined;
  if (calls.some((c) => c.form !== 'object' || c.method === 'startTimer' || c.method === 'end')) return undefined;
  const declared = new Set(def.labelNames);
  const distinct = new Map<string, string[]>();
  for (const call of calls) {
    const group = [...new Set(call.labels.filter((l) => declared.has(l)))].sort();
    distinct.set(group.join('\u0000'), group);
  }
  return distinct.size > 1 ? [...distinct.values()].sort((a, b) => compareStrings(a.join(), b.join())) : undefined;
}

/** The series of the label groups the calls set: each group's product, summed. */
function groupSeries(groups: string[][], byLabel: LabelEstimate[]): number | undefined {
  let total = 0;
  for (const group of groups) {
    let product = 1;
    for (const label of group) {
      const l = byLabel.find((b) => b.label === label);
      const count = l && countInGroup(l);
      if (count === undefined || count === 'unbounded') return undefined;
      product *= count;
    }
    total += product;
  }
  return total;
}

/**
 * The labels of a metric obslint cannot bound take the assumed number of values between them, not
 * that many each: on real code they are facets of one thing (a provider and its model, a module, its
 * queue and its activity, a protocol and a database engine), and 100 × 100 counted as independent put
 * every metric with two of them over budget. Of 114 such findings read on 22 public codebases, 106
 * were false or not worth acting on, most for that product. The first carries the assumption.
 */
function countedTogether(byLabel: LabelEstimate[]): LabelEstimate[] {
  const assumed = byLabel.filter((l) => (l.kind === 'unknown' || l.kind === 'unused') && l.count !== 'unbounded');
  if (assumed.length < 2) return byLabel;
  const [first, ...others] = assumed;
  return byLabel.map((l) =>
    others.includes(l)
      ? {
          ...l,
          count: 1,
          reason: `${l.reason}, counted with \`${first.label}\`: the labels obslint cannot bound take ${first.count} combinations between them`,
        }
      : l,
  );
}

/** A call that leaves a label out (`c.inc()`, `{ method }` without `route`) adds the empty value. */
function leftUnset(
  def: MetricDef,
  estimate: LabelEstimate,
  label: string,
  index: number,
  calls: Catalog['labelCalls'],
): LabelEstimate {
  if (
    estimate.kind === 'budget' ||
    estimate.kind === 'unused' ||
    estimate.kind === 'never-set' ||
    estimate.count === 'unbounded'
  )
    return estimate;
  const sets = (c: Catalog['labelCalls'][number]): boolean =>
    c.form === 'opaque' ||
    (c.form === 'object' && c.labels.includes(label)) ||
    (c.form === 'positional' && index < c.labels.length);
  // A timer's labels are split between startTimer() and end(): together they set the label.
  const unset = calls.filter(
    (c) => !sets(c) && c.method !== 'startTimer' && c.method !== 'end' && !isPositionalMismatch(def, c),
  );
  if (unset.length === 0) return estimate;
  return {
    ...estimate,
    count: estimate.count + 1,
    reason: `${estimate.reason} + 1 (left unset at ${unset[0].loc.file}:${unset[0].loc.line})`,
  };
}

function labelEstimate(
  def: MetricDef,
  label: string,
  uses: Catalog['labelUses'],
  calls: Catalog['labelCalls'],
  config: ResolvedConfig,
): LabelEstimate {
  const budgeted = budgetedLabel(config, def.name, label);
  if (budgeted) return { label, count: budgeted.count, kind: 'budget', reason: `budget file (${budgeted.key})` };
  const declared = def.labelTypes?.[label];
  const bound = union(uses.map((u) => u.bound));
  // The metric's type argument declares the label's domain: it bounds what the uses cannot.
  if (
    declared &&
    (!bound ||
      bound.kind === 'unknown' ||
      (bound.kind !== 'unbounded' && (bound.kind === 'finite' ? bound.values.length : bound.count) > declared.length))
  ) {
    return {
      label,
      count: declared.length,
      kind: 'finite',
      reason: `declared by the metric's type argument`,
      values: declared,
    };
  }
  if (!bound) {
    // A timer's end() may set the label where obslint cannot follow (`return histogram.startTimer()`);
    // the other calls say it stays empty, and so do the timers whose end() obslint saw after them.
    const timers = calls.filter((c) => c.method === 'startTimer');
    const ended = timers.every((t) =>
      calls.some((e) => e.method === 'end' && e.loc.file === t.loc.file && e.loc.line >= t.loc.line),
    );
    const definitive = calls.filter(
      (c) =>
        (ended || (c.method !== 'startTimer' && c.method !== 'end')) &&
        c.form !== 'opaque' &&
        !isPositionalMismatch(def, c),
    );
    if (definitive.length > 0)
      return {
        label,
        count: 1,
        kind: 'never-set',
        reason: `never set: ${definitive.length === 1 ? 'the one call site leaves' : `all ${definitive.length} call sites leave`} it empty`,
      };
    const why = calls.length > 0 ? 'no call site obslint can see sets it' : 'no use of the metric found';
    return {
      label,
      count: config.defaults.unknownLabelBound,
      kind: 'unused',
      reason: `${why}: assumed ${config.defaults.unknownLabelBound} (defaults.unknownLabelBound)`,
    };
  }
  switch (bound.kind) {
    case 'finite':
      return {
        label,
        count: Math.max(1, bound.values.length),
        kind: 'finite',
        reason: bound.reason,
        values: bound.values,
      };
    case 'bounded':
      return {
        label,
        count: bound.count,
        kind: 'bounded',
        reason: bound.reason,
        values: bound.values.length > 0 ? bound.values : undefined,
      };
    case 'unbounded':
      if (isInfoMetric(def) && unboundedSources(bound).every((s) => describesOneBlock(s.category)))
        return {
          label,
          count: 1,
          kind: 'bounded',
          reason: `${bound.reason}, on an info metric: the one block or transaction it describes`,
        };
      return { label, count: 'unbounded', kind: 'unbounded', reason: bound.reason };
    case 'unknown':
      if (isInfoMetric(def))
        return {
          label,
          count: 1,
          kind: 'bounded',
          reason: `${bound.reason}, on an info metric: one value per instance (an info metric's labels describe the running process and stay fixed while it runs)`,
        };
      return {
        label,
        count: config.defaults.unknownLabelBound,
        kind: 'unknown',
        reason: `${bound.reason}: assumed ${config.defaults.unknownLabelBound} (defaults.unknownLabelBound)`,
      };
  }
}

function seriesPerChild(def: MetricDef): { count: number; reason: string } {
  // DogStatsD aggregates a histogram or timing into avg, count, median, 95th percentile and max.
  if (def.library === 'statsd' && def.kind === 'histogram')
    return { count: 5, reason: '5 aggregates (avg, count, median, 95percentile, max: DogStatsD histogram)' };
  // CloudWatch keeps its statistics (sum, count, percentiles) on one metric per dimension combination.
  if (def.library === 'cloudwatch') return { count: 1, reason: 'one CloudWatch metric per dimension combination' };
  switch (def.kind) {
    case 'histogram': {
      const buckets = def.buckets ?? 11;
      return {
        count: buckets + 3,
        reason: `${buckets} buckets + 1 (+Inf) + 2 (_sum, _count)${def.buckets === undefined ? ', buckets not readable: prom-client default assumed' : ''}`,
      };
    }
    case 'summary': {
      const quantiles = def.quantiles ?? 7;
      return {
        count: quantiles + 2,
        reason: `${quantiles} quantiles + 2 (_sum, _count)${def.quantiles === undefined ? ', percentiles not readable: prom-client default assumed' : ''}`,
      };
    }
    default:
      return { count: 1, reason: `1 series per label set (${def.kind})` };
  }
}

/** A block's or transaction's hash, or a block's number: on an info metric, the one it describes. */
function describesOneBlock(category: string): boolean {
  return category === 'hash' || category === 'sequence';
}
