import { productText } from '../util/product-text.js';
import type { Reporter } from './types.js';
import { formatNumber } from '../util/numbers.js';

/** For pull-request comments and job summaries: findings, then the cardinality table. */
export const markdown: Reporter = (result, { quiet }) => {
  const findings = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const lines: string[] = ['## obslint', ''];
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push(
    findings.length === 0
      ? 'No problems found.'
      : `**${findings.length}** problem${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}).`,
    '',
  );
  if (findings.length > 0) {
    lines.push('| Location | Severity | Rule | Message |', '| --- | --- | --- | --- |');
    const docs = new Map(result.rules.map((r) => [r.id, r.docsUrl]));
    for (const f of findings) {
      const rule = docs.has(f.ruleId) ? `[${f.ruleId}](${docs.get(f.ruleId)})` : f.ruleId;
      lines.push(`| \`${f.loc.file}:${f.loc.line}:${f.loc.column}\` | ${f.severity} | ${rule} | ${cell(f.message)} |`);
    }
    lines.push('');
  }
  // What the rules did not check and why (a package that traces nothing yet): no problem, but it says
  // why a report is quiet there.
  const ruleNotes = quiet ? [] : result.notices.filter((n) => n.ruleId !== undefined);
  if (ruleNotes.length > 0) {
    lines.push('Notes:', '');
    for (const n of ruleNotes) lines.push(`- \`${n.file}:${n.line}\`: ${cell(n.message)}`);
    lines.push('');
  }
  lines.push(...catalogMarkdown(result));
  return `${lines.join('\n')}\n`;
};

export function catalogMarkdown(result: Parameters<Reporter>[0]): string[] {
  const defs = new Map(result.catalog.metrics.map((m) => [m.id, m]));
  const lines = ['### Estimated series per metric', ''];
  if (result.estimates.length === 0) return [...lines, 'No metrics found.', ''];
  lines.push('| Metric | Kind | Series | Product | Defined at |', '| --- | --- | ---: | --- | --- |');
  for (const est of sortBySeries(result.estimates)) {
    const def = defs.get(est.metricId)!;
    lines.push(
      `| \`${cell(def.name)}\` | ${def.kind} | ${est.series === 'unbounded' ? '**unbounded**' : formatNumber(est.series)} | ${cell(productText(est))} | \`${def.loc.file}:${def.loc.line}\` |`,
    );
  }
  return [...lines, ''];
}

export function sortBySeries<T extends { series: number | 'unbounded'; metric: string; metricId: string }>(
  estimates: T[],
): T[] {
  const rank = (s: number | 'unbounded'): number => (s === 'unbounded' ? Number.POSITIVE_INFINITY : s);
  return [...estimates].sort(
    (a, b) =>
      rank(b.series) - rank(a.series) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      (a.metricId < b.metricId ? -1 : 1),
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
