import type { BreakingChange, MetricDiff, MetricSide, RunDiff, RunResult, SeriesTotal } from '../types.js';
import { compareStrings } from '../util/paths.js';

const BUDGET_RULE = 'cardinality-budget';

/** Each metric of a run by name: definitions that share a name (two services, two wrappers) are summed. */
export function metricsByName(result: RunResult): Map<string, MetricSide> {
  const estimates = new Map(result.estimates.map((e) => [e.metricId, e]));
  const overBudget = new Set(
    result.findings
      .filter((f) => f.ruleId === BUDGET_RULE && f.messageId === 'metric' && f.metric)
      .map((f) => f.metric),
  );
  const defs = [...result.catalog.metrics].sort(
    (a, b) => compareStrings(a.loc.file, b.loc.file) || a.loc.line - b.loc.line || a.loc.column - b.loc.column,
  );
  const out = new Map<string, MetricSide>();
  for (const def of defs) {
    const estimate = estimates.get(def.id);
    const series = estimate ? estimate.series : 0;
    const labels = def.labelNames;
    const side = out.get(def.name);
    if (!side) {
      out.set(def.name, {
        kind: def.kind,
        library: def.library,
        labels: [...new Set(labels)].sort(compareStrings),
        labelsKnown: def.labelNamesKnown,
        series,
        overBudget: overBudget.has(def.name),
        loc: def.loc,
      });
      continue;
    }
    side.labels = [...new Set([...side.labels, ...labels])].sort(compareStrings);
    side.labelsKnown &&= def.labelNamesKnown;
    side.series = side.series === 'unbounded' || series === 'unbounded' ? 'unbounded' : side.series + series;
  }
  return out;
}

/** The run's bounded series, and how many metrics are unbounded or over budget. */
export function seriesTotal(result: RunResult): SeriesTotal {
  const metrics = [...metricsByName(result).values()];
  return {
    series: metrics.reduce((sum, m) => sum + (m.series === 'unbounded' ? 0 : m.series), 0),
    metrics: metrics.length,
    unbounded: metrics.filter((m) => m.series === 'unbounded').length,
    overBudget: metrics.filter((m) => m.overBudget).length,
    totalOverBudget: result.findings.some((f) => f.ruleId === BUDGET_RULE && f.messageId === 'total'),
  };
}

/**
 * What changed between two runs, metric by metric, and which changes break the queries that use a
 * metric: a metric or label removed or renamed, a kind changed. A metric removed and another added
 * in the same file with the same kind and label names is taken to be a rename.
 */
export function compareRuns(base: RunResult, head: RunResult, revision: { ref: string; commit: string }): RunDiff {
  const before = metricsByName(base);
  const after = metricsByName(head);
  const metrics: MetricDiff[] = [];
  const breaking: BreakingChange[] = [];
  let unchanged = 0;

  const removed = [...before.keys()].filter((n) => !after.has(n)).sort(compareStrings);
  const added = new Set([...after.keys()].filter((n) => !before.has(n)));
  for (const name of removed) {
    const old = before.get(name)!;
    const renamedTo = [...added].sort(compareStrings).find((n) => {
      const candidate = after.get(n)!;
      return (
        old.labelsKnown &&
        candidate.labelsKnown &&
        candidate.kind === old.kind &&
        candidate.loc.file === old.loc.file &&
        candidate.labels.join('\0') === old.labels.join('\0')
      );
    });
    if (renamedTo) {
      added.delete(renamedTo);
      const now = after.get(renamedTo)!;
      metrics.push({
        metric: renamedTo,
        change: 'renamed',
        before: old,
        after: now,
        renamedFrom: name,
        labelsAdded: [],
        labelsRemoved: [],
        delta: delta(old.series, now.series),
      });
      breaking.push({
        kind: 'metric-renamed',
        metric: name,
        to: renamedTo,
        message: `\`${name}\` is renamed to \`${renamedTo}\`: dashboards, alerts and recording rules that query \`${name}\` will find no data`,
        loc: old.loc,
      });
      continue;
    }
    metrics.push({
      metric: name,
      change: 'removed',
      before: old,
      labelsAdded: [],
      labelsRemoved: old.labels,
      delta: delta(old.series, 0),
    });
    breaking.push({
      kind: 'metric-removed',
      metric: name,
      message: `\`${name}\` is removed: dashboards, alerts and recording rules that query it will find no data`,
      loc: old.loc,
    });
  }
  for (const name of added) {
    const now = after.get(name)!;
    metrics.push({
      metric: name,
      change: 'added',
      after: now,
      labelsAdded: now.labels,
      labelsRemoved: [],
      delta: delta(0, now.series),
    });
  }
  for (const [name, now] of after) {
    const old = before.get(name);
    if (!old) continue;
    const comparable = old.labelsKnown && now.labelsKnown;
    const labelsAdded = comparable ? now.labels.filter((l) => !old.labels.includes(l)) : [];
    const labelsRemoved = comparable ? old.labels.filter((l) => !now.labels.includes(l)) : [];
    const same =
      old.kind === now.kind &&
      old.series === now.series &&
      old.overBudget === now.overBudget &&
      labelsAdded.length === 0 &&
      labelsRemoved.length === 0;
    if (same) {
      unchanged++;
      continue;
    }
    metrics.push({
      metric: name,
      change: 'changed',
      before: old,
      after: now,
      labelsAdded,
      labelsRemoved,
      delta: delta(old.series, now.series),
    });
    for (const label of labelsRemoved)
      breaking.push({
        kind: 'label-removed',
        metric: name,
        label,
        message: `label \`${label}\` of \`${name}\` is removed: queries that select or aggregate by it break`,
        loc: old.loc,
      });
    if (old.kind !== now.kind)
      breaking.push({
        kind: 'kind-changed',
        metric: name,
        to: now.kind,
        message: `\`${name}\` changes from ${old.kind} to ${now.kind}: its exported series change (names such as \`_total\`, \`_bucket\`), and queries over them break`,
        loc: old.loc,
      });
  }

  const totalBefore = seriesTotal(base);
  const totalAfter = seriesTotal(head);
  return {
    schemaVersion: 1,
    tool: head.tool,
    base: revision,
    metrics: metrics.sort(byGrowth),
    unchanged,
    total: { before: totalBefore, after: totalAfter, delta: totalAfter.series - totalBefore.series },
    breaking: breaking.sort(
      (a, b) =>
        compareStrings(a.metric, b.metric) ||
        compareStrings(a.kind, b.kind) ||
        compareStrings(a.label ?? '', b.label ?? ''),
    ),
  };
}

function delta(before: number | 'unbounded', after: number | 'unbounded'): number | null {
  return before === 'unbounded' || after === 'unbounded' ? null : after - before;
}

/** Metrics becoming unbounded first, then the largest growth, then by name. */
function byGrowth(a: MetricDiff, b: MetricDiff): number {
  const rank = (d: MetricDiff): number => {
    if (d.delta !== null) return d.delta;
    const was = d.before?.series === 'unbounded';
    const is = d.after?.series === 'unbounded';
    return was === is ? 0 : is ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return rb > ra ? 1 : -1;
  return compareStrings(a.metric, b.metric);
}
