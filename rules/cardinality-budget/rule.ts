import { and, countInGroup, defineRule, formatNumber, productText } from '../../src/engine/rule-api.js';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { Bound, Estimate, LabelUse, Location, MetricDef } from '../../src/types.js';

/** Active series cost 1–4 KB each at the backend (index + head chunk). */
export function memoryRange(series: number): string {
  const fmt = (kb: number): string =>
    kb >= 1024 * 1024
      ? `${(kb / 1024 / 1024).toFixed(1)} GB`
      : kb >= 1024
        ? `${(kb / 1024).toFixed(1)} MB`
        : `${kb} KB`;
  return `${fmt(series)}–${fmt(series * 4)}`;
}

/** The estimate with every assumed label bound (unknown, unused) counted as a single value. */
export function knownSeries(estimate: Estimate): number {
  // A cap the product hit is what the SDK keeps, whatever the labels behind it.
  const known = (l: Estimate['byLabel'][number], inGroup: boolean): number => {
    const count = inGroup ? countInGroup(l) : l.count;
    return l.kind === 'unknown' || l.kind === 'unused' || count === 'unbounded' ? 1 : count;
  };
  // Calls that set different groups of labels: the sum of each group's product.
  const product = (labels: readonly string[] | undefined): number =>
    estimate.byLabel
      .filter((l) => labels === undefined || labels.includes(l.label))
      .reduce((n, l) => n * known(l, labels !== undefined), 1);
  const sets = estimate.cap
    ? estimate.cap.limit
    : estimate.groups
      ? estimate.groups.reduce((n, group) => n + product(group), 0)
      : product(undefined);
  return sets * estimate.seriesPerChild * estimate.replicas;
}

/** Values one use of a label can take, as far as obslint knows (0: unknown or unbounded). */
function valuesAt(bound: Bound): number {
  return bound.kind === 'finite' ? bound.values.length : bound.kind === 'bounded' ? bound.count : 0;
}

/**
 * The largest factor of a bounded estimate and where it is written: the label use that brings the
 * most values (or the label's `labelNames` entry), or the buckets (percentiles) of a histogram
 * (summary), or of the View that replaced them. That is the line a change that grew the metric
 * touched; undefined when obslint sees no such place (default buckets, labels it cannot find).
 */
export function largestFactor(
  def: MetricDef,
  est: Estimate,
  uses: readonly LabelUse[],
): { text: string; loc: Location | undefined } {
  // Under a cardinality cap the labels multiply no further than the cap.
  const labels = est.cap
    ? []
    : est.byLabel.filter(
        (l): l is typeof l & { count: number } =>
          typeof l.count === 'number' && l.kind !== 'unknown' && l.kind !== 'unused',
      );
  const label = labels.reduce<(typeof labels)[number] | undefined>(
    (a, b) => (a && a.count >= b.count ? a : b),
    undefined,
  );
  const perChild = def.kind === 'histogram' || def.kind === 'summary' ? est.seriesPerChild : 1;
  if (!label || perChild > label.count) {
    if (perChild > 1)
      return {
        text: `the ${def.kind === 'summary' ? 'quantiles' : 'buckets'} (${perChild} series per label set): use fewer`,
        loc: est.rebucketedBy ?? def.childrenLoc,
      };
    return est.cap
      ? {
          text: `the View's cardinality limit (${formatNumber(est.cap.limit)} attribute sets)`,
          loc: undefined,
        }
      : { text: `\`defaults.replicas\` (${est.replicas})`, loc: undefined };
  }
  const candidates = uses.filter((u) => u.label === label.label);
  const widest = candidates.reduce<LabelUse | undefined>(
    (a, b) => (a && valuesAt(a.bound) >= valuesAt(b.bound) ? a : b),
    undefined,
  );
  const loc = widest && valuesAt(widest.bound) > 0 ? widest.loc : (def.labelLocs?.[label.label] ?? widest?.loc);
  return { text: `\`${label.label}\` (${formatNumber(label.count)} values): bound or drop it`, loc };
}

export default defineRule({
  id: 'cardinality-budget',
  meta: {
    description:
      'The estimated series count of a metric, a team (owner paths) or the whole project is over its budget.',
    defaultSeverity: 'error',
    scope: 'project',
    harmsWhenRecorded: true,
    messages: {
      metric:
        '`{{metric}}` is estimated at {{series}} series ({{product}}), over its budget of {{budget}} ({{memory}} at the backend{{alike}}): the largest factor is {{largest}}; or raise `metrics.{{metric}}.maxSeries` in obslint.yaml',
      owner:
        'metrics under `{{owner}}` are estimated at {{series}} series, over the team budget of {{budget}}; largest: `{{largest}}` ({{largestSeries}})',
      total:
        "the project's metrics are estimated at {{series}} series, over `total.maxSeries` of {{budget}}; largest: `{{largest}}` ({{largestSeries}})",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const bounded: { def: MetricDef; series: number }[] = [];
    // Metrics one call makes (a framework's request instruments, enabled by one option) over budget
    // by the same factor: one finding, at the first, naming the others.
    const over = new Map<string, { def: MetricDef; report: Parameters<typeof ctx.report>[0] }[]>();
    for (const def of ctx.catalog.metrics) {
      const est = ctx.estimate(def.id);
      // Unbounded metrics are reported by the rule that found the cause.
      if (est.series === 'unbounded') continue;
      // Bounds obslint assumed are unknown-label-bound's findings: budgets speak of what is known.
      const known = knownSeries(est);
      bounded.push({ def, series: known });
      const budget = ctx.config.metrics[def.name]?.maxSeries ?? ctx.config.defaults.maxSeriesPerMetric;
      if (known <= budget) continue;
      // On the line that grew the metric, which a pull request changed; the definition beside it.
      const largest = largestFactor(def, est, ctx.usesOf(def.id));
      const loc = largest.loc ?? def.loc;
      const key = [def.loc, loc].map((l) => `${l.file}:${l.line}:${l.column}`).join('\u0000');
      if (!over.has(key)) over.set(key, []);
      over.get(key)!.push({
        def,
        report: {
          messageId: 'metric',
          data: {
            metric: def.name,
            series: est.series,
            product: productText(est),
            budget,
            memory: memoryRange(est.series),
            largest: largest.text,
          },
          loc,
          metric: def.name,
          identityFile: def.loc.file,
          related: loc === def.loc ? [] : [{ loc: def.loc, message: `\`${def.name}\` is defined here` }],
        },
      });
    }
    for (const [first, ...others] of over.values()) {
      const names = others.map((o) => `\`${o.def.name}\``);
      const alike = names.length === 0 ? '' : `; so ${names.length === 1 ? 'is' : 'are'} ${and(names)}, made with it`;
      ctx.report({ ...first.report, data: { ...first.report.data, alike } });
    }
    const budgetLoc = (key: string, fallback: Location): Location => {
      const pos = ctx.config.positions[key];
      const file = ctx.config.file;
      if (!pos || !file) return fallback;
      return {
        file: ctx.config.fileDisplay ?? file,
        line: pos.line,
        column: pos.column,
        endLine: pos.line,
        endColumn: pos.column + 1,
      };
    };
    const overBudget = (
      members: typeof bounded,
      budget: number,
      messageId: 'owner' | 'total',
      key: string,
      owner?: string,
    ): void => {
      const sum = members.reduce((s, m) => s + m.series, 0);
      if (sum <= budget || members.length === 0) return;
      const largest = members.reduce((a, b) => (b.series > a.series ? b : a));
      ctx.report({
        messageId,
        data: { series: sum, budget, largest: largest.def.name, largestSeries: largest.series, owner: owner ?? '' },
        loc: budgetLoc(key, largest.def.loc),
        cause: key,
      });
    };
    // Owner paths are relative to the budget file's directory, like everything else in it.
    const configDir = ctx.config.fileDisplay ? posix.dirname(ctx.config.fileDisplay) : '.';
    ctx.config.owners.forEach((owner, i) => {
      const matches = picomatch(owner.paths);
      overBudget(
        bounded.filter((m) => matches(posix.relative(configDir, m.def.loc.file))),
        owner.maxSeries,
        'owner',
        `owners.${i}`,
        owner.name,
      );
    });
    if (ctx.config.totalMaxSeries !== undefined)
      overBudget(bounded, ctx.config.totalMaxSeries, 'total', 'total.maxSeries');
  },
});
