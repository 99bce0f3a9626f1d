import { relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import plugin from '../src/eslint-plugin/index.js';
import { FIXTURES, fixtureDirs } from './helpers/fixtures.js';

/**
 * Parity: for every fixture project the CLI tests use, ESLint with `obslint/recommended` reports the
 * CLI's findings (rule id, line, column, message), nothing more and nothing less, except the owner
 * and total budgets, which have no source file to sit in and stay in the CLI.
 *
 * The parser's type information is switched off here: the plugin's findings come from obslint's own
 * analysis of the project (README, "ESLint"), and 160 typed programs would only slow the test down.
 */
const dirs = [...fixtureDirs(`${FIXTURES}/rules`), ...fixtureDirs(`${FIXTURES}/projects`)];

async function cliKeys(dir: string): Promise<string[]> {
  // ESLint names each file, and a named file's conventions are findings.
  const result = await analyze({ cwd: dir, paths: ['.'], conventions: 'everywhere' });
  return result.findings
    .filter((f) => !(f.ruleId === 'cardinality-budget' && (f.messageId === 'owner' || f.messageId === 'total')))
    .map((f) => `${f.loc.file}:${f.loc.line}:${f.loc.column} obslint/${f.ruleId} ${f.message}`)
    .sort();
}

async function eslintKeys(dir: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [...plugin.configs.recommended, { languageOptions: { parserOptions: { projectService: false } } }],
    errorOnUnmatchedPattern: false,
  });
  const results = await eslint.lintFiles(['.']);
  return results
    .flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId?.startsWith('obslint/'))
        .map(
          (m) => `${relative(dir, r.filePath).split('\\').join('/')}:${m.line}:${m.column} ${m.ruleId} ${m.message}`,
        ),
    )
    .sort();
}

describe('ESLint plugin parity with the CLI', () => {
  it('covers every fixture project', () => {
    expect(dirs.length).toBeGreaterThan(100);
  });
  for (const dir of dirs) {
    it(relative(FIXTURES, dir), async () => {
      const cli = await cliKeys(dir);
      // An invalid case that finds nothing would make the comparison vacuous.
      if (/(^|\/)invalid[^/]*$/.test(dir)) expect(cli.length).toBeGreaterThan(0);
      expect(await eslintKeys(dir)).toEqual(cli);
    });
  }
});
