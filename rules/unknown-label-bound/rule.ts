import { defineRule } from '../../src/engine/define-rule.js';
import { DEFAULT_UNBOUNDED_NAMES } from '../unbounded-label/rule.js';

export default defineRule({
  id: 'unknown-label-bound',
  meta: {
    description: 'obslint cannot bound a label\'s values; the estimate assumes defaults.unknownLabelBound. Says how to bound it.',
    defaultSeverity: 'warn',
    scope: 'project',
    messages: {
      unknown: 'label `{{label}}` of `{{metric}}` cannot be bounded ({{reason}}); the estimate assumes {{assumed}} values: give the value a union type (`\'a\' | \'b\'`) or an enum, or set `metrics.{{metric}}.labels.{{label}}` in obslint.yaml',
      unused: 'no call site obslint can see sets label `{{label}}` of `{{metric}}`; the estimate assumes {{assumed}} values: set `metrics.{{metric}}.labels.{{label}}` in obslint.yaml if the metric is used where obslint cannot follow',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // The names unbounded-label reports (its `names` option replaces the defaults).
    const unboundedRule = ctx.config.rules['unbounded-label'];
    const unboundedNames = new Set(
      unboundedRule?.severity === 'off' ? [] : ((unboundedRule?.options.names as string[] | undefined) ?? DEFAULT_UNBOUNDED_NAMES).map((n) => n.toLowerCase()),
    );
    const mismatched = new Set(
      ctx.catalog.labelCalls
        .filter((c) => (c.form === 'positional' && c.labels.length !== ctx.metric(c.metricId).labelNames.length) || (c.form === 'object' && c.labels.some((l) => !ctx.metric(c.metricId).labelNames.includes(l))))
        .map((c) => c.metricId),
    );
    for (const def of ctx.catalog.metrics) {
      const est = ctx.estimate(def.id);
      for (const label of est.byLabel) {
        if (label.kind !== 'unknown' && label.kind !== 'unused') continue;
        // Reported by unbounded-label instead: one cause, one finding.
        if (unboundedNames.has(label.label.toLowerCase())) continue;
        // A label left unset by a call prom-client rejects is label-mismatch's finding.
        if (label.kind === 'unused' && mismatched.has(def.id)) continue;
        const firstUnknown = ctx.catalog.labelUses.find((u) => u.metricId === def.id && u.label === label.label && u.bound.kind === 'unknown');
        const reason = firstUnknown?.bound.kind === 'unknown' ? firstUnknown.bound.reason : label.reason;
        ctx.report({
          messageId: label.kind,
          data: { label: label.label, metric: def.name, reason, assumed: ctx.config.defaults.unknownLabelBound },
          loc: firstUnknown?.loc ?? def.loc,
          metric: def.name,
          label: label.label,
          flow: firstUnknown?.bound.kind === 'unknown' ? firstUnknown.bound.flow : undefined,
        });
      }
    }
  },
});
