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
    const unboundedNames = new Set(DEFAULT_UNBOUNDED_NAMES);
    const unboundedRule = ctx.config.rules['unbounded-label'];
    if (unboundedRule?.severity !== 'off') {
      for (const name of (unboundedRule?.options.names as string[] | undefined) ?? []) unboundedNames.add(name.toLowerCase());
    }
    for (const def of ctx.catalog.metrics) {
      const est = ctx.estimate(def.id);
      for (const label of est.byLabel) {
        if (label.kind !== 'unknown' && label.kind !== 'unused') continue;
        // Reported by unbounded-label instead: one cause, one finding.
        if (unboundedRule?.severity !== 'off' && unboundedNames.has(label.label.toLowerCase())) continue;
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
