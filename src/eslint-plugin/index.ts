import { resolve } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import type { ESLint, Linter, Rule } from 'eslint';
import { rules as obslintRules } from '../../rules/index.js';
import type { AnyRule } from '../engine/define-rule.js';
import { docsUrl, VERSION } from '../util/package.js';
import { findingsFor } from './project-findings.js';

/**
 * obslint's rules in ESLint (flat config, ESLint 9 and 10). No rule is written twice: each ESLint
 * rule reports the core's findings of its id that fall in the linted file, with the CLI's message
 * and location. Project-wide checks (the owner and total budgets of obslint.yaml) have no file to
 * sit in and stay in the CLI and the GitHub Action.
 */
const PROJECT_WIDE: Record<string, readonly string[]> = { 'cardinality-budget': ['owner', 'total'] };

export const SOURCE_FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

function eslintRule(rule: AnyRule): Rule.RuleModule {
  const projectWide = PROJECT_WIDE[rule.id] ?? [];
  return {
    meta: {
      type: rule.meta.defaultSeverity === 'error' ? 'problem' : 'suggestion',
      docs: { description: rule.meta.description, url: docsUrl(rule.id) },
      messages: { finding: '{{message}}' },
      schema: [],
    },
    create(context) {
      // Code blocks inside other files (processors) have no place in the project's analysis.
      if (context.filename !== context.physicalFilename) return {};
      return {
        Program() {
          const file = resolve(context.cwd, context.physicalFilename);
          const findings = findingsFor(context.cwd, file, context.sourceCode.text);
          for (const finding of findings) {
            if (finding.ruleId !== rule.id || projectWide.includes(finding.messageId)) continue;
            const { line, column, endLine, endColumn } = finding.loc;
            context.report({
              loc: { start: { line, column: column - 1 }, end: { line: endLine, column: endColumn - 1 } },
              messageId: 'finding',
              data: { message: finding.message },
            });
          }
        },
      };
    },
  };
}

const rules: Record<string, Rule.RuleModule> = Object.fromEntries(obslintRules.map((r) => [r.id, eslintRule(r)]));

const plugin = {
  meta: { name: 'obslint', version: VERSION, namespace: 'obslint' },
  rules,
  configs: {} as Record<string, Linter.Config[]>,
} satisfies ESLint.Plugin;

plugin.configs.recommended = [
  {
    name: 'obslint/recommended',
    files: SOURCE_FILES,
    plugins: { obslint: plugin },
    languageOptions: {
      parser: tsParser,
      // Typed linting: bounds come from types. The findings are those of obslint's own analysis of
      // the project today (see README, "ESLint"); the parser's program is what it will run on.
      parserOptions: { projectService: true },
    },
    rules: Object.fromEntries(
      obslintRules.map((r) => [`obslint/${r.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']),
    ),
  },
];

export default plugin;
