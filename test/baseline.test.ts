import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Baseline, RunResult } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { adoptionRepo } from './helpers/git.js';

function edit(dir: string, file: string, change: (text: string) => string): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
}

const lint = async (dir: string, args: string[] = []): Promise<{ code: number; result: RunResult; stderr: string }> => {
  const run = await runCli(['--format', 'json', ...args], { cwd: dir });
  return { code: run.code, result: JSON.parse(run.stdout) as RunResult, stderr: run.stderr };
};

describe('obslint baseline', () => {
  it('records the existing findings per file, rule, metric and label; the next run passes and says so', async () => {
    const dir = adoptionRepo('billing-service');
    expect((await runCli([], { cwd: dir })).code).toBe(1);
    const recorded = await runCli(['baseline'], { cwd: dir });
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toBe(
      'obslint-baseline.json: 2 findings recorded (2 new); the baseline holds 2 findings in 2 files\n',
    );
    const file = JSON.parse(readFileSync(join(dir, 'obslint-baseline.json'), 'utf8')) as Baseline;
    expect(file).toEqual({
      version: 1,
      files: {
        'src/routes/customers.ts': [
          { rule: 'unbounded-label', metric: 'billing_customer_lookups_total', label: 'customer_id', count: 1 },
        ],
        'src/routes/invoices.ts': [
          { rule: 'untemplated-route', metric: 'http_request_duration_seconds', label: 'route', count: 1 },
        ],
      },
    });
    const run = await runCli([], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('note  2 known findings are in the baseline obslint-baseline.json and not reported');
    expect(run.stdout).toContain('✔ no problems');
    const again = await runCli(['baseline'], { cwd: dir });
    expect(again.stderr).toContain('2 findings recorded (0 new)');
    expect(readFileSync(join(dir, 'obslint-baseline.json'), 'utf8')).toBe(`${JSON.stringify(file, null, 2)}\n`);
  });

  it('fails on a new finding only, and is not broken by code that moves within a file', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['baseline'], { cwd: dir });
    // Lines move: a header above, the handler's statements reordered.
    edit(dir, 'src/routes/customers.ts', (t) =>
      `// Customer endpoints.\n// Owned by the billing team.\n\n${t}`.replace(
        '  customerLookups.inc({ customer_id: req.params.id });\n  res.json({ id: req.params.id });',
        '  const body = { id: req.params.id };\n  res.json(body);\n  customerLookups.inc({ customer_id: req.params.id });',
      ),
    );
    edit(dir, 'src/routes/invoices.ts', (t) => `\n\n\n${t}`);
    const moved = await lint(dir);
    expect(moved.code).toBe(0);
    expect(moved.result.findings).toEqual([]);
    expect(moved.result.baseline).toEqual({ file: 'obslint-baseline.json', suppressed: 2, stale: [] });

    // A new unbounded label in a file that already has one baselined finding of that rule.
    edit(dir, 'src/routes/customers.ts', (t) =>
      t
        .replace("labelNames: ['customer_id'],", "labelNames: ['customer_id', 'email'],")
        .replace(
          'customerLookups.inc({ customer_id: req.params.id });',
          'customerLookups.inc({ customer_id: req.params.id, email: req.query.email as string });',
        ),
    );
    const added = await runCli([], { cwd: dir });
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('✖ 1 problem (1 error, 0 warnings)');
    expect(added.stdout).toMatch(/label `email` of `billing_customer_lookups_total` takes `req\.query\.email`/);
    expect(added.stdout).not.toContain('customer_id');
    // --no-baseline shows everything.
    const all = await lint(dir, ['--no-baseline']);
    expect(all.result.findings.map((f) => [f.ruleId, f.label])).toEqual([
      ['unbounded-label', 'customer_id'],
      ['unbounded-label', 'email'],
      ['untemplated-route', 'route'],
    ]);
    expect(all.result.baseline).toBeUndefined();
  });

  it('reports stale entries without failing, and --prune drops them', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['baseline'], { cwd: dir });
    edit(dir, 'src/routes/invoices.ts', (t) => t.replace('route: req.originalUrl', 'route: req.route.path'));
    const run = await runCli([], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'warning  obslint-baseline.json: stale baseline entry src/routes/invoices.ts: untemplated-route `http_request_duration_seconds` label `route`: 1 allowed, 0 found (fixed findings could come back unnoticed): run `obslint baseline --prune`',
    );
    const kept = await runCli(['baseline'], { cwd: dir });
    expect(kept.stderr).toContain('kept 1 stale entry whose findings are fixed: run `obslint baseline --prune`');
    expect(readFileSync(join(dir, 'obslint-baseline.json'), 'utf8')).toContain('untemplated-route');
    const pruned = await runCli(['baseline', '--prune'], { cwd: dir });
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toContain('pruned 1 stale entry');
    const file = JSON.parse(readFileSync(join(dir, 'obslint-baseline.json'), 'utf8')) as Baseline;
    expect(Object.keys(file.files)).toEqual(['src/routes/customers.ts']);
    const clean = await lint(dir);
    expect(clean.code).toBe(0);
    expect(clean.result.baseline?.stale).toEqual([]);
  });

  it('is found from a subdirectory, keyed from its own directory; a partial run prunes nothing', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['baseline'], { cwd: dir });
    const routes = join(dir, 'src', 'routes');
    const run = await lint(routes);
    expect(run.code).toBe(0);
    // Without src/metrics.ts the route label's metric is not seen: its entry is not called stale.
    expect(run.result.baseline).toEqual({ file: '../../obslint-baseline.json', suppressed: 1, stale: [] });
    const pruned = await runCli(['baseline', '--prune'], { cwd: routes });
    expect(pruned.stderr).toBe(
      '../../obslint-baseline.json: 1 finding recorded (0 new); the baseline holds 2 findings in 2 files\n',
    );
    const file = JSON.parse(readFileSync(join(dir, 'obslint-baseline.json'), 'utf8')) as Baseline;
    expect(Object.keys(file.files)).toEqual(['src/routes/customers.ts', 'src/routes/invoices.ts']);
  });

  it('refuses a broken baseline with file:line:col and exit 2', async () => {
    const dir = adoptionRepo('billing-service');
    writeFileSync(
      join(dir, 'obslint-baseline.json'),
      '{\n  "version": 1,\n  "files": {\n    "src/a.ts": [{ "rule": "unbounded-label", "count": 0 }]\n  }\n}\n',
    );
    const run = await runCli([], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'obslint: obslint-baseline.json:4:56: `files.src/a.ts.0.count` must be >= 1; fix it, or delete it and run `obslint baseline` again\n',
    );
    writeFileSync(join(dir, 'obslint-baseline.json'), '{\n  "version": 1,\n  "files": {\n');
    const broken = await runCli([], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^obslint: obslint-baseline\.json:\d+:\d+: not valid JSON \(/);
    mkdirSync(join(dir, 'elsewhere'));
    const explicit = await runCli(['--baseline', 'elsewhere/none.json'], { cwd: dir });
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toBe('obslint: elsewhere/none.json: cannot read the baseline (ENOENT)\n');
  });
});
