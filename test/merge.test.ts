import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from './helpers/cli.js';

/**
 * `obslint facts <package>` per workspace package, then `obslint merge`: the report of one run over
 * the whole project (whole-project and team budgets that no package exceeds alone), whatever the
 * order of the facts files.
 */
const MONOREPO = join(REPO_ROOT, 'fixtures/projects/sharded-monorepo');
const PACKAGES = ['services/checkout', 'services/search'];

async function writeFacts(out: string): Promise<string[]> {
  const files: string[] = [];
  for (const pkg of PACKAGES) {
    const file = join(out, `${pkg.replace('/', '-')}.json`);
    const run = await runCli(['facts', pkg, '--output', file], { cwd: MONOREPO });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    files.push(file);
  }
  return files;
}

describe('obslint facts and obslint merge', () => {
  it('merged package facts report exactly what one run over the project reports', async () => {
    const facts = await writeFacts(tempDir());
    for (const format of ['json', 'sarif', 'stylish']) {
      const single = await runCli(['.', '--format', format, '--no-cache'], { cwd: MONOREPO });
      const merged = await runCli(['merge', ...facts.reverse(), '--format', format], { cwd: MONOREPO });
      expect(single.code).toBe(1);
      expect(merged).toEqual(single);
    }
    const report = JSON.parse((await runCli(['merge', ...facts, '-f', 'json'], { cwd: MONOREPO })).stdout) as {
      findings: { message: string }[];
    };
    // Neither package is over the 200-series total alone (180 and 31): only the merge sees it.
    expect(report.findings.map((f) => f.message)).toEqual([
      expect.stringContaining("the project's metrics are estimated at 211 series, over `total.maxSeries` of 200"),
      expect.stringContaining('metrics under `search` are estimated at 180 series, over the team budget of 100'),
    ]);
  });

  it('refuses facts it cannot trust, with exit 2 and the file', async () => {
    const out = tempDir();
    const [checkout, search] = await writeFacts(out);
    const refused = async (files: string[], why: RegExp): Promise<void> => {
      const run = await runCli(['merge', ...files], { cwd: MONOREPO });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(why);
      expect(run.stdout).toBe('');
    };
    await refused([join(out, 'missing.json')], /merge: cannot read .*missing\.json: ENOENT/);
    await refused([checkout, search, checkout], /merge: .*checkout\.json is named twice/);
    const notJson = join(out, 'broken.json');
    writeFileSync(notJson, '{"format": "obslint-facts/1", ');
    await refused([checkout, notJson], /broken\.json: not JSON/);
    const old = join(out, 'old.json');
    writeFileSync(old, readFileSync(search, 'utf8').replace(/"version":"[^"]+"/, '"version":"0.0.1"'));
    await refused([checkout, old], /old\.json: written by obslint 0\.0\.1, this is .*: write the facts again/);
    const partial = join(out, 'partial.json');
    writeFileSync(partial, JSON.stringify({ ...JSON.parse(readFileSync(search, 'utf8')), catalog: {} }));
    await refused([checkout, partial], /partial\.json: incomplete facts/);
    const misplaced = join(out, 'misplaced.json');
    const facts = JSON.parse(readFileSync(search, 'utf8')) as { catalog: { metrics: unknown[] } };
    writeFileSync(misplaced, JSON.stringify({ ...facts, catalog: { ...facts.catalog, metrics: [1] } }));
    await refused([checkout, misplaced], /misplaced\.json: incomplete facts/);
    // Damage deeper than merging reads is still the input's: a usage error, not a crash.
    const edited = join(out, 'edited.json');
    const metric = facts.catalog.metrics[0] as Record<string, unknown>;
    writeFileSync(
      edited,
      JSON.stringify({ ...facts, catalog: { ...facts.catalog, metrics: [{ ...metric, labelNames: 5 }] } }),
    );
    await refused([checkout, edited], /the facts of .*edited\.json do not hold together \(.*\): write them again/);
    // Facts written under other wrappers describe other metrics.
    const config = join(out, 'obslint.yaml');
    writeFileSync(config, "version: 1\nwrappers:\n  - { callee: '@fleet/metrics#counter', kind: counter, name: 0 }\n");
    const run = await runCli(['merge', checkout, search, '--config', config], { cwd: MONOREPO });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/was written under other budget-file settings/);
    // Other ignore globs analyse other files.
    writeFileSync(config, "version: 1\nignore: ['**/server.ts']\n");
    const ignoring = await runCli(['merge', checkout, search, '--config', config], { cwd: MONOREPO });
    expect(ignoring.code).toBe(2);
    expect(ignoring.stderr).toMatch(
      /was written under other budget-file settings \(wrappers, status codes or ignore globs\)/,
    );
    // The same file in two packages' facts would count its metrics twice.
    const whole = join(out, 'services.json');
    expect((await runCli(['facts', 'services', '-o', whole], { cwd: MONOREPO })).code).toBe(0);
    await refused(
      [whole, search],
      /services\/search\/src\/metrics\.ts is in the facts of both services and services\/search/,
    );
  });

  it('facts of a path that is not a directory is a usage error', async () => {
    const run = await runCli(['facts', 'services/search/src/metrics.ts'], { cwd: MONOREPO });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('facts: not a directory: services/search/src/metrics.ts');
  });
});
