import { defineRule, isPositionalMismatch, undeclaredLabels } from '../../src/engine/rule-api.js';

export default defineRule({
  id: 'label-mismatch',
  meta: {
    description:
      'Labels used that the metric does not declare, or a positional label count that differs from the declaration: prom-client throws at run time.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      undeclared:
        '`{{metric}}` has no label `{{label}}` (declared: {{declared}}): prom-client throws `Added label "{{label}}" is not included in initial labelset`; add it to `labelNames` or drop it here',
      arity:
        '`{{metric}}.labels()` gets {{given}} value{{plural}} but the metric declares {{expected}} label{{expectedPlural}} ({{declared}}): prom-client throws "Invalid number of arguments"',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const call of ctx.catalog.labelCalls) {
      // A helper that sets labels on whichever metric it is handed: its callers pair metrics and
      // labels, which obslint does not track, so a mismatch here may be a pairing that never happens.
      if (call.shared) continue;
      const def = ctx.metric(call.metricId);
      const declared = def.labelNames.length > 0 ? def.labelNames.join(', ') : 'none';
      for (const label of undeclaredLabels(def, call)) {
        ctx.report({
          messageId: 'undeclared',
          data: { metric: def.name, label, declared },
          loc: call.loc,
          metric: def.name,
          label,
          cause: `undeclared:${call.method}`,
        });
      }
      if (isPositionalMismatch(def, call)) {
        ctx.report({
          messageId: 'arity',
          data: {
            metric: def.name,
            given: call.labels.length,
            plural: call.labels.length === 1 ? '' : 's',
            expected: def.labelNames.length,
            expectedPlural: def.labelNames.length === 1 ? '' : 's',
            declared,
          },
          loc: call.loc,
          metric: def.name,
          cause: `arity:${call.labels.length}`,
        });
      }
    }
  },
});
