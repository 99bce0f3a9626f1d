import { defineRule, productText } from '../../src/engine/rule-api.js';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { Estimate, Location, MetricDef } from '../../src/types.js';

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
  const sets = estimate.cap
    ? estimate.cap.limit
    : estimate.byLabel.reduce(
        (n, l) => n * (l.kind === 'unknown' || l.kind === 'unused' || typeof l.count !== 'number' ? 1 : l.count),
        1,
      );
  return sets * estimate.seriesPerChild * estimate.replicas;
}

export default defineRule({
  id: 'cardinality-budget',
  meta: {
    description:
      'The estimated series count of a metric, a team (owner paths) or the whole project is over its budget.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      metric:
        '`{{metric}}` is estimated at {{series}} series ({{product}}), over its budget of {{budget}} ({{memory}} at the backend): bound or drop the largest label, or raise `metrics.{{metric}}.maxSeries` in obslint.yaml',
      owner:
        'metrics under `{{owner}}` are estimated at {{series}} series, over the team budget of {{budget}}; largest: `{{largest}}` ({{largestSeries}})',
      total:
        "the project's metrics are estimated at {{series}} series, over `total.maxSeries` of {{budget}}; largest: `{{largest}}` ({{largestSeries}})",
    },
  },
  defaultOptions: {},
  check(ctx) {
    const bounded: { def: MetricDef; series: number }[] = [];
    for (const def of ctx.catalog.metrics) {
      const est = ctx.estimate(def.id);
      // Unbounded metrics are reported by the rule that found the cause.
      if (est.series === 'unbounded') continue;
      // Bounds obslint assumed are unknown-label-bound's findings: budgets speak of what is known.
      const known = knownSeries(est);
      bounded.push({ def, series: known });
      const budget = ctx.config.metrics[def.name]?.maxSeries ?? ctx.config.defaults.maxSeriesPerMetric;
      if (known <= budget) continue;
      ctx.report({
        messageId: 'metric',
        data: {
          metric: def.name,
          series: est.series,
          product: productText(est),
          budget,
          memory: memoryRange(est.series),
        },
        loc: def.loc,
        metric: def.name,
      });
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
