import { Chalk } from 'chalk';
import type { Finding, Notice } from '../types.js';
import type { Reporter } from './types.js';

/** ESLint-style text: findings grouped by file, then notices, then a summary line. */
export const stylish: Reporter = (result, { color, quiet }) => {
  const c = new Chalk({ level: color ? 1 : 0 });
  const findings = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    let list = byFile.get(f.loc.file);
    if (!list) byFile.set(f.loc.file, (list = []));
    list.push(f);
  }
  for (const [file, list] of byFile) {
    lines.push('', c.underline(file));
    for (const f of list) {
      const severity = f.severity === 'error' ? c.red('error') : c.yellow('warning');
      lines.push(
        `  ${c.dim(`${f.loc.line}:${f.loc.column}`)}  ${severity}  ${f.message}  ${c.dim(`obslint/${f.ruleId}`)}`,
      );
    }
  }
  const notices = result.notices.filter((n) => !quiet || n.level === 'warning');
  if (notices.length > 0) {
    lines.push('');
    for (const n of notices)
      lines.push(
        `${n.level === 'warning' ? c.yellow('warning') : c.dim('note')}  ${noticeWhere(n)}${n.message}${n.ruleId ? `  ${c.dim(`obslint/${n.ruleId}`)}` : ''}`,
      );
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push('');
  if (findings.length === 0) {
    lines.push(c.green(`✔ no problems (${counted(result)})`));
  } else {
    const problems = findings.length;
    const summary = `✖ ${problems} problem${problems === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) in ${counted(result)}`;
    lines.push(errors > 0 ? c.red.bold(summary) : c.yellow.bold(summary));
  }
  if (findings.length > 0) {
    const documented = new Map(result.rules.map((r) => [r.id, r.docsUrl]));
    const urls = [
      ...new Set(findings.map((f) => documented.get(f.ruleId)).filter((u): u is string => u !== undefined)),
    ].sort();
    for (const url of urls) lines.push(c.dim(`  ${url}`));
  }
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
};

function counted(result: Parameters<Reporter>[0]): string {
  const { filesDiscovered: files, metrics } = result.stats;
  return `${files} file${files === 1 ? '' : 's'}, ${metrics} metric${metrics === 1 ? '' : 's'}`;
}

function noticeWhere(n: Notice): string {
  if (!n.file) return '';
  return n.line ? `${n.file}:${n.line}:${n.column ?? 1}: ` : `${n.file}: `;
}
