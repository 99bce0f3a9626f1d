import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from './helpers/cli.js';
import { ORDERS_API as PROJECT } from './helpers/hook-project.js';

/**
 * File-list mode, as git hooks call it (pre-commit, lint-staged): only the named files are reported,
 * while the whole project (its budget file, tsconfig aliases, other files' metrics) is analysed.
 */

interface JsonResult {
  findings: { ruleId: string; loc: { file: string; line: number } }[];
  notices: { level: string; file?: string; message: string }[];
  stats: { metrics: number };
}

async function lintFiles(cwd: string, files: string[]): Promise<{ code: number; result: JsonResult }> {
  const run = await runCli([...files, '--format', 'json'], { cwd });
  expect(run.stderr).toBe('');
  return { code: run.code, result: JSON.parse(run.stdout) as JsonResult };
}

const keys = (result: JsonResult): string[] => result.findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`);

describe('obslint <files…> (file-list mode for git hooks)', () => {
  it('reports only the named files, reading the budget file and tsconfig aliases from the project root', async () => {
    const dir = tempProject(PROJECT);
    const { code, result } = await lintFiles(dir, ['src/http/handler.ts']);
    expect(code).toBe(1);
    // The metric is only known through the `@app/*` alias of tsconfig.json; `tenant` is bounded by obslint.yaml.
    expect(keys(result)).toEqual(['src/http/handler.ts:4 untemplated-route']);
    expect(result.stats.metrics).toBe(1);

    const withoutBudget = tempProject({ ...PROJECT, 'obslint.yaml': 'version: 1\n' });
    expect(keys((await lintFiles(withoutBudget, ['src/http/handler.ts'])).result)).toEqual([
      'src/http/handler.ts:4 untemplated-route',
      'src/http/handler.ts:4 unbounded-label',
    ]);
  });

  it('takes absolute and relative paths in several chunks, with duplicates, and each chunk reports its own files', async () => {
    const dir = tempProject(PROJECT);
    const all = await lintFiles(dir, ['.']);
    expect(keys(all.result)).toEqual([
      'src/http/admin.ts:4 untemplated-route',
      'src/http/handler.ts:4 untemplated-route',
    ]);

    const first = await lintFiles(dir, [
      join(dir, 'src/http/admin.ts'),
      'src/clean.ts',
      join(dir, 'src/http/admin.ts'),
    ]);
    const second = await lintFiles(dir, ['src/http/handler.ts', join(dir, 'src/clean.ts'), './src/http/handler.ts']);
    expect(keys(first.result)).toEqual(['src/http/admin.ts:4 untemplated-route']);
    expect(keys(second.result)).toEqual(['src/http/handler.ts:4 untemplated-route']);
    expect([...keys(first.result), ...keys(second.result)]).toEqual(keys(all.result));
  });

  it('skips a deleted file with a note instead of failing, and still lints the others', async () => {
    const dir = tempProject(PROJECT);
    const clean = await lintFiles(dir, ['src/removed.ts', 'src/clean.ts']);
    expect(clean.code).toBe(0);
    expect(clean.result.notices).toEqual([
      { level: 'note', file: 'src/removed.ts', message: 'skipped: no such file (deleted?)' },
    ]);
    const dirty = await lintFiles(dir, [join(dir, 'lib/old-metrics.ts'), 'src/http/handler.ts']);
    expect(dirty.code).toBe(1);
    expect(keys(dirty.result)).toEqual(['src/http/handler.ts:4 untemplated-route']);
  });

  it('a file with no findings passes even when other files of the project have some', async () => {
    const dir = tempProject(PROJECT);
    const run = await runCli(['src/clean.ts'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no problems');
  });
});
