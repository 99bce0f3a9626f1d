import type { CatalogLock, LockedMetric, RunResult } from '../types.js';
import { compareStrings } from '../util/paths.js';
import { metricsByName } from './compare.js';

/**
 * The metric catalog as a committed contract (the Kubernetes stable-metrics model): each metric's
 * name, kind, labels, buckets and a band of its estimate. Renaming or removing a metric that
 * dashboards and alerts query then shows up as a change to a reviewed file.
 */
export function catalogLock(result: RunResult): CatalogLock {
  const sides = metricsByName(result);
  const firstDef = new Map<string, RunResult['catalog']['metrics'][number]>();
  for (const def of result.catalog.metrics) if (!firstDef.has(def.name)) firstDef.set(def.name, def);
  const metrics: Record<string, LockedMetric> = {};
  for (const name of [...sides.keys()].sort(compareStrings)) {
    const def = firstDef.get(name)!;
    // A name obslint could not evaluate is source text, not something a query can name.
    if (def.nameIsDynamic) continue;
    const side = sides.get(name)!;
    const entry: Omit<LockedMetric, 'series'> = { kind: side.kind, labels: side.labels };
    if (!side.labelsKnown) entry.labelsComplete = false;
    if (def.bucketValues) entry.buckets = def.bucketValues;
    else if (def.buckets !== undefined) entry.bucketCount = def.buckets;
    if (def.quantiles !== undefined) entry.quantiles = def.quantiles;
    metrics[name] = { ...entry, series: seriesBand(side.series) };
  }
  return { version: 1, metrics };
}

/** Powers of ten: small estimate changes stay in their band, a tenfold growth does not. */
export function seriesBand(series: number | 'unbounded'): string {
  if (series === 'unbounded') return 'unbounded';
  if (series <= 1) return '0-1';
  let upper = 10;
  while (upper < series) upper *= 10;
  return `${upper / 10 + 1}-${upper}`;
}

export interface LockChange {
  metric: string;
  change: 'added' | 'removed' | 'changed';
  /** What differs, in the order kind, labels, buckets, quantiles, series. */
  details: string[];
  /** For `removed`: an added metric of the same kind and labels, which may be its new name. */
  renamedTo?: string;
}

/** What differs between the lockfile and the code's catalog, metric by metric (sorted by name). */
export function compareLock(locked: CatalogLock, current: CatalogLock): LockChange[] {
  const changes: LockChange[] = [];
  const added = Object.keys(current.metrics).filter((n) => !(n in locked.metrics));
  for (const [name, was] of Object.entries(locked.metrics)) {
    const now = current.metrics[name];
    if (!now) {
      const renamedTo = added.find((n) => {
        const c = current.metrics[n];
        return c.kind === was.kind && c.labels.join('\0') === was.labels.join('\0');
      });
      changes.push({ metric: name, change: 'removed', details: [describe(was)], ...(renamedTo ? { renamedTo } : {}) });
      continue;
    }
    const details = differences(was, now);
    if (details.length > 0) changes.push({ metric: name, change: 'changed', details });
  }
  for (const name of added) changes.push({ metric: name, change: 'added', details: [describe(current.metrics[name])] });
  return changes.sort((a, b) => compareStrings(a.metric, b.metric));
}

function describe(m: LockedMetric): string {
  const labels = m.labels.length > 0 ? `labels ${m.labels.join(', ')}` : 'no labels';
  return `${m.kind}; ${labels}${m.labelsComplete === false ? ' (and labels obslint cannot read)' : ''}; series ${m.series}`;
}

function differences(was: LockedMetric, now: LockedMetric): string[] {
  const out: string[] = [];
  if (was.kind !== now.kind) out.push(`kind ${was.kind} → ${now.kind}`);
  // Label names obslint could not read on either side are not claimed as changed.
  if (was.labelsComplete !== false && now.labelsComplete !== false) {
    const gone = was.labels.filter((l) => !now.labels.includes(l));
    const come = now.labels.filter((l) => !was.labels.includes(l));
    if (gone.length > 0 || come.length > 0)
      out.push(`labels ${[...come.map((l) => `+${l}`), ...gone.map((l) => `-${l}`)].join(' ')}`);
  } else if (was.labelsComplete !== now.labelsComplete) {
    out.push(now.labelsComplete === false ? 'label names no longer readable' : 'label names now readable');
  }
  const buckets = (m: LockedMetric): string =>
    m.buckets ? `[${m.buckets.join(', ')}]` : m.bucketCount !== undefined ? `${m.bucketCount} buckets` : 'none';
  if (buckets(was) !== buckets(now)) out.push(`buckets ${buckets(was)} → ${buckets(now)}`);
  if (was.quantiles !== now.quantiles) out.push(`quantiles ${was.quantiles ?? 'none'} → ${now.quantiles ?? 'none'}`);
  if (was.series !== now.series) out.push(`series ${was.series} → ${now.series}`);
  return out;
}

/** `catalog --check`'s report of a difference, one line per metric. */
export function renderLockChanges(changes: LockChange[], lockfile: string): string {
  const width = Math.max(...changes.map((c) => c.metric.length));
  const mark = { added: '+', removed: '-', changed: '~' } as const;
  const lines = changes.map((c) => {
    const what =
      c.change === 'removed'
        ? `removed (${c.details[0]}): dashboards, alerts and recording rules that query it will find no data${c.renamedTo ? ` (renamed to \`${c.renamedTo}\`?)` : ''}`
        : c.change === 'added'
          ? `added (${c.details[0]})`
          : c.details.join('; ');
    return `  ${mark[c.change]} ${c.metric.padEnd(width)}  ${what}`;
  });
  return [
    `${lockfile}: the code's metrics differ from the lockfile (${changes.length} change${changes.length === 1 ? '' : 's'})`,
    ...lines,
    'Review the changes (dashboards, alerts and recording rules query these names), then run `obslint catalog --lock` to accept them.',
    '',
  ].join('\n');
}
