import {
  compareLocations,
  DEFAULT_UNBOUNDED_NAMES,
  labelNameKey,
  defineRule,
  escapeRegExp,
  formatNumber,
  groupBy,
  isRejected,
  labelWord,
  placeOf,
  and,
} from '../../src/engine/rule-api.js';
import type { FlowStep, Location, MetricDef } from '../../src/types.js';

export default defineRule({
  id: 'unknown-label-bound',
  meta: {
    description:
      "obslint cannot bound a label's values and, with defaults.unknownLabelBound assumed, the metric is over its budget; a metric whose uses it cannot see is a note unless over budget. Says how to bound it.",
    defaultSeverity: 'warn',
    scope: 'project',
    harmsWhenRecorded: true,
    messages: {
      unknown:
        "{{word}} `{{label}}` of `{{metric}}` cannot be bounded ({{reason}}); the estimate assumes {{assumed}} values{{budget}}: give the value a union type (`'a' | 'b'`) or an enum, or set `metrics.{{metric}}.labels.{{label}}` in obslint.yaml",
      unknownShared:
        "{{word}} `{{label}}` of `{{metric}}` and {{others}} more metric{{plural}} {{where}} cannot be bounded ({{reason}}); the estimates assume {{assumed}} values{{budget}}: give the value a union type (`'a' | 'b'`) or an enum, or set `labels.{{label}}` in obslint.yaml",
      unknownMany:
        "{{word}}s {{labels}} of `{{metric}}` cannot be bounded; the estimate assumes {{assumed}} combinations of their values{{budget}}: give the values union types (`'a' | 'b'`) or enums, or set them under `metrics.{{metric}}.labels` in obslint.yaml",
      unknownManyShared:
        "{{word}}s {{labels}} of `{{metric}}` and {{others}} more metric{{plural}} {{where}} cannot be bounded; the estimates assume {{assumed}} combinations of their values{{budget}}: give the values union types (`'a' | 'b'`) or enums, or set them under `labels` in obslint.yaml",
      unset:
        'no call site obslint can see sets {{word}} `{{label}}` of `{{metric}}`; the estimate assumes {{assumed}} values: set `metrics.{{metric}}.labels.{{label}}` in obslint.yaml if it is set where obslint cannot follow',
      unused:
        'nothing in the project uses `{{metric}}`, so its label{{plural}} {{labels}} cannot be bounded; the estimate assumes {{assumed}}{{each}}: remove the metric if it is dead, or set `metrics.{{metric}}.labels` in obslint.yaml if it is used where obslint cannot follow',
      unusedHere:
        "nothing in {{package}} uses `{{metric}}` (the one {{users}} {{use}} is {{their}} own, another process's), so its label{{plural}} {{labels}} cannot be bounded; the estimate assumes {{assumed}}{{each}}: remove the metric if it is dead, or set `metrics.{{metric}}.labels` in obslint.yaml if it is used where obslint cannot follow",
      unmatched:
        "obslint cannot tell which uses are `{{metric}}`'s: it is {{how}} ({{storedAt}}), and the lookups there ({{readAt}}) use keys obslint cannot match to that name, so its label{{plural}} {{labels}} cannot be bounded and the estimate assumes {{assumed}}{{each}}: look it up by its name as a constant (or a parameter its callers pass constants to), or set `metrics.{{metric}}.labels` in obslint.yaml",
      untraced:
        'obslint sees no use of `{{metric}}`: it stops following it where it is {{how}} (line {{line}}), so its label{{plural}} {{labels}} cannot be bounded and the estimate assumes {{assumed}}{{each}}: give what receives it a type obslint can follow, declare the wrapper that uses it under `wrappers:` in obslint.yaml, or set `metrics.{{metric}}.labels` there',
      unusedShared:
        'nothing in the project uses `{{metric}}` or {{others}} more metric{{plural}} defined in this file, so their labels cannot be bounded; the estimates assume {{assumed}} combinations of label values per metric: remove the metrics that are dead, or set `metrics.<name>.labels` in obslint.yaml for those used where obslint cannot follow',
      unusedHereShared:
        "nothing in {{package}} uses `{{metric}}` or {{others}} more metric{{plural}} defined in this file (those of the same names {{users}} {{use}} are {{their}} own, another process's), so their labels cannot be bounded; the estimates assume {{assumed}} combinations of label values per metric: remove the metrics that are dead, or set `metrics.<name>.labels` in obslint.yaml for those used where obslint cannot follow",
      unmatchedShared:
        "obslint cannot tell which uses are `{{metric}}`'s or those of {{others}} more metric{{plural}}: they are {{how}} ({{storedAt}}), and the lookups there ({{readAt}}) use keys obslint cannot match to their names, so their labels cannot be bounded and the estimates assume {{assumed}} combinations of label values per metric: look them up by their names as constants (or parameters their callers pass constants to), or set `metrics.<name>.labels` in obslint.yaml",
      untracedAttributes:
        'obslint sees no use of `{{metric}}`: it stops following it where it is {{how}} (line {{line}}), so the attributes it is recorded with are not in its estimate: give what receives it a type obslint can follow, declare the wrapper that records it under `wrappers:` in obslint.yaml, or set `metrics.{{metric}}.labels` there',
      untracedAttributesShared:
        'obslint sees no use of `{{metric}}` or {{others}} more instrument{{plural}}: it stops following them where they are {{how}} (line {{line}}), so the attributes they are recorded with are not in their estimates: give what receives them a type obslint can follow, declare the wrapper that records them under `wrappers:` in obslint.yaml, or set `metrics.<name>.labels` there',
      untracedShared:
        'obslint sees no use of `{{metric}}` or {{others}} more metric{{plural}}: it stops following them where they are {{how}} (line {{line}}), so their labels cannot be bounded and the estimates assume {{assumed}} combinations of label values per metric: give what receives them a type obslint can follow, declare the wrapper that uses them under `wrappers:` in obslint.yaml, or set `metrics.<name>.labels` there',
    },
  },
  defaultOptions: { report: 'over-budget' },
  check(ctx) {
    // A value obslint cannot bound matters when the assumption decides the verdict: under budget
    // with the assumed values, the estimate is an estimate, visible in `obslint explain`.
    const budgetOf = (def: MetricDef): number =>
      ctx.config.metrics[def.name]?.maxSeries ?? ctx.config.defaults.maxSeriesPerMetric;
    const overBudget = (def: MetricDef): number | undefined => {
      const { series } = ctx.estimate(def.id);
      return typeof series === 'number' && series > budgetOf(def) ? series : undefined;
    };
    const reportsValue = (def: MetricDef): boolean => ctx.options.report === 'always' || overBudget(def) !== undefined;
    // The names unbounded-label reports (its `names` option replaces the defaults).
    const unboundedRule = ctx.config.rules['unbounded-label'];
    const unboundedNames = new Set(
      unboundedRule?.severity === 'off'
        ? []
        : ((unboundedRule?.options.names as string[] | undefined) ?? DEFAULT_UNBOUNDED_NAMES).map(labelNameKey),
    );
    // Metrics whose every call is rejected by prom-client: their empty labels are label-mismatch's finding.
    const accepted = new Set(
      ctx.catalog.labelCalls.filter((c) => !isRejected(ctx.metric(c.metricId), c)).map((c) => c.metricId),
    );
    const mismatched = new Set(ctx.catalog.labelCalls.map((c) => c.metricId).filter((id) => !accepted.has(id)));
    const misplacedValues = new Set(
      ctx.catalog.labelCalls.flatMap((c) => (c.misplaced ?? []).map((m) => placeOf(m.loc))),
    );
    const lost: {
      key: string;
      def: MetricDef;
      messageId: 'unmatched' | 'untraced' | 'untracedAttributes' | 'unused' | 'unusedHere';
      data: Record<string, string | number>;
    }[] = [];
    const causes = new Map<
      string,
      {
        uses: { def: MetricDef; loc: Location }[];
        label: string;
        reason: string;
        flow: FlowStep[] | undefined;
      }
    >();
    // A factory's metrics made again by a one-off script (or another process) are used where the app makes them.
    // A name built at run time is the same metric where the same creation in the factory builds it.
    // Copies of one metric are in one workspace package: another package's service is another process.
    const twinKey = (d: MetricDef): string =>
      [
        d.package ?? '',
        d.library,
        d.kind,
        d.name,
        d.nameIsDynamic ? placeOf(d.via?.loc ?? d.nameLoc ?? d.loc) : '',
      ].join('\u0000');
    const usedDefs = ctx.catalog.metrics.filter((d) => ctx.callsOf(d.id).length > 0);
    const usedCopies = new Set(usedDefs.map(twinKey));
    // The packages that use a metric of a name: a dead copy in another package is that package's.
    const usersOfName = new Map<string, Set<string>>();
    for (const d of usedDefs) {
      const users = usersOfName.get(d.name) ?? new Set<string>();
      users.add(d.package ?? '.');
      usersOfName.set(d.name, users);
    }
    const packageName = (pkg: string): string =>
      pkg === '.' ? 'the root package' : `package \`${ctx.catalog.tracing[pkg]?.name ?? pkg}\``;
    for (const def of ctx.catalog.metrics) {
      const est = ctx.estimate(def.id);
      const used = ctx.callsOf(def.id).length > 0;
      // unbounded-label reports those names, on metrics something uses.
      const reported = (label: string): boolean => used && unboundedNames.has(labelNameKey(label));
      const unusedLabels = est.byLabel.filter((l) => l.kind === 'unused' && !reported(l.label)).map((l) => l.label);
      // A metric with no visible use is one finding, not one per label; a metric whose only calls
      // are rejected by prom-client is label-mismatch's finding.
      if (used && !mismatched.has(def.id)) {
        for (const label of unusedLabels) {
          ctx.report({
            messageId: 'unset',
            data: { word: labelWord(def), label, metric: def.name, assumed: ctx.config.defaults.unknownLabelBound },
            loc: def.loc,
            metric: def.name,
            label,
          });
        }
      } else if (
        // An instrument declares no attributes: where obslint lost it, the ones it is recorded with are unknown.
        def.library === 'opentelemetry' &&
        def.trailLost !== undefined &&
        def.trailLost.readAt === undefined &&
        est.byLabel.length === 0 &&
        !usedCopies.has(twinKey(def))
      ) {
        lost.push({
          // A wrapper's instruments, wherever it is called, are one cause: the wrapper to declare.
          key: def.via
            ? `untracedAttributes\u0000${def.trailLost.how}`
            : `untracedAttributes\u0000${lostPlace(def.trailLost)}`,
          def,
          messageId: 'untracedAttributes',
          data: { metric: def.name, how: def.trailLost.how, line: def.trailLost.loc.line },
        });
      } else if (
        unusedLabels.length > 0 &&
        !mismatched.has(def.id) &&
        // A used definition of the same static name in the same package is this metric's use (a
        // provider registered twice, a script's copy of a factory's metric): the exporter serves one
        // metric per name.
        (!usedCopies.has(twinKey(def)) || (def.trailLost !== undefined && def.nameIsDynamic))
      ) {
        // "Nothing uses it" only where obslint followed the metric everywhere it can go.
        const elsewhere = [...(usersOfName.get(def.name) ?? [])].filter((pkg) => pkg !== (def.package ?? '.')).sort();
        const messageId = def.trailLost?.readAt
          ? 'unmatched'
          : def.trailLost
            ? 'untraced'
            : elsewhere.length > 0 && !def.nameIsDynamic
              ? 'unusedHere'
              : 'unused';
        // One way obslint lost the trail in one file (a registry, a class of public fields, a dead
        // metrics module) is one finding.
        const place = def.trailLost ? lostPlace(def.trailLost) : def.loc.file;
        lost.push({
          key: `${messageId}\u0000${place}`,
          def,
          messageId,
          data: {
            metric: def.name,
            labels: unusedLabels.map((l) => `\`${l}\``).join(', '),
            plural: unusedLabels.length === 1 ? '' : 's',
            each: unusedLabels.length === 1 ? ' values' : ' combinations of their values',
            assumed: ctx.config.defaults.unknownLabelBound,
            how: def.trailLost?.how ?? '',
            line: def.trailLost?.loc.line ?? def.loc.line,
            storedAt: def.trailLost ? where(def.trailLost.loc, def.loc) : '',
            readAt: def.trailLost?.readAt ? where(def.trailLost.readAt, def.loc) : '',
            package: packageName(def.package ?? '.'),
            users: elsewhere.map(packageName).join(' and '),
            use: elsewhere.length === 1 ? 'uses' : 'use',
            their: elsewhere.length === 1 ? 'its' : 'their',
          },
        });
      }
      for (const label of est.byLabel) {
        if (label.kind !== 'unknown' || reported(label.label) || !reportsValue(def)) continue;
        const unknowns = ctx.usesOf(def.id).filter((u) => u.label === label.label && u.bound.kind === 'unknown');
        // A value passed in another label's place is label-mismatch's finding, not a bound to ask for.
        if (unknowns.length > 0 && unknowns.every((u) => misplacedValues.has(placeOf(u.loc)))) continue;
        const firstUnknown = unknowns.find((u) => !misplacedValues.has(placeOf(u.loc)));
        const reason = firstUnknown?.bound.kind === 'unknown' ? firstUnknown.bound.reason : label.reason;
        const loc = firstUnknown?.loc ?? def.loc;
        // One cause, one finding: a value in one file (a helper that sets the same label for many
        // metrics, one variable feeding several) is one place to fix.
        const key = `${loc.file}\u0000${label.label}\u0000${reason}`;
        const cause = causes.get(key);
        if (cause) cause.uses.push({ def, loc });
        else
          causes.set(key, {
            uses: [{ def, loc }],
            label: label.label,
            reason,
            flow: firstUnknown?.bound.kind === 'unknown' ? firstUnknown.bound.flow : undefined,
          });
      }
    }
    // Copies of one dead metric (the app's and each script's call of its factory) are one finding, at the first.
    const firstCopies = new Map<string, Location>();
    for (const l of lost) {
      if (l.messageId !== 'unused' && l.messageId !== 'unusedHere') continue;
      const seen = firstCopies.get(twinKey(l.def));
      if (!seen || compareLocations(l.def.loc, seen) < 0) firstCopies.set(twinKey(l.def), l.def.loc);
    }
    const reportedLost = lost.filter(
      (l) =>
        (l.messageId !== 'unused' && l.messageId !== 'unusedHere') || firstCopies.get(twinKey(l.def)) === l.def.loc,
    );
    for (const group of groupBy(reportedLost, (l) => l.key).values()) {
      const [first, ...rest] = [...group].sort((a, b) => compareLocations(a.def.loc, b.def.loc));
      // Within budget even with the assumed values, a metric obslint sees no use of says where the
      // analysis stopped, not that anything is wrong: a note, unless every assumption is to be reported.
      const note = first.messageId === 'untracedAttributes' || !group.some((l) => reportsValue(l.def));
      if (rest.length === 0) {
        ctx.report({
          messageId: first.messageId,
          data: first.data,
          loc: first.def.loc,
          metric: first.def.name,
          ...(note ? { note } : {}),
        });
        continue;
      }
      const places = new Set(group.map((l) => l.data.line)).size;
      ctx.report({
        messageId: `${first.messageId}Shared`,
        data: {
          ...first.data,
          others: rest.length,
          plural: rest.length === 1 ? '' : 's',
          line: `${first.data.line}${places > 1 ? ` and ${places - 1} more like it` : ''}`,
        },
        loc: first.def.loc,
        metric: first.def.name,
        related: rest.slice(0, 20).map((l) => ({ loc: l.def.loc, message: `\`${l.def.name}\`` })),
        ...(note ? { note } : {}),
      });
    }
    // The labels of one metric (or of the same metrics) that one file cannot bound are one finding:
    // one estimate over budget, one place to read, each label with its reason.
    const firstUse = (c: { uses: { loc: Location }[] }): Location =>
      [...c.uses].sort((a, b) => compareLocations(a.loc, b.loc))[0].loc;
    const byMetrics = groupBy(
      [...causes.values()],
      (c) => `${firstUse(c).file}\u0000${[...new Set(c.uses.map((u) => u.def.id))].sort().join('\u0000')}`,
    );
    // One call that sets the labels of several metrics (`gauge.set(message.labels, v)` for every
    // metric a message names) is one place to fix, whichever labels each metric has.
    const byCall = groupBy([...byMetrics.values()], (group) => placeOf(group.map(firstUse).sort(compareLocations)[0]));
    for (const group of [...byCall.values()].map((groups) => groups.flat())) {
      const labels = group
        .map((c) => ({ ...c, uses: [...c.uses].sort((a, b) => compareLocations(a.loc, b.loc)) }))
        .sort((a, b) => compareLocations(a.uses[0].loc, b.uses[0].loc) || (a.label < b.label ? -1 : 1));
      const { label, reason, flow } = labels[0];
      // Each metric once, at its first use.
      const [first, ...rest] = [
        ...groupBy(
          labels.flatMap((l) => l.uses).sort((a, b) => compareLocations(a.loc, b.loc)),
          (u) => u.def.id,
        ).values(),
      ].map((uses) => uses[0]);
      const series = overBudget(first.def);
      const data = {
        word: labelWord(first.def),
        label,
        labels: labelsWithReasons(labels),
        metric: first.def.name,
        reason,
        assumed: ctx.config.defaults.unknownLabelBound,
        budget:
          series === undefined
            ? ''
            : `, which puts \`${first.def.name}\` at ${formatNumber(series)} series, over its budget of ${formatNumber(budgetOf(first.def))}`,
      };
      const { loc } = first;
      const many = labels.length > 1;
      const otherLabels = labels
        .slice(1)
        .map((l) => ({ loc: l.uses[0].loc, message: `\`${l.label}\`` }))
        .filter((r) => compareLocations(r.loc, loc) !== 0);
      if (rest.length === 0) {
        ctx.report({
          messageId: many ? 'unknownMany' : 'unknown',
          data,
          loc,
          metric: first.def.name,
          label,
          flow,
          related: otherLabels,
        });
        continue;
      }
      const elsewhere = rest.filter((u) => compareLocations(u.loc, loc) !== 0);
      ctx.report({
        messageId: many ? 'unknownManyShared' : 'unknownShared',
        data: {
          ...data,
          others: rest.length,
          plural: rest.length === 1 ? '' : 's',
          where: elsewhere.length === 0 ? 'set here' : `set from the same value${many ? 's' : ''} in this file`,
        },
        loc,
        metric: first.def.name,
        label,
        flow,
        related: [...otherLabels, ...elsewhere.slice(0, 20).map((u) => ({ loc: u.loc, message: `\`${u.def.name}\`` }))],
      });
    }
  },
});

/**
 * `` `a` (why a), `b` (why b) ``; where every reason is the same but for the label's own name
 * (`message.labels.a`, `message.labels.b`), `` `a` and `b` (`message.labels.*` …) ``.
 */
function labelsWithReasons(labels: readonly { label: string; reason: string }[]): string {
  const named = (label: string): RegExp => new RegExp(`(?<![\\w$])${escapeRegExp(label)}(?![\\w$])`, 'g');
  const patterns = new Set(labels.map((l) => l.reason.replace(named(l.label), '*')));
  const [pattern] = patterns;
  return labels.length > 1 && patterns.size === 1 && pattern.includes('*')
    ? `${and(labels.map((l) => `\`${l.label}\``))} (${pattern})`
    : and(labels.map((l) => `\`${l.label}\` (${l.reason})`));
}

/** `line 12` in the definition's file, `src/metrics.ts line 12` elsewhere. */
function where(loc: Location, from: Location): string {
  return loc.file === from.file ? `line ${loc.line}` : `${loc.file} line ${loc.line}`;
}

/** One way obslint lost metrics' trail in one file, whatever each was called there (`the public field \`x\``). */
function lostPlace(trail: NonNullable<MetricDef['trailLost']>): string {
  return `${trail.loc.file}\u0000${trail.how.replace(/`[^`]*`/g, '``')}`;
}
