import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff } from '../src/api.js';
import { parseUnifiedDiff } from '../src/git/revision.js';
import type { RunDiff } from '../src/types.js';
import { runBin, runCli, tempDir, tempProject } from './helpers/cli.js';
import { fixtureRepo, gitIn } from './helpers/git.js';

const counter = (name: string, labels: string[]): string =>
  `export const ${name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())} = new Counter({ name: '${name}', help: 'h', labelNames: [${labels.map((l) => `'${l}'`).join(', ')}] });\n`;

describe('obslint diff --base', () => {
  it('reports an added metric, a removed label (breaking) and the total delta, and leaves git status clean', async () => {
    const repo = fixtureRepo('checkout-service');
    const scratch = tempDir('obslint-tmp-');
    const run = await runBin(['diff', '--base', 'HEAD~1'], repo.dir, { TMPDIR: scratch });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`obslint diff: HEAD~1 (${repo.base.slice(0, 7)}) → working tree`);
    expect(out).toMatch(/added\s+checkout_coupon_redemptions_total\s+counter\s+customer\s+0 → unbounded\s+unbounded/);
    expect(out).toMatch(/removed\s+checkout_legacy_cart_views_total\s+counter\s+variant\s+1 → 0\s+-1/);
    expect(out).toMatch(/changed\s+checkout_orders_placed_total\s+counter\s+-region\s+9 → 3\s+-6/);
    expect(out).toMatch(/changed\s+http_request_duration_seconds\s+histogram\s+-\s+630 → 540\s+-90/);
    expect(out).toContain('✖ 2 breaking changes');
    expect(out).toContain(
      '`checkout_legacy_cart_views_total` is removed: dashboards, alerts and recording rules that query it will find no data',
    );
    expect(out).toContain(
      'label `region` of `checkout_orders_placed_total` is removed: queries that select or aggregate by it break  src/metrics.ts:13',
    );
    expect(out).toContain(
      'Series: 740 → 643 series (-97; -97 KB–388 KB at the backend, at 1–4 KB per series), unbounded metrics 0 → 1; 1 added, 2 changed, 1 removed, 1 unchanged metrics',
    );
    // Nothing in the work tree, the index or HEAD changed, and the base revision's copy is gone.
    expect(gitIn(repo.dir, ['status', '--porcelain', '--ignored'])).toBe('');
    expect(gitIn(repo.dir, ['rev-parse', 'HEAD']).trim()).toBe(repo.head);
    expect(gitIn(repo.dir, ['worktree', 'list']).trim().split('\n')).toHaveLength(1);
    expect(gitIn(repo.dir, ['stash', 'list'])).toBe('');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('has a json format with every changed metric, the breaking changes and the totals', async () => {
    const repo = fixtureRepo('checkout-service');
    const run = await runCli(['diff', '--base', 'main~1', '--format', 'json'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RunDiff;
    expect(result.schemaVersion).toBe(1);
    expect(result.base).toEqual({ ref: 'main~1', commit: repo.base });
    expect(result.metrics.map((m) => [m.change, m.metric, m.delta])).toEqual([
      ['added', 'checkout_coupon_redemptions_total', null],
      ['removed', 'checkout_legacy_cart_views_total', -1],
      ['changed', 'checkout_orders_placed_total', -6],
      ['changed', 'http_request_duration_seconds', -90],
    ]);
    const orders = result.metrics.find((m) => m.metric === 'checkout_orders_placed_total')!;
    expect(orders.labelsRemoved).toEqual(['region']);
    expect(orders.before!.labels).toEqual(['payment_method', 'region']);
    expect(orders.after!.labels).toEqual(['payment_method']);
    expect(result.breaking.map((b) => [b.kind, b.metric, b.label ?? ''])).toEqual([
      ['metric-removed', 'checkout_legacy_cart_views_total', ''],
      ['label-removed', 'checkout_orders_placed_total', 'region'],
    ]);
    expect(result.total).toEqual({
      before: { series: 740, metrics: 4, unbounded: 0, overBudget: 0, totalOverBudget: false },
      after: { series: 643, metrics: 4, unbounded: 1, overBudget: 0, totalOverBudget: false },
      delta: -97,
    });
    expect(result.unchanged).toBe(1);
  });

  it('has a markdown format with the delta table and the breaking changes', async () => {
    const repo = fixtureRepo('checkout-service');
    const run = await runCli(['diff', '--base', 'HEAD~1', '-f', 'markdown'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`### Series delta against \`HEAD~1 (${repo.base.slice(0, 7)})\``);
    expect(run.stdout).toContain(
      '| `checkout_coupon_redemptions_total` | added | counter | `customer` | 0 → unbounded | unbounded |  | `src/metrics.ts:18` |',
    );
    expect(run.stdout).toContain(
      '| `checkout_orders_placed_total` | changed | counter | `-region` | 9 → 3 | -6 | -6 KB–24 KB | `src/metrics.ts:12` |',
    );
    expect(run.stdout).toContain('#### Breaking changes');
  });

  it('is a library function that compares the merge base, so what the base branch gained is not a removal', async () => {
    const repo = fixtureRepo('checkout-service');
    // main moves on after the branch started: a metric added there is not this branch's removal.
    gitIn(repo.dir, ['checkout', '--quiet', '-b', 'feature']);
    gitIn(repo.dir, ['checkout', '--quiet', 'main']);
    mkdirSync(join(repo.dir, 'src', 'later'), { recursive: true });
    writeFileSync(
      join(repo.dir, 'src', 'later', 'fx.ts'),
      `import { Counter } from 'prom-client';\n${counter('checkout_fx_rates_total', ['currency'])}`,
    );
    gitIn(repo.dir, ['add', '--all']);
    gitIn(repo.dir, ['commit', '--quiet', '-m', 'main moves on']);
    gitIn(repo.dir, ['checkout', '--quiet', 'feature']);
    const result = await diff({ cwd: repo.dir, base: 'main' });
    expect(result.base.commit).toBe(repo.head);
    expect(result.metrics).toEqual([]);
    expect(result.unchanged).toBe(4);
  });

  it('takes a metric removed and one added in the same file with the same kind and labels as a rename', async () => {
    const repo = fixtureRepo('rename', {
      base: tempProject({
        'src/metrics.ts': `import { Counter } from 'prom-client';\n${counter('payments_total', ['outcome'])}${counter('refunds_total', ['reason'])}`,
      }),
      head: tempProject({
        'src/metrics.ts': `import { Counter } from 'prom-client';\n${counter('payments_processed_total', ['outcome'])}${counter('refunds_total', ['reason'])}`,
      }),
    });
    const result = await diff({ cwd: repo.dir, base: 'HEAD~1' });
    expect(result.metrics.map((m) => [m.change, m.metric, m.renamedFrom])).toEqual([
      ['renamed', 'payments_processed_total', 'payments_total'],
    ]);
    expect(result.breaking.map((b) => b.message)).toEqual([
      '`payments_total` is renamed to `payments_processed_total`: dashboards, alerts and recording rules that query `payments_total` will find no data',
    ]);
  });

  it('analyses only the paths given, and counts everything under a path the branch adds as new', async () => {
    const repo = fixtureRepo('paths', {
      base: tempProject({
        'services/a/src/m.ts': `import { Counter } from 'prom-client';\n${counter('a_total', ['x'])}`,
      }),
      head: tempProject({
        'services/a/src/m.ts': `import { Counter } from 'prom-client';\n${counter('a_total', ['x'])}`,
        'services/b/src/m.ts': `import { Counter } from 'prom-client';\n${counter('b_total', ['y'])}`,
      }),
    });
    const onlyB = await diff({ cwd: repo.dir, base: 'HEAD~1', paths: ['services/b'] });
    expect(onlyB.metrics.map((m) => [m.change, m.metric])).toEqual([['added', 'b_total']]);
    expect(onlyB.total.before.metrics).toBe(0);
    const fromA = await diff({ cwd: join(repo.dir, 'services', 'a'), base: 'HEAD~1' });
    expect(fromA.metrics).toEqual([]);
    expect(fromA.unchanged).toBe(1);
  });

  it('analyses each revision with its own budget file', async () => {
    const metric = `import { Counter } from 'prom-client';\nexport const c = new Counter({ name: 'jobs_total', help: 'h', labelNames: ['queue'] });\nexport function f(queue: string) { c.inc({ queue }); }\n`;
    const repo = fixtureRepo('budget', {
      base: tempProject({ 'src/m.ts': metric, 'obslint.yaml': 'labels: { queue: 10 }\n' }),
      head: tempProject({ 'src/m.ts': metric, 'obslint.yaml': 'labels: { queue: 30 }\n' }),
    });
    const result = await diff({ cwd: repo.dir, base: 'HEAD~1' });
    expect(result.metrics.map((m) => [m.metric, m.before?.series, m.after?.series])).toEqual([['jobs_total', 10, 30]]);
  });

  it('exits 2 with a message about fetch-depth in a shallow clone without the base commit', async () => {
    const repo = fixtureRepo('checkout-service');
    const clone = join(tempDir('obslint-clone-'), 'shallow');
    gitIn(repo.dir, ['clone', '--quiet', '--depth=1', `file://${repo.dir}`, clone]);
    const run = await runBin(['diff', '--base', repo.base], clone);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `obslint: the base revision \`${repo.base}\` is not in this clone: it is a shallow clone. Fetch the history first (with actions/checkout, set \`fetch-depth: 0\`; elsewhere, \`git fetch --unshallow\`)\n`,
    );
  });

  it('exits 2 on an unknown revision, outside a repository and without --base, never with a stack', async () => {
    const repo = fixtureRepo('checkout-service');
    const unknown = await runCli(['diff', '--base', 'no-such-branch'], { cwd: repo.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^obslint: unknown revision `no-such-branch`: .*fetch-depth: 0/);
    // An option-looking ref is a revision name to git, never an option.
    const injected = await runCli(['diff', '--base=--output=/tmp/obslint-pwned'], { cwd: repo.dir });
    expect(injected.code).toBe(2);
    expect(injected.stderr).toMatch(/^obslint: unknown revision `--output=\/tmp\/obslint-pwned`/);
    expect(existsSync('/tmp/obslint-pwned')).toBe(false);
    const outside = await runCli(['diff', '--base', 'HEAD'], { cwd: tempDir() });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^obslint: not a git repository: /);
    const missing = await runCli(['diff'], { cwd: repo.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--base <ref>' not specified");
  });
});

describe('changed lines', () => {
  it('reads the added lines of each file from git diff --unified=0, quoted paths included', () => {
    const text = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@ x',
      '@@ -10,0 +11,3 @@ y',
      '@@ -20,2 +23,0 @@ z',
      'diff --git a/old.ts b/new name.ts',
      '--- a/old.ts',
      '+++ b/new name.ts',
      '@@ -1,0 +2 @@',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '+++ "b/tab\\there/\\303\\274.ts"',
      '@@ -0,0 +1,2 @@',
    ].join('\n');
    const changed = parseUnifiedDiff(text);
    expect([...changed].map(([file, lines]) => [file, [...lines]])).toEqual([
      ['src/a.ts', [3, 11, 12, 13]],
      ['new name.ts', [2]],
      ['tab\there/ü.ts', [1, 2]],
    ]);
  });
});
