import { defineRule } from '../../src/engine/rule-api.js';

export default defineRule({
  id: 'summary-quantiles',
  meta: {
    description:
      'A Summary computes quantiles inside each process; they cannot be aggregated across instances and cost quantiles + 2 series per label set.',
    defaultSeverity: 'warn',
    scope: 'file',
    messages: {
      quantiles:
        'summary `{{metric}}` computes {{quantiles}} per process: a p99 cannot be averaged or summed across instances; use a Histogram and `histogram_quantile()`, or set `percentiles: []` if you only need `_sum` and `_count`',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const def of ctx.catalog.metrics) {
      if (def.kind !== 'summary' || def.quantiles === 0) continue;
      ctx.report({
        messageId: 'quantiles',
        data: {
          metric: def.name,
          quantiles:
            def.quantiles === undefined
              ? 'quantiles (how many obslint cannot read)'
              : `${def.quantiles} quantile${def.quantiles === 1 ? '' : 's'}`,
        },
        loc: def.loc,
        metric: def.name,
      });
    }
  },
});
