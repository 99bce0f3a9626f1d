import { compareLocations, defineRule, groupBy, placeOf, type RuleContext } from '../../src/engine/rule-api.js';
import type { Location, MetricDef } from '../../src/types.js';

export default defineRule({
  id: 'summary-quantiles',
  meta: {
    description:
      'A Summary computes quantiles inside each process; they cannot be aggregated across instances and cost quantiles + 2 series per label set.',
    defaultSeverity: 'warn',
    scope: 'file',
    harmsWhenRecorded: true,
    messages: {
      quantiles:
        'summary `{{metric}}` computes {{quantiles}} per process: a p99 cannot be averaged or summed across instances; use a Histogram and `histogram_quantile()`, or set `percentiles: []` if you only need `_sum` and `_count`',
      lifetime:
        'summary `{{metric}}` computes {{quantiles}} over the whole life of the process (no `maxAgeSeconds`): hours in, a p99 barely moves when latency does, and it cannot be averaged or summed across instances; use a Histogram and `histogram_quantile()`, or at least a `maxAgeSeconds` window',
      quantilesShared:
        '`{{wrapper}}` creates summaries (`{{metric}}` and {{more}} more) that compute {{quantiles}} per process: a p99 cannot be averaged or summed across instances; make it create Histograms (`histogram_quantile()`), or set `percentiles: []` if you only need `_sum` and `_count`',
    },
    // A summary over a sliding window is a design choice; one over the process's whole life is broken.
    conventions: ['quantiles', 'quantilesShared'],
  },
  defaultOptions: {},
  check(ctx) {
    const summaries = ctx.catalog.metrics.filter((d) => d.kind === 'summary' && d.quantiles !== 0);
    for (const def of summaries) if (!def.via) report(ctx, def, [], def.loc);
    // Summaries a wrapper creates share its options: one finding where they are set, not one per call site.
    const byWrapper = groupBy(summaries, (def) => (def.via ? placeOf(def.via.loc) : undefined));
    for (const group of byWrapper.values()) {
      if (group.length === 1) report(ctx, group[0], [], group[0].loc);
      else {
        const [first, ...rest] = [...group].sort((a, b) => compareLocations(a.loc, b.loc));
        report(ctx, first, rest, first.via!.loc);
      }
    }
  },
});

type Context = RuleContext<Record<string, never>, 'quantiles' | 'lifetime' | 'quantilesShared'>;

function report(ctx: Context, def: MetricDef, others: MetricDef[], loc: Location): void {
  const quantiles =
    def.quantiles === undefined
      ? 'quantiles (how many obslint cannot read)'
      : `${def.quantiles} quantile${def.quantiles === 1 ? '' : 's'}`;
  ctx.report({
    messageId: others.length > 0 ? 'quantilesShared' : def.quantileWindow === 'lifetime' ? 'lifetime' : 'quantiles',
    data: { metric: def.name, quantiles, more: others.length, wrapper: def.via?.wrapper ?? '' },
    loc,
    metric: def.name,
    related:
      others.length > 0
        ? [def, ...others].slice(0, 20).map((d) => ({ loc: d.loc, message: `\`${d.name}\`` }))
        : undefined,
  });
}
