import { defineRule } from '../../src/engine/rule-api.js';
import type { MetricDef } from '../../src/types.js';

/** prom-client's own checks (lib/validation.js): names outside these throw in the constructor. */
const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const VALID_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export default defineRule({
  id: 'metric-registration',
  meta: {
    description:
      'A prom-client metric that throws when it is created, so the module that defines it fails to load: its name registered twice in one registry, an invalid metric or label name, a reserved label (`le` on a histogram, `quantile` on a summary), or no help text; an OpenTelemetry instrument created again on the same meter with another kind, unit or description; and a get-or-create helper asked for a metric again with another kind, help text or label names (a copied name: the first one is handed back).',
    defaultSeverity: 'error',
    // Duplicates are found across files.
    scope: 'project',
    messages: {
      duplicate:
        '`{{metric}}` is registered again at {{others}}, in the same registry and loaded by the same process: prom-client throws `A metric with the name {{metric}} has already been registered.`; rename one, or define it once and import it',
      duplicateBuilt:
        '`{{metric}}` is built the same way at {{others}}, in the same registry and loaded by the same process: prom-client throws `A metric with the name … has already been registered.` unless the parts built at run time differ; rename one, or define it once and import it',
      duplicatePattern:
        '`{{metric}}` has the same constant parts as `{{otherName}}` at {{others}}, in the same registry and loaded by the same process: if the parts built at run time are equal, prom-client throws `A metric with the name … has already been registered.`',
      invalidName:
        '`{{metric}}` is not a valid Prometheus metric name (allowed: `[a-zA-Z_:][a-zA-Z0-9_:]*`): prom-client throws `Invalid metric name`',
      invalidLabel:
        'label `{{label}}` of `{{metric}}` is not a valid label name (allowed: `[a-zA-Z_][a-zA-Z0-9_]*`): prom-client throws `Invalid label name`',
      reservedLabel:
        'label `{{label}}` is reserved on a {{kind}} (`{{metric}}`): prom-client throws `{{label}} is a reserved label keyword`',
      noHelp: '`{{metric}}` has no help text: prom-client throws `Missing mandatory help parameter`',
      askedDifferently:
        '`{{metric}}` is asked for again here with another {{differs}} than at {{first}}: the get-or-create helper hands back the metric made there, so this {{differs}} is ignored and what is recorded here lands in `{{metric}}`; if it measures something else, give it its own name',
      askedWithOtherLabels:
        '`{{metric}}` is asked for again here with {{labels}} that the metric made at {{first}} does not have: the get-or-create helper hands back that metric, so prom-client throws `Added label … is not included in initial labelset` when this records; add the label where the metric is made, or give this one its own name',
      instrumentConflict:
        'instrument `{{metric}}` of meter `{{meter}}` is created again at {{others}} with another {{differs}}, loaded by the same process: the OpenTelemetry SDK warns of a duplicate instrument registration and exports both under one name; define it once and share it',
    },
  },
  defaultOptions: {},
  check(ctx) {
    const byLocation = new Map(
      ctx.catalog.metrics.map((d) => [`${d.nameLoc?.file ?? d.loc.file}:${(d.nameLoc ?? d.loc).line}`, d]),
    );
    for (const def of ctx.catalog.metrics) {
      if (def.library === 'opentelemetry' && def.registeredAlsoAt) {
        // The SDK returns the instrument already made for the same name and descriptor; another
        // kind, unit or description is a second stream of the same name.
        const conflicting = def.registeredAlsoAt.flatMap((o) => {
          const other = byLocation.get(`${o.loc.file}:${o.loc.line}`);
          const differs = other && descriptorDifference(def, other);
          return differs ? [{ loc: o.loc, differs }] : [];
        });
        if (conflicting.length > 0)
          ctx.report({
            loc: def.nameLoc ?? def.loc,
            metric: def.name,
            messageId: 'instrumentConflict',
            data: {
              metric: def.name,
              meter: def.meter ?? '',
              others: conflicting.map((c) => `${c.loc.file}:${c.loc.line}`).join(', '),
              differs: conflicting[0].differs,
            },
            related: conflicting.map((c) => ({ loc: c.loc, message: `\`${def.name}\` created here too` })),
            cause: 'duplicate',
            downgrade: true,
          });
      }
      // A get-or-create helper hands back the metric registered first, whatever a later call asks for.
      for (const other of def.alsoAtDiffers ?? []) {
        const first = `${(def.nameLoc ?? def.loc).file}:${(def.nameLoc ?? def.loc).line}`;
        const related = [{ loc: def.nameLoc ?? def.loc, message: `\`${def.name}\` registered here first` }];
        // A label the first metric lacks throws where it is recorded; another kind or help text only misleads.
        if (other.extra)
          ctx.report({
            loc: other.loc,
            metric: def.name,
            messageId: 'askedWithOtherLabels',
            data: {
              metric: def.name,
              first,
              labels: `label${other.extra.length > 1 ? 's' : ''} ${other.extra.map((l) => `\`${l}\``).join(', ')}`,
            },
            related,
            cause: 'askedDifferently',
          });
        else
          ctx.report({
            loc: other.loc,
            metric: def.name,
            messageId: 'askedDifferently',
            data: { metric: def.name, first, differs: other.differs },
            related,
            cause: 'askedDifferently',
            downgrade: true,
          });
      }
      if (def.library !== 'prom-client') continue;
      const at = (where: { name: string; loc: { file: string; line: number } }[]): string =>
        where.map((w) => `${w.loc.file}:${w.loc.line}`).join(', ');
      // On the line a change to the name or the label touches: GitHub shows an alert in a pull
      // request only when every line of its region changed, and a definition spans several.
      const base = { loc: def.nameLoc ?? def.loc, metric: def.name };
      const labelAt = (label: string) => ({ loc: def.labelLocs?.[label] ?? def.loc, metric: def.name });
      if (def.registeredAlsoAt) {
        const others = def.registeredAlsoAt;
        const pattern = def.nameIsDynamic;
        // Names built at run time may differ: certain only when the same expressions build them.
        const sameParts = others.every((o) => !o.uncertain);
        ctx.report({
          ...base,
          messageId: !pattern ? 'duplicate' : sameParts ? 'duplicateBuilt' : 'duplicatePattern',
          data: { metric: def.name, others: at(others), otherName: others[0].name },
          related: others.map((o) => ({ loc: o.loc, message: `\`${o.name}\` registered here too` })),
          cause: 'duplicate',
          downgrade: pattern && !sameParts,
        });
      }
      // A name passed through a project wrapper may be rewritten there (`key.replace(/\W/g, '_')`) in
      // ways obslint does not evaluate: only a name written at the library call is known to throw.
      if (!def.nameIsDynamic && !def.via && !VALID_NAME.test(def.name))
        ctx.report({ ...base, messageId: 'invalidName', data: { metric: def.name } });
      if (def.help === '') ctx.report({ ...base, loc: def.loc, messageId: 'noHelp', data: { metric: def.name } });
      for (const label of def.labelNames) {
        if (!VALID_LABEL.test(label))
          ctx.report({ ...labelAt(label), messageId: 'invalidLabel', data: { metric: def.name, label }, label });
        else if ((label === 'le' && def.kind === 'histogram') || (label === 'quantile' && def.kind === 'summary'))
          ctx.report({
            ...labelAt(label),
            messageId: 'reservedLabel',
            data: { metric: def.name, label, kind: def.kind },
            label,
          });
      }
    }
  },
});

/** The identifying field two instruments of one name differ in (OpenTelemetry's: kind, unit, description). */
function descriptorDifference(a: MetricDef, b: MetricDef): string | undefined {
  if (a.kind !== b.kind || a.instrument !== b.instrument) return 'kind';
  if ((a.unit ?? '') !== (b.unit ?? '')) return 'unit';
  if ((a.help ?? '') !== (b.help ?? '')) return 'description';
  return undefined;
}
