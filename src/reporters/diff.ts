import { Chalk } from 'chalk';
import type { MetricDiff, MetricSide, RunDiff } from '../types.js';
import { code, foldedTable, rowsNeeded } from '../util/markdown.js';
import { memoryRange, signed } from '../util/memory.js';
import { formatNumber } from '../util/numbers.js';

export const DIFF_FORMATS = ['stylish', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** `obslint diff` output in one of its formats. Pure: the CLI writes it. */
export function renderDiff(diff: RunDiff, format: DiffFormat, options: { color: boolean }): string {
  if (format === 'json') return `${JSON.stringify(diff, null, 2)}\n`;
  if (format === 'markdown')
    return `${['## obslint diff', '', ...diffMarkdown(diff, { shown: Infinity, folded: 0, heading: '###' })].join('\n')}\n`;
  return stylishDiff(diff, options.color);
}

const short = (sha: string): string => sha.slice(0, 7);

function baseName(diff: RunDiff): string {
  const commit = short(diff.base.commit);
  return diff.base.ref.startsWith(commit) || diff.base.commit === diff.base.ref
    ? commit
    : `${diff.base.ref} (${commit})`;
}

export function seriesText(series: number | 'unbounded'): string {
  return series === 'unbounded' ? 'unbounded' : formatNumber(series);
}

function labelsText(d: MetricDiff): string[] {
  if (d.change === 'added') return d.labelsAdded;
  if (d.change === 'removed') return d.labelsRemoved;
  return [...d.labelsRemoved.map((l) => `-${l}`), ...d.labelsAdded.map((l) => `+${l}`)];
}

function changeText(d: MetricDiff): string {
  if (d.change === 'renamed') return `renamed from ${d.renamedFrom}`;
  if (d.change !== 'changed') return d.change;
  const what: string[] = [];
  if (d.before!.kind !== d.after!.kind) what.push(`${d.before!.kind} → ${d.after!.kind}`);
  if (d.after!.overBudget && !d.before!.overBudget) what.push('now over budget');
  if (!d.after!.overBudget && d.before!.overBudget) what.push('back within budget');
  return what.length > 0 ? `changed (${what.join(', ')})` : 'changed';
}

/** Growth, or what happened when a side is unbounded. */
function deltaText(d: MetricDiff): string {
  if (d.delta !== null) return signed(d.delta);
  const was = d.before?.series === 'unbounded';
  const is = d.after?.series === 'unbounded';
  return is && !was ? 'unbounded' : was && !is ? 'now bounded' : '';
}

function totalLine(diff: RunDiff): string {
  const { before, after, delta } = diff.total;
  const memory =
    delta === 0 ? '' : `; ${delta > 0 ? '+' : ''}${memoryRange(delta)} at the backend, at 1–4 KB per series`;
  const unbounded =
    after.unbounded !== before.unbounded || after.unbounded > 0
      ? `, unbounded metrics ${before.unbounded} → ${after.unbounded}`
      : '';
  return `${formatNumber(before.series)} → ${formatNumber(after.series)} series (${signed(delta)}${memory})${unbounded}`;
}

function counts(diff: RunDiff): string {
  const n = (change: MetricDiff['change']): number => diff.metrics.filter((m) => m.change === change).length;
  const parts = (['added', 'changed', 'renamed', 'removed'] as const)
    .map((c) => [n(c), c] as const)
    .filter(([k]) => k > 0)
    .map(([k, c]) => `${k} ${c}`);
  parts.push(`${diff.unchanged} unchanged`);
  return parts.join(', ');
}

export interface DiffMarkdownOptions {
  /** Rows of the delta table shown, then folded into `<details>`. */
  shown: number;
  folded: number;
  heading: string;
  /** A link for a location in the working tree (the job summary links to the commit). */
  link?: (file: string, line: number) => string;
  /** How to name the base (`main`); its short SHA follows. */
  baseName?: string;
}

/** The delta table and the breaking changes, for `diff --format markdown`, job summaries and comments. */
export function diffMarkdown(diff: RunDiff, options: DiffMarkdownOptions): string[] {
  const against = options.baseName
    ? `${code(options.baseName)} (${code(short(diff.base.commit))})`
    : code(baseName(diff));
  const lines = [`${options.heading} Series delta against ${against}`, ''];
  lines.push(
    `**${totalLine(diff)}** · ${counts(diff)} metric${diff.metrics.length + diff.unchanged === 1 ? '' : 's'}`,
    '',
  );
  if (diff.metrics.length === 0) {
    lines.push('No metric is added, removed or changed.', '');
  } else {
    const where = (side: MetricSide | undefined): string => {
      if (!side) return '';
      const text = code(`${side.loc.file}:${side.loc.line}`);
      return options.link ? `[${text}](${options.link(side.loc.file, side.loc.line)})` : text;
    };
    const rows = diff.metrics.slice(0, rowsNeeded(diff.metrics.length, options)).map((d) => {
      const memory = d.delta !== null && d.delta !== 0 ? `${d.delta > 0 ? '+' : ''}${memoryRange(d.delta)}` : '';
      const labels = labelsText(d).map((l) => code(l));
      return [
        code(d.metric),
        changeText(d),
        (d.after ?? d.before)!.kind,
        labels.join(' ') || '–',
        `${seriesText(d.before?.series ?? 0)} → ${seriesText(d.after?.series ?? 0)}`,
        deltaText(d),
        memory,
        d.after ? where(d.after) : where(d.before),
      ];
    });
    lines.push(
      ...foldedTable(
        [
          'Metric',
          'Change',
          'Kind',
          'Labels',
          'Series before → after',
          'Δ series',
          'Δ memory (1–4 KB/series)',
          'Defined at',
        ],
        rows,
        {
          align: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'],
          shown: options.shown,
          folded: options.folded,
          total: diff.metrics.length,
          noun: 'changed metrics',
          rest: `run \`obslint diff --base ${diff.base.commit}\` to see them all`,
        },
      ),
      '',
    );
  }
  if (diff.breaking.length > 0) {
    lines.push(`${options.heading}# Breaking changes`, '');
    const list = diff.breaking.map(
      (b) => `- ${b.message} (${code(`${b.loc.file}:${b.loc.line}`)} at ${short(diff.base.commit)})`,
    );
    const limit = Math.max(options.shown, 20);
    lines.push(...list.slice(0, limit));
    if (list.length > limit) lines.push(`- … and ${list.length - limit} more`);
    lines.push('');
  }
  return lines;
}

function stylishDiff(diff: RunDiff, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines = [c.bold(`obslint diff: ${baseName(diff)} → working tree`), ''];
  if (diff.metrics.length === 0) {
    lines.push('  no metric is added, removed or changed', '');
  } else {
    const rows = diff.metrics.map((d) => [
      d.change === 'renamed' ? 'renamed' : d.change,
      d.change === 'renamed' ? `${d.renamedFrom} → ${d.metric}` : d.metric,
      (d.after ?? d.before)!.kind,
      labelsText(d).join(' ') || '-',
      `${seriesText(d.before?.series ?? 0)} → ${seriesText(d.after?.series ?? 0)}`,
      deltaText(d),
    ]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const paint = (change: string, text: string): string =>
      change === 'added'
        ? c.green(text)
        : change === 'removed'
          ? c.red(text)
          : change === 'renamed'
            ? c.yellow(text)
            : text;
    for (const r of rows) {
      const text = r
        .map((v, i) => (i === 4 || i === 5 ? v.padStart(widths[i]) : v.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
      lines.push(`  ${paint(r[0], text)}`);
    }
    lines.push('');
  }
  if (diff.breaking.length > 0) {
    lines.push(c.red.bold(`✖ ${diff.breaking.length} breaking change${diff.breaking.length === 1 ? '' : 's'}`));
    for (const b of diff.breaking)
      lines.push(`  ${b.message}  ${c.dim(`${b.loc.file}:${b.loc.line} at ${short(diff.base.commit)}`)}`);
    lines.push('');
  }
  lines.push(`Series: ${totalLine(diff)}; ${counts(diff)} metrics`);
  return `${lines.join('\n')}\n`;
}
