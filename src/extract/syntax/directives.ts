import type { Directive } from '../../types.js';

const DIRECTIVE = /(\/\/|\/\*)\s*obslint-(disable-next-line|disable-line|disable|enable)\b([^\n]*?)(\*\/|$)/gm;
/** `-- until 2027-03-01 reason`: an expiring suppression (the date is checked by the engine). */
const UNTIL = /^until\s+(\S+)\s*(.*)$/s;

export function parseDirectives(text: string): Directive[] {
  if (!text.includes('obslint-')) return [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const out: Directive[] = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    const offset = match.index;
    let line = lineStarts.length - 1;
    while (lineStarts[line] > offset) line--;
    const [body, comment] = (match[3] ?? '').split(/\s--\s?/, 2);
    const rules = (body ?? '')
      .split(',')
      .map((r) => r.trim().replace(/^obslint\//, ''))
      .filter(Boolean);
    const until = UNTIL.exec(comment?.trim() ?? '');
    const reason = (until ? until[2] : comment)?.trim();
    const directive: Directive = {
      kind: match[2] as Directive['kind'],
      rules,
      line: line + 1,
      column: offset - lineStarts[line] + 1,
      reason: reason || undefined,
    };
    if (until) directive.until = until[1];
    out.push(directive);
  }
  return out;
}
