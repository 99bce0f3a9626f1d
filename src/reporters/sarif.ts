import type { Finding, FlowStep, Location } from '../types.js';
import { MISSING_REASON_RULE_ID, UNUSED_DIRECTIVE_RULE_ID } from '../types.js';
import { HOMEPAGE } from '../util/package.js';
import type { Reporter } from './types.js';
import { formatNumber } from '../util/numbers.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** What GitHub code scanning accepts in one run; an upload over a limit is rejected whole. */
export const GITHUB_SARIF_LIMITS = { results: 25_000, threadFlowLocations: 10_000 } as const;

/** GitHub shows the first 1,000 steps of a code flow (and accepts 10,000); flows here are a few steps long. */
const SHOWN_FLOW_STEPS = 1000;

export interface SarifOptions {
  quiet: boolean;
  /** Results kept, the worst first; the rest are left out and counted in a notification. */
  maxResults?: number;
}

export interface SarifOutput {
  text: string;
  /** Results written, and results left out to stay within `maxResults`. */
  written: number;
  dropped: number;
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one run (category `obslint/`), repo-relative URIs under
 * `%SRCROOT%`, stable partial fingerprints, a code flow from an unbounded source to its label, and
 * related locations (the metric definition of a finding placed elsewhere).
 */
export const sarif: Reporter = (result, { quiet }) => renderSarif(result, { quiet }).text;

/**
 * The SARIF log, within GitHub's limits: over `maxResults` (25,000 by default) the errors are kept
 * before the warnings, each in report order, and a tool notification says how many were left out.
 */
export function renderSarif(result: Parameters<Reporter>[0], options: SarifOptions): SarifOutput {
  const { quiet } = options;
  const maxResults = Math.max(0, options.maxResults ?? GITHUB_SARIF_LIMITS.results);
  const reported = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const findings = worstFirst(reported, maxResults);
  const dropped = reported.length - findings.length;
  const descriptors = result.rules.map((r) => ({
    id: `obslint/${r.id}`,
    name: pascal(r.id),
    shortDescription: { text: firstSentence(r.description) },
    fullDescription: { text: r.description },
    help: {
      text: `${r.description} See ${r.docsUrl}`,
      markdown: `${r.description}\n\n[Rule documentation](${r.docsUrl})`,
    },
    helpUri: r.docsUrl,
    defaultConfiguration: {
      level: r.severity === 'error' ? 'error' : r.severity === 'warn' ? 'warning' : 'none',
      enabled: r.severity !== 'off',
    },
    properties: {
      tags: ['observability', 'cardinality'],
      precision: 'high',
      'problem.severity': r.severity === 'error' ? 'error' : 'warning',
    },
  }));
  if (findings.some((f) => f.ruleId === UNUSED_DIRECTIVE_RULE_ID)) {
    const text = 'An obslint-disable comment that suppresses nothing.';
    descriptors.push({
      id: `obslint/${UNUSED_DIRECTIVE_RULE_ID}`,
      name: pascal(UNUSED_DIRECTIVE_RULE_ID),
      shortDescription: { text },
      fullDescription: { text: `${text} Remove it, so that it does not hide a future finding.` },
      help: { text: `${text} Remove it.`, markdown: `${text} Remove it.` },
      helpUri: `${HOMEPAGE}#suppressing-findings`,
      defaultConfiguration: { level: 'warning', enabled: true },
      properties: { tags: ['observability', 'maintainability'], precision: 'very-high', 'problem.severity': 'warning' },
    });
  }
  if (findings.some((f) => f.ruleId === MISSING_REASON_RULE_ID)) {
    const text = 'An obslint-disable comment that does not say why (`--require-reason`).';
    descriptors.push({
      id: `obslint/${MISSING_REASON_RULE_ID}`,
      name: pascal(MISSING_REASON_RULE_ID),
      shortDescription: { text },
      fullDescription: { text: `${text} Add \`-- reason\`, and \`until YYYY-MM-DD\` for a temporary exception.` },
      help: { text: `${text} Add a reason after \`--\`.`, markdown: `${text} Add a reason after \`--\`.` },
      helpUri: `${HOMEPAGE}#suppressing-findings`,
      defaultConfiguration: { level: 'error', enabled: true },
      properties: { tags: ['observability', 'maintainability'], precision: 'very-high', 'problem.severity': 'error' },
    });
  }
  const ruleIndex = new Map(descriptors.map((d, i) => [d.id, i]));
  const results = findings.map((f) => toResult(f, ruleIndex.get(`obslint/${f.ruleId}`)!));
  const notifications: object[] = result.notices.map((n) => ({
    level: n.level === 'warning' ? 'warning' : 'note',
    ...(n.ruleId && ruleIndex.has(`obslint/${n.ruleId}`)
      ? { associatedRule: { id: `obslint/${n.ruleId}`, index: ruleIndex.get(`obslint/${n.ruleId}`) } }
      : {}),
    message: { text: n.file ? `${n.file}${n.line ? `:${n.line}:${n.column ?? 1}` : ''}: ${n.message}` : n.message },
    ...(n.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(n.file),
                ...(n.line ? { region: { startLine: n.line, startColumn: n.column ?? 1 } } : {}),
              },
            },
          ],
        }
      : {}),
  }));
  if (dropped > 0)
    notifications.unshift({
      level: 'warning',
      message: {
        text: `${formatNumber(dropped)} of ${formatNumber(reported.length)} results were left out to stay within GitHub code scanning's upload limits (25,000 results per run, 10 MB gzipped): the errors are kept first, then the warnings. Run obslint locally for the full report.`,
      },
    });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'obslint',
            semanticVersion: result.tool.version,
            version: result.tool.version,
            informationUri: HOMEPAGE,
            rules: descriptors,
          },
        },
        automationDetails: { id: 'obslint/' },
        originalUriBaseIds: {
          '%SRCROOT%': { description: { text: 'The directory obslint ran in (the repository root in CI).' } },
        },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return { text: `${JSON.stringify(log, null, 2)}\n`, written: findings.length, dropped };
}

const RANK = { error: 0, warn: 1 };

/** The first `limit` findings by severity (errors, then warnings), back in report order. */
function worstFirst(findings: Finding[], limit: number): Finding[] {
  if (findings.length <= limit) return findings;
  const order = findings.map((f, i) => ({ f, i }));
  const kept = order.sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i).slice(0, limit);
  return kept.sort((a, b) => a.i - b.i).map((k) => k.f);
}

function toResult(f: Finding, ruleIndex: number): object {
  const result: Record<string, unknown> = {
    ruleId: `obslint/${f.ruleId}`,
    ruleIndex,
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: f.message },
    locations: [physical(f.loc)],
    partialFingerprints: { 'obslintFingerprint/v1': f.fingerprint },
  };
  // SARIF ids of related locations are non-negative integers, unique within the result.
  if (f.related && f.related.length > 0)
    result.relatedLocations = f.related.map((r, i) => ({
      id: i + 1,
      ...physical(r.loc),
      message: { text: r.message },
    }));
  if (f.flow && f.flow.length > 1) {
    result.codeFlows = [
      {
        threadFlows: [
          {
            locations: f.flow
              .slice(0, SHOWN_FLOW_STEPS)
              .map((s: FlowStep) => ({ location: { ...physical(s.loc), message: { text: s.message } } })),
          },
        ],
      },
    ];
  }
  return result;
}

function physical(loc: Location): { physicalLocation: object } {
  // GitHub shows an alert in a pull request only when every line of its region changed: a region
  // over several lines (a whole metric definition) is cut to its first, the rest of that line.
  const region =
    loc.endLine > loc.line
      ? { startLine: loc.line, startColumn: loc.column }
      : { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
  return { physicalLocation: { artifactLocation: artifact(loc.file), region } };
}

function artifact(file: string): { uri: string; uriBaseId: string } {
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function pascal(id: string): string {
  return id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}

function firstSentence(text: string): string {
  const end = text.search(/[.:](\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}
