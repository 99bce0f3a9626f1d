import { formatNumber } from './numbers.js';
/** Markdown pieces shared by the reports that GitHub renders (job summaries, PR comments). */

/** Text safe inside a table cell: pipes escaped, one line. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}

export type Align = 'left' | 'right';

export function table(header: string[], rows: string[][], align: Align[] = []): string[] {
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** How many of `count` rows a folded table can use: building the others is wasted work. */
export function rowsNeeded(count: number, options: { shown: number; folded: number }): number {
  return Math.min(count, options.shown + options.folded);
}

/**
 * A table whose first `shown` rows are visible and the next ones folded into `<details>`, up to
 * `folded` rows; past that, one line says how many were left out and where to see them.
 */
export function foldedTable(
  header: string[],
  rows: string[][],
  options: {
    align?: Align[];
    shown: number;
    folded: number;
    noun: string;
    rest: string;
    /** Rows in all, when `rows` holds only the first ones (those that can be shown). */
    total?: number;
  },
): string[] {
  const visible = rows.slice(0, options.shown);
  const hidden = rows.slice(options.shown, options.shown + options.folded);
  const left = (options.total ?? rows.length) - visible.length - hidden.length;
  const lines = visible.length > 0 ? [...table(header, visible, options.align), ''] : [];
  if (hidden.length > 0) {
    lines.push(
      `<details><summary>${formatNumber(hidden.length)} ${visible.length > 0 ? 'more ' : ''}${options.noun}</summary>`,
      '',
      ...table(header, hidden, options.align),
      '',
      '</details>',
    );
  }
  if (left > 0) {
    if (hidden.length > 0) lines.push('');
    const count = formatNumber(left);
    lines.push(
      visible.length + hidden.length > 0
        ? `… and ${count} more ${options.noun} (${options.rest}).`
        : `${count} ${options.noun} (${options.rest}).`,
    );
  }
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
