import type { Finding, FlowStep, Location } from '../types.js';
import { UNUSED_DIRECTIVE_RULE_ID } from '../types.js';
import { HOMEPAGE } from '../util/package.js';
import type { Reporter } from './types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * SARIF 2.1.0 for GitHub code scanning: one run (category `obslint/`), repo-relative URIs under
 * `%SRCROOT%`, stable partial fingerprints, and a code flow from an unbounded source to its label.
 */
export const sarif: Reporter = (result, { quiet }) => {
  const findings = quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
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
  const ruleIndex = new Map(descriptors.map((d, i) => [d.id, i]));
  const results = findings.map((f) => toResult(f, ruleIndex.get(`obslint/${f.ruleId}`)!));
  const notifications = result.notices.map((n) => ({
    level: n.level === 'warning' ? 'warning' : 'note',
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
  return `${JSON.stringify(log, null, 2)}\n`;
};

function toResult(f: Finding, ruleIndex: number): object {
  const result: Record<string, unknown> = {
    ruleId: `obslint/${f.ruleId}`,
    ruleIndex,
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: f.message },
    locations: [physical(f.loc)],
    partialFingerprints: { 'obslintFingerprint/v1': f.fingerprint },
  };
  if (f.flow && f.flow.length > 1) {
    result.codeFlows = [
      {
        threadFlows: [
          {
            locations: f.flow
              .slice(0, 1000)
              .map((s: FlowStep) => ({ location: { ...physical(s.loc), message: { text: s.message } } })),
          },
        ],
      },
    ];
  }
  return result;
}

function physical(loc: Location): { physicalLocation: object } {
  return {
    physicalLocation: {
      artifactLocation: artifact(loc.file),
      region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn },
    },
  };
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
