import type { Reporter } from './types.js';

/** GitHub Actions workflow commands: one annotation per finding. */
export const github: Reporter = (result, { quiet }) => {
  const findings = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const lines = findings.map((f) => {
    const level = f.severity === 'error' ? 'error' : 'warning';
    const props = [
      `file=${escapeProperty(f.loc.file)}`,
      `line=${f.loc.line}`,
      `col=${f.loc.column}`,
      `endLine=${f.loc.endLine}`,
      `title=${escapeProperty(`obslint/${f.ruleId}`)}`,
    ];
    if (f.loc.endLine === f.loc.line) props.push(`endColumn=${f.loc.endColumn}`);
    return `::${level} ${props.join(',')}::${escapeData(f.message)}`;
  });
  for (const n of result.notices) {
    if (quiet && n.level !== 'warning') continue;
    const props = [
      ...(n.file ? [`file=${escapeProperty(n.file)}`] : []),
      ...(n.file && n.line ? [`line=${n.line}`] : []),
      ...(n.file && n.line && n.column ? [`col=${n.column}`] : []),
      ...(n.ruleId ? [`title=${escapeProperty(`obslint/${n.ruleId}`)}`] : []),
    ]
      .join(',')
      .replace(/^(?=.)/, ' ');
    lines.push(`::${n.level === 'warning' ? 'warning' : 'notice'}${props}::${escapeData(n.message)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
};

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
