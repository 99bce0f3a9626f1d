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
      'Labels used that the metric does not declare, or a positional label count that differs from the declaration: prom-client throws at run time. A declared label no call sets (always empty) is a warning.',
    defaultSeverity: 'error',
    scope: 'project',
    messages: {
      undeclared:
        '`{{metric}}` has no label `{{label}}` (declared: {{declared}}): prom-client throws `Added label "{{label}}" is not included in initial labelset`; add it to `labelNames` or drop it here',
      arity:
        '`{{metric}}.labels()` gets {{given}} value{{plural}} but the metric declares {{expected}} label{{expectedPlural}} ({{declared}}): prom-client throws "Invalid number of arguments"',
      neverSet:
        '{{labels}} of `{{metric}}` {{are}} declared but never set: {{calls}} leave{{s}} {{them}} empty, so every series has {{empty}} and the dimension {{they}} promise{{s2}} is not there; set {{them}} where the metric records, or drop {{them}} from `labelNames`',
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
    // A declared label no call sets (`published_images` declares `key`; its one `inc(1)` sets none).
    for (const def of ctx.catalog.metrics) {
      // Only where obslint followed the metric to its uses: here, or through the imports it parsed.
      const followed =
        def.trailLost === undefined || (!def.trailLost.readAt && def.trailLost.how.startsWith('exported'));
      if (def.library !== 'prom-client' || !def.labelNamesKnown || !followed) continue;
      // The calls that record on this metric alone (a helper's, shared with others, is not counted as its own).
      const calls = ctx.catalog.labelCalls.filter((c) => c.metricId === def.id && !c.shared);
      if (calls.length === 0) continue;
      const unset = ctx
        .estimate(def.id)
        .byLabel.filter((l) => l.kind === 'never-set')
        .map((l) => l.label);
      if (unset.length === 0) continue;
      const many = unset.length > 1;
      ctx.report({
        messageId: 'neverSet',
        data: {
          metric: def.name,
          labels: `label${many ? 's' : ''} ${unset.map((l) => `\`${l}\``).join(', ')}`,
          are: many ? 'are' : 'is',
          calls: calls.length === 1 ? 'its one call site' : `all ${calls.length} of its call sites`,
          s: calls.length === 1 ? 's' : '',
          them: many ? 'them' : 'it',
          they: many ? 'they' : 'it',
          s2: many ? '' : 's',
          empty: unset.map((l) => `\`${l}=""\``).join(', '),
        },
        loc: def.labelLocs?.[unset[0]] ?? def.loc,
        metric: def.name,
        label: unset[0],
        cause: 'neverSet',
        downgrade: true,
        related: calls
          .slice(0, 3)
          .map((c) => ({ loc: c.loc, message: `\`${def.name}\` recorded here without ${many ? 'them' : 'it'}` })),
      });
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
