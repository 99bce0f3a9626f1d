import type { ChangedLines } from '../git/revision.js';
import type { Finding } from '../types.js';
import { compareStrings } from '../util/paths.js';

/** GitHub shows at most 10 error and 10 warning annotations per step and drops the rest silently. */
export const ANNOTATION_LIMIT = 10;

/** The findings a pull request introduces or touches: those whose first line it adds or changes. */
export function onChangedLines(findings: Finding[], changed: ChangedLines): Finding[] {
  return findings.filter((f) => changed.get(f.loc.file)?.has(f.loc.line));
}

export interface AnnotationPlan {
  errors: Finding[];
  warnings: Finding[];
  /** Findings that qualified but did not fit. */
  more: number;
}

/**
 * Which findings to annotate: errors first, then warnings, each within its own budget (what the
 * step's other messages leave of GitHub's 10), in file and line order.
 */
export function planAnnotations(findings: Finding[], budget: { errors: number; warnings: number }): AnnotationPlan {
  const sorted = [...findings].sort(
    (a, b) =>
      compareStrings(a.loc.file, b.loc.file) ||
      a.loc.line - b.loc.line ||
      a.loc.column - b.loc.column ||
      compareStrings(a.ruleId, b.ruleId),
  );
  const errors = sorted.filter((f) => f.severity === 'error').slice(0, Math.max(0, budget.errors));
  const warnings = sorted.filter((f) => f.severity === 'warn').slice(0, Math.max(0, budget.warnings));
  return { errors, warnings, more: findings.length - errors.length - warnings.length };
}
