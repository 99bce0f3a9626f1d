import type { Baseline, BaselineEntry, Finding, StaleEntry } from '../types.js';
import { compareStrings } from '../util/paths.js';

/** How the run's files map onto the baseline's keys, and which baseline files the run looked at. */
export interface BaselineScope {
  /** A finding's file (relative to the run's root) as the baseline keys it. */
  keyOf: (file: string) => string;
  /** Whether the run analysed this baseline file key (entries of files it did not look at are left alone). */
  covers: (key: string) => boolean;
}

export const EMPTY_BASELINE: Baseline = { version: 1, files: {} };

function entryKey(file: string, e: { rule: string; metric?: string; label?: string }): string {
  return [file, e.rule, e.metric ?? '', e.label ?? ''].join('\u0000');
}

function findingEntry(f: Finding): Omit<BaselineEntry, 'count'> {
  const entry: Omit<BaselineEntry, 'count'> = { rule: f.ruleId };
  if (f.metric !== undefined) entry.metric = f.metric;
  if (f.label !== undefined) entry.label = f.label;
  return entry;
}

/** The findings the baseline does not account for, how many it hid, and its entries that are stale. */
export function applyBaseline(
  findings: Finding[],
  baseline: Baseline,
  scope: BaselineScope,
): { kept: Finding[]; suppressed: number; stale: StaleEntry[] } {
  const allowed = new Map<string, number>();
  for (const [file, entries] of Object.entries(baseline.files))
    for (const e of entries) allowed.set(entryKey(file, e), (allowed.get(entryKey(file, e)) ?? 0) + e.count);
  const found = new Map<string, number>();
  let suppressed = 0;
  const kept = findings.filter((f) => {
    const key = entryKey(scope.keyOf(f.loc.file), findingEntry(f));
    found.set(key, (found.get(key) ?? 0) + 1);
    const left = allowed.get(key) ?? 0;
    if (left === 0) return true;
    allowed.set(key, left - 1);
    suppressed++;
    return false;
  });
  const stale: StaleEntry[] = [];
  for (const [file, entries] of Object.entries(baseline.files)) {
    if (!scope.covers(file)) continue;
    for (const e of entries) {
      const n = found.get(entryKey(file, e)) ?? 0;
      if (n < e.count) stale.push({ file, ...e, found: n });
    }
  }
  return { kept, suppressed, stale: stale.sort(compareEntries) };
}

export interface BaselineUpdate {
  baseline: Baseline;
  /** Findings the new baseline holds for the files the run covered. */
  recorded: number;
  /** Findings the old baseline did not hold. */
  added: number;
  /** Stale entries kept (without `prune`) or removed and lowered (with it). */
  stale: StaleEntry[];
}

/**
 * The baseline after recording a run's findings: every finding is allowed, entries of files the run
 * did not cover are kept as they were. Without `prune`, entries that now match fewer findings keep
 * their count; with it, they are lowered to what is found (and dropped at zero).
 */
export function recordBaseline(
  previous: Baseline,
  findings: Finding[],
  scope: BaselineScope,
  prune: boolean,
): BaselineUpdate {
  const { kept: unaccounted, stale } = applyBaseline(findings, previous, scope);
  const counts = new Map<string, { file: string; entry: BaselineEntry }>();
  const bump = (file: string, e: Omit<BaselineEntry, 'count'>, n: number, keepMax: boolean): void => {
    const key = entryKey(file, e);
    const had = counts.get(key);
    if (!had) counts.set(key, { file, entry: { ...e, count: n } });
    else had.entry.count = keepMax ? Math.max(had.entry.count, n) : had.entry.count + n;
  };
  for (const f of findings) bump(scope.keyOf(f.loc.file), findingEntry(f), 1, false);
  for (const [file, entries] of Object.entries(previous.files))
    for (const { count, ...e } of entries) {
      // A file the run covered keeps only what is found, unless stale entries are to be kept.
      if (scope.covers(file) && prune) continue;
      bump(file, e, count, true);
    }
  const files: Baseline['files'] = {};
  for (const { file, entry } of counts.values()) (files[file] ??= []).push(entry);
  const recorded = findings.length;
  return { baseline: normalizeBaseline({ version: 1, files }), recorded, added: unaccounted.length, stale };
}

/** Sorted files and entries, with no empty ones: the same findings always give the same file. */
export function normalizeBaseline(baseline: Baseline): Baseline {
  const files: Baseline['files'] = {};
  for (const file of Object.keys(baseline.files).sort(compareStrings)) {
    const entries = baseline.files[file].filter((e) => e.count > 0).sort(compareEntries);
    if (entries.length > 0)
      files[file] = entries.map(({ rule, metric, label, count }) => ({ rule, metric, label, count }));
  }
  return { version: 1, files };
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(normalizeBaseline(baseline), null, 2)}\n`;
}

function compareEntries(
  a: { file?: string; rule: string; metric?: string; label?: string },
  b: { file?: string; rule: string; metric?: string; label?: string },
): number {
  return (
    compareStrings(a.file ?? '', b.file ?? '') ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.metric ?? '', b.metric ?? '') ||
    compareStrings(a.label ?? '', b.label ?? '')
  );
}

/** `src/a.ts: unbounded-label \`orders_total\` {customer}` */
export function describeEntry(e: StaleEntry): string {
  const about = e.metric ? ` \`${e.metric}\`${e.label ? ` label \`${e.label}\`` : ''}` : '';
  return `${e.file}: ${e.rule}${about}`;
}
