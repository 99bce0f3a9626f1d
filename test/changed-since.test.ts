import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/types.js';
import { runBin, runCli, tempDir, tempProject } from './helpers/cli.js';
import { gitIn } from './helpers/git.js';
import { ORDERS_API, ordersApiRepo } from './helpers/hook-project.js';

/**
 * `obslint --changed-since REF` in real temporary repositories: ORDERS_API on `main` (its handler.ts
 * and admin.ts label with a raw URL on line 4), then a `feature` branch that changes files in
 * each way git knows: committed, staged, not staged, untracked, deleted.
 */
const rawUrlHandler = (name: string): string => `import { requests } from '@app/metrics';

export function ${name}(req: { url: string; headers: Record<string, string> }): void {
  requests.inc({ route: req.url, tenant: req.headers['x-tenant'] });
}
`;

const billingHandler = (header: string): string => `${header}import { Counter } from 'prom-client';

const bills = new Counter({ name: 'billing_requests_total', help: 'Billing requests by route', labelNames: ['route'] });
export function bill(req: { url: string }): void {
  bills.inc({ route: req.url });
}
`;

function write(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

function commitAll(dir: string, message: string): void {
  gitIn(dir, ['add', '--all']);
  gitIn(dir, ['commit', '--quiet', '-m', message]);
}

/** Each finding as `file:line rule`, the shape the assertions compare. */
const where = (result: RunResult): string[] => result.findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`);

async function lint(cwd: string, args: string[]): Promise<{ code: number; result: RunResult; stderr: string }> {
  const run = await runCli(['--format', 'json', '--no-cache', ...args], { cwd });
  expect(run.stderr).toBe('');
  return { code: run.code, result: JSON.parse(run.stdout) as RunResult, stderr: run.stderr };
}

describe('obslint --changed-since', () => {
  it('reports the files changed since the merge base (committed, staged, unstaged, untracked), with the whole project as context', async () => {
    const repo = ordersApiRepo();
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    write(repo, 'src/http/refunds.ts', rawUrlHandler('refund'));
    commitAll(repo, 'refunds');
    // main moves on after the branch point: that change is main's, not this branch's.
    gitIn(repo, ['checkout', '--quiet', 'main']);
    write(repo, 'src/http/handler.ts', `// Owned by the orders team.\n${ORDERS_API['src/http/handler.ts']}`);
    commitAll(repo, 'main moves on');
    gitIn(repo, ['checkout', '--quiet', 'feature']);
    write(repo, 'src/http/exports.ts', rawUrlHandler('exportOrders'));
    commitAll(repo, 'exports');
    // Not staged, staged, untracked (with a space in its name) and deleted.
    write(repo, 'src/http/exports.ts', `// CSV exports.\n${rawUrlHandler('exportOrders')}`);
    write(repo, 'src/http/admin.ts', `// Audit log.\n${ORDERS_API['src/http/admin.ts']}`);
    gitIn(repo, ['add', 'src/http/admin.ts']);
    write(repo, 'src/http/web hooks.ts', rawUrlHandler('webhook'));
    gitIn(repo, ['rm', '--quiet', 'src/clean.ts']);

    const full = await lint(repo, []);
    expect(where(full.result)).toEqual([
      'src/http/admin.ts:5 untemplated-route',
      'src/http/exports.ts:5 untemplated-route',
      'src/http/handler.ts:4 untemplated-route',
      'src/http/refunds.ts:4 untemplated-route',
      'src/http/web hooks.ts:4 untemplated-route',
    ]);
    const changed = await lint(repo, ['--changed-since', 'main']);
    expect(changed.code).toBe(1);
    // handler.ts is unchanged on this branch (main's edit to it is not the branch's). The metric
    // lives in unchanged lib/metrics.ts and `tenant` is bounded by the unchanged obslint.yaml:
    // without them the changed files would have no finding, or an unbounded `tenant` too.
    expect(where(changed.result)).toEqual([
      'src/http/admin.ts:5 untemplated-route',
      'src/http/exports.ts:5 untemplated-route',
      'src/http/refunds.ts:4 untemplated-route',
      'src/http/web hooks.ts:4 untemplated-route',
    ]);
    expect(changed.result.findings).toEqual(full.result.findings.filter((f) => f.loc.file !== 'src/http/handler.ts'));
    expect(changed.result.notices).toEqual([]);
    expect(changed.result.stats).toEqual(full.result.stats);
    expect(changed.result.catalog).toEqual(full.result.catalog);
  });

  it("reports a duplicate registration in the changed file only, found through the unchanged file's metric", async () => {
    const repo = ordersApiRepo();
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    write(
      repo,
      'src/http/legacy.ts',
      `import { Counter } from 'prom-client';

export const legacyRequests = new Counter({ name: 'orders_requests_total', help: 'Requests, as counted before' });
`,
    );
    // One process loads both definitions: prom-client's default registry throws on the second.
    write(
      repo,
      'src/server.ts',
      `import { requests } from '@app/metrics';
import { legacyRequests } from './http/legacy';

export const counters = [requests, legacyRequests];
`,
    );
    commitAll(repo, 'legacy metrics');

    const full = await lint(repo, []);
    expect(where(full.result)).toContain('lib/metrics.ts:4 metric-registration');
    const changed = await lint(repo, ['--changed-since', 'main']);
    expect(changed.code).toBe(1);
    expect(where(changed.result)).toEqual(['src/http/legacy.ts:3 metric-registration']);
    expect(changed.result.findings[0]?.message).toContain('lib/metrics.ts:4');
  });

  it('reports a renamed file under its new name and is fine with a deleted one', async () => {
    const repo = ordersApiRepo();
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    mkdirSync(join(repo, 'src/routes'));
    renameSync(join(repo, 'src/http/admin.ts'), join(repo, 'src/routes/admin.ts'));
    gitIn(repo, ['rm', '--quiet', 'src/http/handler.ts']);
    commitAll(repo, 'move admin, drop handler');

    const changed = await lint(repo, ['--changed-since', 'main']);
    expect(where(changed.result)).toEqual(['src/routes/admin.ts:4 untemplated-route']);
    expect(changed.code).toBe(1);
  });

  it('exits 0 with a note when nothing changed, and an empty but complete report for machine formats', async () => {
    const repo = ordersApiRepo();
    // A change obslint does not analyse (a README, a test file) is no changed file for it.
    write(repo, 'README.md', '# orders-api\n');
    write(repo, 'src/http/handler.test.ts', rawUrlHandler('testHandler'));

    const stylish = await runCli(['--changed-since', 'HEAD', '--no-cache'], { cwd: repo });
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toContain('note  no changed files since HEAD\n');
    expect(stylish.stdout).toContain('✔ no problems');

    const json = await lint(repo, ['--changed-since', 'HEAD']);
    expect(json.code).toBe(0);
    expect(json.result.findings).toEqual([]);
    expect(json.result.notices).toEqual([{ level: 'note', message: 'no changed files since HEAD' }]);
    expect(json.result.catalog.metrics.map((m) => m.name)).toEqual(['orders_requests_total']);

    const sarif = await runCli(['--changed-since', 'HEAD', '--no-cache', '--format', 'sarif'], { cwd: repo });
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].results).toEqual([]);
  });

  it('intersects with the paths given, and works from a project below the repository root', async () => {
    const repo = tempDir('obslint-monorepo-');
    for (const [file, text] of Object.entries(ORDERS_API)) write(repo, `services/orders/${file}`, text);
    write(repo, 'services/billing/src/bills.ts', billingHandler(''));
    gitIn(repo, ['init', '--quiet', '--initial-branch=main']);
    commitAll(repo, 'two services');
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    const orders = join(repo, 'services/orders');
    write(orders, 'src/http/refunds.ts', rawUrlHandler('refund'));
    write(orders, 'scripts/backfill.ts', rawUrlHandler('backfill'));
    write(repo, 'services/billing/src/bills.ts', billingHandler('// Billing.\n'));
    commitAll(repo, 'refunds, a backfill script, billing');

    // From the orders service: billing is outside the project analysed here.
    const fromService = await lint(orders, ['--changed-since', 'main']);
    expect(where(fromService.result)).toEqual([
      'scripts/backfill.ts:4 untemplated-route',
      'src/http/refunds.ts:4 untemplated-route',
    ]);
    // From the root, as the same run without the flag reports them (no budget file bounds `tenant`
    // there), less the unchanged files.
    const full = await lint(repo, []);
    const fromRoot = await lint(repo, ['--changed-since', 'main']);
    expect(where(fromRoot.result)).toEqual([
      'services/billing/src/bills.ts:6 untemplated-route',
      'services/orders/scripts/backfill.ts:4 untemplated-route',
      'services/orders/scripts/backfill.ts:4 unbounded-label',
      'services/orders/src/http/refunds.ts:4 untemplated-route',
      'services/orders/src/http/refunds.ts:4 unbounded-label',
    ]);
    expect(where(full.result)).toEqual([
      ...where(fromRoot.result).slice(0, 3),
      'services/orders/src/http/admin.ts:4 untemplated-route',
      'services/orders/src/http/handler.ts:4 untemplated-route',
      'services/orders/src/http/handler.ts:4 unbounded-label',
      ...where(fromRoot.result).slice(3),
    ]);
    const oneService = await lint(repo, ['--changed-since', 'main', 'services/orders']);
    expect(where(oneService.result)).toEqual(where(fromRoot.result).slice(1));
    // Named files keep the whole project as context; only those both named and changed are reported.
    const named = await lint(orders, ['--changed-since', 'main', 'scripts/backfill.ts', 'src/http/handler.ts']);
    expect(where(named.result)).toEqual(['scripts/backfill.ts:4 untemplated-route']);
    const unchanged = await lint(orders, ['--changed-since', 'main', 'src/http/handler.ts']);
    expect(unchanged.code).toBe(0);
    expect(unchanged.result.findings).toEqual([]);
    expect(unchanged.result.notices).toEqual([
      { level: 'note', message: 'no changed files since main under src/http/handler.ts' },
    ]);
  });

  it('applies the baseline to the changed files, and calls entries stale only in files it looked at', async () => {
    const repo = ordersApiRepo();
    expect((await runCli(['baseline'], { cwd: repo })).code).toBe(0);
    commitAll(repo, 'adopt obslint');
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    // handler.ts keeps its known finding; refunds.ts brings a new one.
    write(repo, 'src/http/handler.ts', `// Owned by the orders team.\n${ORDERS_API['src/http/handler.ts']}`);
    write(repo, 'src/http/refunds.ts', rawUrlHandler('refund'));
    commitAll(repo, 'refunds');

    const run = await lint(repo, ['--changed-since', 'main']);
    expect(where(run.result)).toEqual(['src/http/refunds.ts:4 untemplated-route']);
    expect(run.result.baseline).toEqual({ file: 'obslint-baseline.json', suppressed: 1, stale: [] });

    // Fixing handler.ts makes its entry stale; admin.ts, unchanged, is not looked at.
    write(repo, 'src/http/handler.ts', ORDERS_API['src/http/handler.ts'].replace('req.originalUrl', "'/orders'"));
    const fixed = await lint(repo, ['--changed-since', 'main']);
    expect(fixed.result.baseline?.suppressed).toBe(0);
    expect(fixed.result.baseline?.stale.map((e) => e.file)).toEqual(['src/http/handler.ts']);
  });

  it('reports findings on the budget file only when the budget file changed', async () => {
    const repo = ordersApiRepo({
      'lib/payments.ts': `import { Counter } from 'prom-client';

export type Outcome = 'paid' | 'declined';
export const payments = new Counter({ name: 'orders_payments_total', help: 'Payments by outcome', labelNames: ['outcome'] });

export function recordPayment(outcome: Outcome): void {
  payments.inc({ outcome });
}
`,
    });
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    write(repo, 'src/http/refunds.ts', rawUrlHandler('refund'));
    commitAll(repo, 'refunds');
    const before = await lint(repo, ['--changed-since', 'main']);
    expect(where(before.result)).toEqual(['src/http/refunds.ts:4 untemplated-route']);

    write(repo, 'obslint.yaml', `${readFileSync(join(repo, 'obslint.yaml'), 'utf8')}total: { maxSeries: 1 }\n`);
    const full = await lint(repo, []);
    const budget = full.result.findings.filter((f) => f.loc.file === 'obslint.yaml');
    expect(budget.map((f) => f.ruleId)).toEqual(['cardinality-budget']);
    const after = await lint(repo, ['--changed-since', 'main']);
    expect(after.result.findings).toEqual([...budget, ...before.result.findings]);
  });

  it('reports conventions on the lines the branch adds, and notes those on established lines', async () => {
    const established = `import { Counter } from 'prom-client';

export const refunds = new Counter({ name: 'orders_refunds', help: 'Refunds issued' });
`;
    // Another established convention, in a file the branch leaves alone.
    const legacy =
      "import { Histogram } from 'prom-client';\n\nexport const legacy = new Histogram({ name: 'orders_legacy_latency_ms', help: 'Legacy latency' });\n";
    const repo = ordersApiRepo({ 'lib/refunds.ts': established, 'lib/legacy.ts': legacy });
    gitIn(repo, ['checkout', '--quiet', '-b', 'feature']);
    write(
      repo,
      'lib/refunds.ts',
      `${established}export const chargebacks = new Counter({ name: 'orders_chargebacks', help: 'Chargebacks received' });
`,
    );
    write(
      repo,
      'lib/payouts.ts',
      "import { Histogram } from 'prom-client';\n\nexport const payouts = new Histogram({ name: 'orders_payout_ms', help: 'Payout time' });\n",
    );

    const full = await lint(repo, []);
    expect(where(full.result).filter((w) => w.includes('metric-naming'))).toEqual([]);
    expect(full.result.notices.filter((n) => n.ruleId === 'metric-naming').map((n) => n.message)).toEqual([
      expect.stringMatching(
        /^4 metric-naming findings on established code \(`orders_legacy_latency_ms`, `orders_payout_ms`, `orders_refunds`, 1 more\)/,
      ),
    ]);

    const changed = await lint(repo, ['--changed-since', 'main']);
    // The counter the branch adds to lib/refunds.ts (line 4) and the untracked file's: the counter
    // on line 3 was there before the branch and is noted, not reported.
    expect(where(changed.result)).toEqual(['lib/payouts.ts:3 metric-naming', 'lib/refunds.ts:4 metric-naming']);
    expect(changed.result.notices.filter((n) => n.ruleId === 'metric-naming')).toMatchObject([
      {
        file: 'lib/refunds.ts',
        line: 3,
        message: expect.stringMatching(/^1 metric-naming finding on established code \(`orders_refunds`\)/),
      },
    ]);
  });

  it('exits 2 with a clear message for an unknown revision, outside a repository, and without git', async () => {
    const repo = ordersApiRepo();
    const unknown = await runCli(['--changed-since', 'nope'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^obslint: --changed-since: unknown revision `nope`: no such commit, branch or tag/);

    const plain = tempProject({ 'src/metrics.ts': ORDERS_API['lib/metrics.ts'] });
    const notRepo = await runCli(['--changed-since', 'main'], { cwd: plain });
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toBe(`obslint: --changed-since: not a git repository: ${plain}\n`);

    // The bin runs node by its full path; a PATH without git is one where git is missing.
    const noGit = await runBin(['--changed-since', 'main'], repo, { PATH: tempDir('obslint-empty-path-') });
    expect(noGit.code).toBe(2);
    expect(noGit.stderr).toBe('obslint: --changed-since: git is not installed (or not on PATH)\n');
  });
});
