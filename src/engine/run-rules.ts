import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/types.js';
import {
  MISSING_REASON_RULE_ID,
  UNUSED_DIRECTIVE_RULE_ID,
  type Catalog,
  type Directive,
  type Estimate,
  type Finding,
  type Location,
  type Notice,
  type Severity,
  type UnreachedCode,
} from '../types.js';
import { unreachedLookup, unreachedSuffix } from '../model/unreached-code.js';
import { groupBy, groupByMetric } from '../util/group.js';
import { compareLocations, compareStrings } from '../util/paths.js';
import type { AnyRule, Report } from './define-rule.js';
import { formatNumber } from '../util/numbers.js';

export interface EngineInput {
  rules: AnyRule[];
  catalog: Catalog;
  estimates: Estimate[];
  config: ResolvedConfig;
  directives: Map<string, Directive[]>;
  reportUnusedDirectives: boolean;
  /** Report suppressions that give no reason (`-- why`). */
  requireReason?: boolean;
  /** Today's date (UTC, `YYYY-MM-DD`), for `-- until <date>` suppressions; none expire without it. */
  today?: string;
  /**
   * Whether a location is on a line a change added: conventions elsewhere are summed up in one note
   * per rule. Without it every convention is a finding (`conventions: everywhere`).
   */
  changed?: (loc: Location) => boolean;
  /** The files whose findings the run reports: the note counts only their conventions. */
  reports?: (file: string) => boolean;
}

export interface EngineOutput {
  findings: Finding[];
  /** The rules' notes on the run (what they did not check and why), in a stable order. */
  notices: Notice[];
}

export function runRules(input: EngineInput): EngineOutput {
  const { catalog, config } = input;
  const metrics = new Map(catalog.metrics.map((m) => [m.id, m]));
  const estimates = new Map(input.estimates.map((e) => [e.metricId, e]));
  const uses = groupByMetric(catalog.labelUses);
  const calls = groupByMetric(catalog.labelCalls);
  const findings: Finding[] = [];
  // A rule's note goes through the same suppressions and de-duplication as its findings.
  const notes = new Set<Finding>();
  const conventions = new Set<Finding>();
  // What code nothing calls would record makes no series today: said, but as a note.
  const unreachedAt = unreachedLookup(catalog.unreached);
  const recordings = groupBy(
    [...catalog.labelUses, ...catalog.labelCalls, ...catalog.observations],
    (r) => metrics.get(r.metricId)!.name,
  );
  // The code nothing calls that holds every recording of a metric, if any records it at all.
  const onlyRecordedIn = (name: string): UnreachedCode | undefined => {
    const places = (recordings.get(name) ?? []).map((r) => unreachedAt(r.loc));
    return places.length > 0 && places.every((u) => u !== undefined)
      ? places.sort((a, b) => compareLocations(a.loc, b.loc))[0]
      : undefined;
  };
  for (const rule of input.rules) {
    const setting = config.rules[rule.id];
    const severity = severityOf(rule, config);
    if (severity === 'off') continue;
    rule.check({
      catalog,
      config,
      options: { ...(rule.defaultOptions as object), ...setting?.options },
      metric: (id) => metrics.get(id)!,
      estimate: (id) => estimates.get(id)!,
      usesOf: (id) => uses.get(id) ?? [],
      callsOf: (id) => calls.get(id) ?? [],
      unreachedIn: (loc) => unreachedAt(loc)?.name,
      report: (report) => {
        const finding = toFinding(rule, severity, report);
        findings.push(finding);
        const within = unreachedAt(finding.loc);
        const unreached =
          within ?? (rule.meta.harmsWhenRecorded && report.metric ? onlyRecordedIn(report.metric) : undefined);
        if (unreached) {
          finding.message += unreachedSuffix(unreached, !within);
          // Its own cause: a note in dead code never speaks for a finding in live code of the same file.
          finding.fingerprint = fingerprint([finding.fingerprint, unreached.name]);
        }
        if (report.note || unreached) notes.add(finding);
        else if (rule.meta.conventions?.includes(report.messageId)) conventions.add(finding);
      },
    });
  }
  // Suppress first, then keep one finding per cause: a suppressed first occurrence must not hide the next.
  const { kept, unused } = applyDirectives(findings.sort(compareFindings), input.directives, input.today);
  const unique = dedupe(kept);
  const { changed } = input;
  const established = changed
    ? unique.filter((f) => conventions.has(f) && ![f.loc, ...(f.related ?? []).map((r) => r.loc)].some(changed))
    : [];
  const reports = input.reports ?? (() => true);
  const notices = [
    ...unique.filter((f) => notes.has(f)).map(toNotice),
    ...establishedNotices(established.filter((f) => reports(f.loc.file))),
  ];
  const left = new Set([...notes, ...established]);
  const reported = unique.filter((f) => !left.has(f));
  if (input.reportUnusedDirectives) reported.push(...unused);
  if (input.requireReason) reported.push(...withoutReason(input.directives));
  return { findings: reported.sort(compareFindings), notices };
}

/** The severity a run uses for a rule: the budget file's, or the rule's default. */
export function severityOf(rule: AnyRule, config: ResolvedConfig): Severity | 'off' {
  return config.rules[rule.id]?.severity ?? rule.meta.defaultSeverity;
}

/** One note per rule for the conventions established code breaks: how many, the first few, how to see them all. */
function establishedNotices(established: Finding[]): Notice[] {
  return [...groupBy(established, (f) => f.ruleId)].map(([ruleId, list]) => {
    const names = [...new Set(list.map((f) => f.metric).filter((m) => m !== undefined))];
    const shown = names.slice(0, 3).map((m) => `\`${m}\``);
    const of =
      names.length === 0
        ? ''
        : ` (${shown.join(', ')}${names.length > shown.length ? `, ${names.length - shown.length} more` : ''})`;
    const count = list.length === 1 ? 'finding' : 'findings';
    return {
      ...toNotice(list[0]),
      message: `${list.length} ${ruleId} ${count} on established code${of}, not reported (renaming or retyping a metric breaks the dashboards and alerts that read it): conventions are findings on changed lines (\`--changed-since\`, named files, the GitHub Action on a pull request), or everywhere with \`conventions: everywhere\` in obslint.yaml`,
    };
  });
}

function toNotice(note: Finding): Notice {
  const { file, line, column } = note.loc;
  return { level: 'note', ruleId: note.ruleId, message: note.message, file, line, column };
}

function toFinding(rule: AnyRule, severity: Severity, report: Report<string>): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown messageId "${report.messageId}"`);
  const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const value = report.data?.[key];
    if (value === undefined) throw new Error(`rule ${rule.id} message "${report.messageId}" needs data "${key}"`);
    return typeof value === 'number' ? formatNumber(value) : value;
  });
  const finding: Finding = {
    ruleId: rule.id,
    severity: report.downgrade && severity === 'error' ? 'warn' : severity,
    messageId: report.messageId,
    message,
    loc: report.loc,
    fingerprint: fingerprint([
      rule.id,
      report.identityFile ?? report.loc.file,
      report.metric ?? '',
      report.label ?? '',
      report.cause ?? report.messageId,
    ]),
  };
  if (report.metric !== undefined) finding.metric = report.metric;
  if (report.label !== undefined) finding.label = report.label;
  if (report.flow && report.flow.length > 0) finding.flow = report.flow.map(({ loc, message }) => ({ loc, message }));
  if (report.related && report.related.length > 0)
    finding.related = report.related.map(({ loc, message }) => ({ loc, message }));
  return finding;
}

export function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** One cause, one finding: the first location in a file (in sorted order) speaks for the rest. */
function dedupe(sorted: Finding[]): Finding[] {
  const seen = new Set<string>();
  return sorted.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareLocations(a.loc, b.loc) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.message, b.message);
}

function applyDirectives(
  findings: Finding[],
  directives: Map<string, Directive[]>,
  today: string | undefined,
): { kept: Finding[]; unused: Finding[] } {
  const used = new Set<Directive>();
  const kept = findings.filter((f) => {
    // A finding placed away from its metric (a budget at its largest factor) can also be suppressed
    // at the definition it points to, where such comments were written before it moved.
    let suppressor: Directive | undefined;
    let expired: Directive | undefined;
    for (const loc of [f.loc, ...(f.related ?? []).map((r) => r.loc)]) {
      const list = directives.get(loc.file);
      const found = list ? suppressing(list, f.ruleId, loc.line, today) : {};
      expired ??= found.expired;
      if ((suppressor = found.suppressor)) break;
    }
    if (suppressor) used.add(suppressor);
    else if (expired) {
      // The finding is back, and says which suppression stopped hiding it.
      used.add(expired);
      f.message += ` (${expiryNote(expired)})`;
    }
    return !suppressor;
  });
  const unused: Finding[] = [];
  for (const [file, list] of directives) {
    for (const d of list) {
      if (d.kind === 'enable' || used.has(d)) continue;
      unused.push({
        ruleId: UNUSED_DIRECTIVE_RULE_ID,
        severity: 'warn',
        messageId: 'unused',
        message: `unused obslint-${d.kind} directive: no ${d.rules.length > 0 ? d.rules.map((r) => `\`${r}\``).join(' or ') : 'obslint'} finding to suppress here`,
        loc: directiveLocation(file, d),
        fingerprint: fingerprint([UNUSED_DIRECTIVE_RULE_ID, file, String(d.line), d.kind, d.rules.join(',')]),
      });
    }
  }
  return { kept, unused };
}

/** `--require-reason`: every suppression says why (`-- reason`); an `enable` needs none. */
function withoutReason(directives: Map<string, Directive[]>): Finding[] {
  const out: Finding[] = [];
  for (const [file, list] of directives)
    for (const d of list) {
      if (d.kind === 'enable' || d.reason) continue;
      out.push({
        ruleId: MISSING_REASON_RULE_ID,
        severity: 'error',
        messageId: 'missing',
        message: `obslint-${d.kind} directive without a reason: say why after \`--\` (\`-- until YYYY-MM-DD why\` for a temporary exception)`,
        loc: directiveLocation(file, d),
        fingerprint: fingerprint([MISSING_REASON_RULE_ID, file, d.kind, d.rules.join(',')]),
      });
    }
  return out;
}

function directiveLocation(file: string, d: Directive): Location {
  return { file, line: d.line, column: d.column, endLine: d.line, endColumn: d.column + 1 };
}

/** Whether an `until` suppression has run out: after its day, or never valid when the date is not one. */
function hasExpired(d: Directive, today: string | undefined): boolean {
  if (d.until === undefined) return false;
  if (!isDate(d.until)) return true;
  return today !== undefined && today > d.until;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function expiryNote(d: Directive): string {
  const written = `obslint-${d.kind}${d.rules.length > 0 ? ` ${d.rules.join(', ')}` : ''} -- until ${d.until}`;
  return isDate(d.until!)
    ? `the suppression \`${written}\` on line ${d.line} expired on ${d.until}`
    : `the suppression \`${written}\` on line ${d.line} is ignored: \`${d.until}\` is not a date (YYYY-MM-DD)`;
}

function suppressing(
  list: Directive[],
  ruleId: string,
  line: number,
  today: string | undefined,
): { suppressor?: Directive; expired?: Directive } {
  const applies = (d: Directive): boolean => d.rules.length === 0 || d.rules.includes(ruleId);
  // The disable block in force for this rule: `/* obslint-enable x */` ends it for x only.
  let block: Directive | undefined;
  for (const d of list) {
    if (d.line > line) break;
    if (d.kind === 'disable' && applies(d)) block = d;
    if (d.kind === 'enable' && block && applies(d)) block = undefined;
  }
  const lines = list.filter(
    (d) =>
      ((d.kind === 'disable-next-line' && d.line + 1 === line) || (d.kind === 'disable-line' && d.line === line)) &&
      applies(d),
  );
  const candidates = [...lines, ...(block ? [block] : [])];
  const suppressor = candidates.find((d) => !hasExpired(d, today));
  return suppressor ? { suppressor } : { expired: candidates[0] };
}
