import { productText } from '../util/product-text.js';
import { catalogMarkdown, sortBySeries } from '../reporters/markdown.js';
import type { Estimate, MetricDef, RunResult } from '../types.js';
import { formatNumber } from '../util/numbers.js';

export const CATALOG_FORMATS = ['table', 'json', 'markdown'] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

interface CatalogEntry {
  metric: MetricDef;
  estimate: Estimate;
}

function entries(result: RunResult): CatalogEntry[] {
  const defs = new Map(result.catalog.metrics.map((m) => [m.id, m]));
  return sortBySeries(result.estimates).map((estimate) => ({ metric: defs.get(estimate.metricId)!, estimate }));
}

/** `obslint catalog`: every metric with its labels, bounds and estimated series. */
export function renderCatalog(result: RunResult, format: CatalogFormat): string {
  const list = entries(result);
  if (format === 'json') {
    return `${JSON.stringify({ schemaVersion: 1, metrics: list.map(({ metric, estimate }) => ({ ...metric, estimate })) }, null, 2)}\n`;
  }
  if (format === 'markdown') return `${catalogMarkdown(result).join('\n')}\n`;
  if (list.length === 0) return `no metrics found (${result.stats.filesDiscovered} files)\n`;
  const used = new Set(result.catalog.labelCalls.map((c) => c.metricId));
  const labelsColumn = (metric: MetricDef, estimate: Estimate): string => {
    // An OpenTelemetry instrument's labels are its uses' attributes: without uses, nothing is known.
    if (!used.has(metric.id) && (metric.library === 'opentelemetry' || metric.labelNames.length === 0))
      return '? (no uses found)';
    const values = estimate.byLabel
      .map(
        (l) =>
          `${l.label}=${l.count === 'unbounded' ? '∞' : l.count}${l.kind === 'unknown' || l.kind === 'unused' ? '?' : ''}`,
      )
      .join(' ');
    // Names obslint cannot read in the definition: those the uses pass, where they pass some.
    if (!metric.labelNamesKnown)
      return values && metric.library === 'prom-client'
        ? `${values} (names from the uses)`
        : '? (label names not readable)';
    return values || '-';
  };
  // Which wrapper (a project function, a declared or built-in one) made a metric, when any did.
  const viaColumn = list.some(({ metric }) => metric.via);
  const rows = list.map(({ metric, estimate }) => [
    metric.name,
    metric.kind,
    labelsColumn(metric, estimate),
    estimate.series === 'unbounded' ? 'unbounded' : formatNumber(estimate.series),
    `${metric.loc.file}:${metric.loc.line}`,
    ...(viaColumn ? [metric.via?.wrapper ?? '-'] : []),
  ]);
  const header = ['METRIC', 'KIND', 'LABELS (values)', 'SERIES', 'LOCATION', ...(viaColumn ? ['CREATED BY'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const total = list.reduce((sum, e) => sum + (e.estimate.series === 'unbounded' ? 0 : e.estimate.series), 0);
  const unbounded = list.filter((e) => e.estimate.series === 'unbounded').length;
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${list.length} metrics, ${formatNumber(total)} series estimated${unbounded ? ` + ${unbounded} unbounded` : ''} (? = bound assumed: see \`obslint explain <metric>\`)\n`;
}

/** `obslint explain <metric>`: the product behind one estimate, factor by factor. */
export function renderExplain(result: RunResult, name: string): string | undefined {
  const matches = entries(result).filter((e) => e.metric.name === name);
  if (matches.length === 0) return undefined;
  return (
    matches
      .map(({ metric, estimate }) => {
        const lines = [`${metric.name} (${metric.kind}, ${metric.loc.file}:${metric.loc.line}:${metric.loc.column})`];
        if (metric.via)
          lines.push(`  created by wrapper \`${metric.via.wrapper}\` (${metric.via.loc.file}:${metric.via.loc.line})`);
        const width = Math.max(20, ...estimate.byLabel.map((l) => l.label.length));
        const row = (name: string, count: string | number, reason: string): string =>
          `  ${name.padEnd(width)} ${String(count).padStart(8)}  ${reason}`;
        for (const l of estimate.byLabel) {
          const values = l.values && l.values.length <= 12 ? ` [${l.values.join(', ')}]` : '';
          lines.push(row(l.label, l.count === 'unbounded' ? '∞' : l.count, `${l.reason}${values}`));
        }
        if (estimate.cap) lines.push(row('capped at', estimate.cap.limit, estimate.cap.reason));
        lines.push(row('per label set', estimate.seriesPerChild, estimate.seriesPerChildReason));
        if (estimate.replicas > 1) lines.push(row('replicas', estimate.replicas, 'defaults.replicas'));
        const series = estimate.series === 'unbounded' ? 'unbounded' : formatNumber(estimate.series);
        lines.push(`  = ${productText(estimate)} = ${series} series`);
        return lines.join('\n');
      })
      .join('\n\n') + '\n'
  );
}
