import { seriesTotal } from '../diff/compare.js';
import { productText } from '../util/product-text.js';
import { diffMarkdown } from '../reporters/diff.js';
import { sortBySeries } from '../reporters/markdown.js';
import type { Finding, RunDiff, RunResult } from '../types.js';
import { cell, code, foldedTable, rowsNeeded, table } from '../util/markdown.js';
import { memoryRange, signed } from '../util/memory.js';
import type { FailOn } from './inputs.js';
import { formatNumber } from '../util/numbers.js';

/** GitHub refuses a step summary over 1 MiB; this leaves room for what @actions/core adds. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;
/** GitHub refuses a comment over 65,536 characters. */
export const COMMENT_LIMIT_CHARS = 60_000;
/** Finds the action's own comment among the pull request's others. */
export const COMMENT_MARKER = '<!-- obslint:cardinality -->';

export interface ReportInput {
  result: RunResult;
  diff?: RunDiff;
  /** Why there is no delta: no base revision, or it could not be read. */
  noDiff?: string;
  /** Findings on lines the pull request changes; undefined without a diff. */
  changed?: Finding[];
  sarif?: { file: string; written: number; dropped: number };
  /** The base branch's name, for display. */
  baseName?: string;
  /** A link to a line of the analysed commit. */
  link?: (file: string, line: number) => string;
  runUrl?: string;
  failOn: FailOn;
}

/** How many rows each table shows, then folds into `<details>`: lowered until the report fits. */
interface Caps {
  shown: number;
  folded: number;
}
const LADDER: Caps[] = [
  { shown: 50, folded: 5000 },
  { shown: 50, folded: 2000 },
  { shown: 25, folded: 500 },
  { shown: 10, folded: 100 },
  { shown: 10, folded: 20 },
  { shown: 5, folded: 0 },
  { shown: 0, folded: 0 },
];

function fit(
  render: (caps: Caps) => string,
  fits: (text: string) => boolean,
  truncate: (text: string) => string,
): string {
  for (const caps of LADDER) {
    const text = render(caps);
    if (fits(text)) return text;
  }
  return truncate(render(LADDER[LADDER.length - 1]));
}

export function failing(result: RunResult, failOn: FailOn): boolean {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  if (failOn === 'never') return false;
  return failOn === 'warning' ? result.findings.length > 0 : errors > 0;
}

const plural = (n: number, word: string): string => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;

function headline(input: ReportInput): string {
  const { result, diff, changed } = input;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warn').length;
  const icon = failing(result, input.failOn) ? '❌' : errors + warnings > 0 ? '⚠️' : '✅';
  const files = `${plural(result.stats.filesDiscovered, 'file')} and ${plural(result.stats.metrics, 'metric')}`;
  const problems =
    errors + warnings === 0
      ? `No problems in ${files}`
      : `**${plural(errors, 'error')}**, ${plural(warnings, 'warning')} in ${files}`;
  const onChanged = changed ? ` (${formatNumber(changed.length)} on lines this pull request changes)` : '';
  const total = diff?.total.after ?? seriesTotal(result);
  const unbounded = total.unbounded > 0 ? ` + ${plural(total.unbounded, 'unbounded metric')}` : '';
  const delta = diff
    ? `, ${signed(diff.total.delta)} against ${code(input.baseName ?? diff.base.commit.slice(0, 7))}`
    : '';
  return `${icon} ${problems}${onChanged}. **${formatNumber(total.series)}** series estimated${unbounded}${delta}.`;
}

function where(input: ReportInput, file: string, line: number): string {
  const text = code(`${file}:${line}`);
  return input.link ? `[${text}](${input.link(file, line)})` : text;
}

function findingRows(input: ReportInput, findings: Finding[], count: number): string[][] {
  const docs = new Map(input.result.rules.map((r) => [r.id, r.docsUrl]));
  const rank = { error: 0, warn: 1 };
  const ordered = [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
  return ordered
    .slice(0, count)
    .map((f) => [
      f.severity === 'error' ? 'error' : 'warning',
      where(input, f.loc.file, f.loc.line),
      docs.has(f.ruleId) ? `[${f.ruleId}](${docs.get(f.ruleId)})` : f.ruleId,
      cell(f.message),
    ]);
}

function findingsTable(input: ReportInput, findings: Finding[], caps: Caps, noun: string): string[] {
  const rows = findingRows(input, findings, rowsNeeded(findings.length, caps));
  return foldedTable(['Severity', 'Location', 'Rule', 'Message'], rows, {
    shown: caps.shown,
    folded: caps.folded,
    total: findings.length,
    noun,
    rest: input.sarif ? `all are in ${code(input.sarif.file)}` : 'run obslint locally to see them all',
  });
}

function byRule(input: ReportInput): string[] {
  const { result, changed } = input;
  if (result.findings.length === 0) return [];
  const docs = new Map(result.rules.map((r) => [r.id, r.docsUrl]));
  const ids = [...new Set(result.findings.map((f) => f.ruleId))].sort();
  const rows = ids.map((id) => {
    const of = result.findings.filter((f) => f.ruleId === id);
    const errors = of.filter((f) => f.severity === 'error').length;
    const warnings = of.filter((f) => f.severity === 'warn').length;
    const row = [docs.has(id) ? `[${id}](${docs.get(id)})` : id, String(errors), String(warnings)];
    if (changed) row.push(String(changed.filter((f) => f.ruleId === id).length));
    return row;
  });
  const header = ['Rule', 'Errors', 'Warnings', ...(changed ? ['On changed lines'] : [])];
  return ['### Findings by rule', '', ...table(header, rows, ['left', 'right', 'right', 'right']), ''];
}

function largestMetrics(input: ReportInput, caps: Caps): string[] {
  const { result } = input;
  if (result.estimates.length === 0) return ['### Largest metrics', '', 'No metrics found.', ''];
  const defs = new Map(result.catalog.metrics.map((m) => [m.id, m]));
  const shown = Math.min(10, caps.shown);
  const needed = rowsNeeded(result.estimates.length, { shown, folded: caps.folded });
  const rows = sortBySeries(result.estimates)
    .slice(0, needed)
    .map((e) => {
      const def = defs.get(e.metricId)!;
      return [
        code(def.name),
        def.kind,
        e.series === 'unbounded' ? '**unbounded**' : formatNumber(e.series),
        e.series === 'unbounded' ? '' : memoryRange(e.series),
        cell(productText(e)),
        where(input, def.loc.file, def.loc.line),
      ];
    });
  return [
    '### Largest metrics',
    '',
    ...foldedTable(['Metric', 'Kind', 'Series', 'Memory (1–4 KB/series)', 'Product', 'Defined at'], rows, {
      align: ['left', 'left', 'right', 'right', 'left', 'left'],
      shown,
      folded: caps.folded,
      total: result.estimates.length,
      noun: 'metrics',
      rest: 'run `obslint catalog` to see them all',
    }),
    '',
  ];
}

function deltaSection(input: ReportInput, caps: Caps, heading: string): string[] {
  if (input.diff)
    return diffMarkdown(input.diff, {
      shown: caps.shown,
      folded: caps.folded,
      heading,
      link: input.link,
      baseName: input.baseName,
    });
  return input.noDiff ? [`${heading} Series delta`, '', input.noDiff, ''] : [];
}

/** The job summary: findings, the pull request's series delta, breaking changes, the largest metrics. */
export function jobSummary(input: ReportInput): string {
  return fit(
    (caps) => {
      const { result, changed } = input;
      const lines = ['## obslint', '', headline(input), ''];
      lines.push(...deltaSection(input, caps, '###'));
      if (changed && changed.length > 0)
        lines.push('### Findings on changed lines', '', ...findingsTable(input, changed, caps, 'findings'), '');
      lines.push(...byRule(input));
      if (result.findings.length > 0) {
        // Beside the changed lines' table, the whole list is folded away.
        const all = changed ? { shown: 0, folded: caps.shown + caps.folded } : caps;
        lines.push(
          `### ${changed ? 'All findings' : 'Findings'}`,
          '',
          ...findingsTable(input, result.findings, all, 'findings'),
          '',
        );
      }
      lines.push(...largestMetrics(input, caps));
      if (input.sarif) {
        const dropped =
          input.sarif.dropped > 0
            ? ` (${formatNumber(input.sarif.dropped)} more left out: GitHub code scanning accepts 25,000 per run; the errors are kept first)`
            : '';
        lines.push(
          `SARIF: ${code(input.sarif.file)} with ${plural(input.sarif.written, 'result')}${dropped}, for \`github/codeql-action/upload-sarif\`.`,
          '',
        );
      }
      for (const n of result.notices.filter((n) => n.level === 'warning').slice(0, 20))
        lines.push(`> [!WARNING]\n> ${n.file ? `${code(n.file)}: ` : ''}${cell(n.message)}`, '');
      // What the rules did not check and why (a package that traces nothing yet, a naming house style).
      const ruleNotes = result.notices.filter((n) => n.ruleId !== undefined);
      if (ruleNotes.length > 0) {
        lines.push('### Notes', '');
        for (const n of ruleNotes.slice(0, 20))
          lines.push(`- ${n.file ? `${where(input, n.file, n.line ?? 1)}: ` : ''}${cell(n.message)}`);
        if (ruleNotes.length > 20) lines.push(`- … ${plural(ruleNotes.length - 20, 'more note')}`);
        lines.push('');
      }
      lines.push(`<sub>obslint ${result.tool.version} · fail-on: ${input.failOn}</sub>`);
      return `${lines.join('\n')}\n`;
    },
    (text) => Buffer.byteLength(text, 'utf8') <= SUMMARY_LIMIT_BYTES,
    (text) =>
      `${Buffer.from(text, 'utf8')
        .subarray(0, SUMMARY_LIMIT_BYTES - 200)
        .toString('utf8')}\n\n… (cut at GitHub's 1 MiB limit)\n`,
  );
}

/** Whether a pull request comment has anything to say: a first comment is only made when it has. */
export function worthCommenting(input: ReportInput): boolean {
  return Boolean(
    (input.diff && (input.diff.metrics.length > 0 || input.diff.breaking.length > 0)) ||
    (input.changed && input.changed.length > 0),
  );
}

/** The sticky pull request comment: the delta, breaking changes and findings on changed lines. */
export function pullRequestComment(input: ReportInput): string {
  return fit(
    (caps) => {
      const small = { shown: Math.min(caps.shown, 10), folded: Math.min(caps.folded, 40) };
      const lines = [COMMENT_MARKER, '## obslint', '', headline(input), ''];
      lines.push(...deltaSection(input, small, '###'));
      if (input.changed && input.changed.length > 0)
        lines.push('### Findings on changed lines', '', ...findingsTable(input, input.changed, small, 'findings'), '');
      lines.push(
        input.runUrl
          ? `<sub>[Full report](${input.runUrl}) in the job summary · obslint ${input.result.tool.version}</sub>`
          : `<sub>obslint ${input.result.tool.version}</sub>`,
      );
      return `${lines.join('\n')}\n`;
    },
    (text) => text.length <= COMMENT_LIMIT_CHARS,
    (text) => `${text.slice(0, COMMENT_LIMIT_CHARS - 100)}\n\n… (cut at GitHub's comment size limit)\n`,
  );
}
