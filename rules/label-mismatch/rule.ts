import {
  compareStrings,
  defineRule,
  isPositionalMismatch,
  placeOf,
  undeclaredLabels,
} from '../../src/engine/rule-api.js';
import type { LabelCall } from '../../src/types.js';

type Misplaced = NonNullable<LabelCall['misplaced']>[number];

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
      misplaced:
        '{{landings}} of `{{metric}}`{{more}}: positional values follow `labelNames` ({{declared}}), so labels hold the values meant for others; pass them in that order, or pass an object',
    },
  },
  defaultOptions: {},
  check(ctx) {
    // One array of values handed to several metrics (a helper's callers) is one mistake, where it is written.
    const misplaced = new Map<string, { call: LabelCall; values: Misplaced[]; metrics: Set<string> }>();
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
      const values = call.misplaced ?? [];
      if (values.length > 0) {
        const key = `${placeOf(values[0].loc)}:${values[0].loc.column}`;
        const seen = misplaced.get(key);
        if (seen) seen.metrics.add(def.name);
        else misplaced.set(key, { call, values, metrics: new Set([def.name]) });
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
    for (const { call, values, metrics } of misplaced.values()) {
      const [first, ...others] = [...metrics].sort(compareStrings);
      ctx.report({
        messageId: 'misplaced',
        data: {
          metric: first,
          more: others.length > 0 ? ` (and ${others.length} more metric${others.length === 1 ? '' : 's'})` : '',
          landings: values.map((v) => `\`${v.value}\` lands on label \`${v.at}\``).join(', '),
          declared: ctx.metric(call.metricId).labelNames.join(', '),
        },
        loc: values[0].loc,
        metric: first,
        label: values[0].at,
        cause: `misplaced:${values.map((v) => v.names).join(',')}`,
        ...(placeOf(call.loc) !== placeOf(values[0].loc)
          ? { related: [{ loc: call.loc, message: '`labels()` takes the values here' }] }
          : {}),
      });
    }
  },
});
