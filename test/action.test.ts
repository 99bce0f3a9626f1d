import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BUNDLE, FakeGitHub, pullRequestEvent, REPOSITORY, runAction, type ActionRun } from './helpers/action.js';
import { REPO_ROOT, tempDir, tempProject } from './helpers/cli.js';
import { fixtureRepo, gitIn, type FixtureRepo } from './helpers/git.js';

const VALIDATOR = join(REPO_ROOT, 'node_modules', '.bin', 'sarif-multitool');

function node24(): string {
  const provided = inject('node24');
  if ('error' in provided) throw new Error(provided.error);
  return provided.path;
}

function validateSarif(file: string): string[] {
  const output = execFileSync(VALIDATOR, ['validate', file, '--rule-kind', 'Gh'], { encoding: 'utf8' });
  expect(output).toContain('Analysis completed successfully');
  return output.split('\n').filter((line) => /: (error|warning) [A-Z]+\d+:/.test(line));
}

function markedComments(api: FakeGitHub, issue: number): { id: number; body: string }[] {
  return (api.comments.get(issue) ?? []).filter((c) => c.body.startsWith('<!-- obslint:cardinality -->'));
}

describe('the GitHub Action (committed bundle, Node 24)', () => {
  let api: FakeGitHub;
  beforeAll(async () => {
    api = await FakeGitHub.start();
  });
  afterAll(() => api.close());

  it('runs on Node 24', () => {
    expect(execFileSync(node24(), ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
    expect(existsSync(BUNDLE)).toBe(true);
  });

  describe('on a pull request that adds a metric with an unbounded label', () => {
    let repo: FixtureRepo;
    let first: ActionRun;
    beforeAll(async () => {
      repo = fixtureRepo('checkout-service');
      first = await runAction({
        node: node24(),
        workspace: repo.dir,
        event: pullRequestEvent({ number: 7, baseSha: repo.base, headSha: repo.head }),
        api,
        sha: repo.head,
        runId: '1001',
      });
    });

    it('fails the step, saying why', () => {
      expect(first.stderr).toBe('');
      expect(first.code).toBe(1);
      expect(first.stdout).toContain('::error::obslint: 1 error, 1 warning (fail-on: error)');
    });

    it('writes every output', () => {
      expect(first.outputs).toEqual({
        'sarif-file': 'obslint.sarif',
        errors: '1',
        warnings: '1',
        'series-total': '643',
        'series-delta': '-97',
      });
    });

    it('annotates the changed lines only, worst first', () => {
      // The unknown-label-bound warning sits on a line the pull request does not change: no annotation.
      expect(first.annotations).toEqual([
        '::error title=obslint/unbounded-label,file=src/server.ts,line=15,endLine=15,col=58,endColumn=77::label `customer` of `checkout_coupon_redemptions_total` takes `req.body.customerId` (request input, unbounded): map it onto a fixed set of values (an allow-list with an "other" bucket) before labelling, or drop the label',
        '::error::obslint: 1 error, 1 warning (fail-on: error)',
      ]);
    });

    it('writes a job summary with the delta table naming the new metric, breaking changes and the largest metrics', () => {
      const s = first.summary;
      expect(s).toContain('## obslint');
      expect(s).toContain(
        '❌ **1 error**, 1 warning in 2 files and 4 metrics (1 on lines this pull request changes). **643** series estimated + 1 unbounded metric, -97 against `main`.',
      );
      expect(s).toContain(`### Series delta against \`main\` (\`${repo.base.slice(0, 7)}\`)`);
      const link = (file: string, line: number): string =>
        `https://github.com/${REPOSITORY}/blob/${repo.head}/${file}#L${line}`;
      expect(s).toContain(
        `| \`checkout_coupon_redemptions_total\` | added | counter | \`customer\` | 0 → unbounded | unbounded |  | [\`src/metrics.ts:18\`](${link('src/metrics.ts', 18)}) |`,
      );
      expect(s).toContain(
        '| `http_request_duration_seconds` | changed | histogram | – | 630 → 540 | -90 | -90 KB–360 KB |',
      );
      expect(s).toContain('#### Breaking changes');
      expect(s).toContain('- `checkout_legacy_cart_views_total` is removed');
      expect(s).toContain('- label `region` of `checkout_orders_placed_total` is removed');
      expect(s).toContain('### Findings on changed lines');
      expect(s).toContain(`| error | [\`src/server.ts:15\`](${link('src/server.ts', 15)}) | [unbounded-label](`);
      expect(s).toContain('### Findings by rule');
      expect(s).toMatch(/\| \[unknown-label-bound\]\([^)]+\) \| 0 \| 1 \| 0 \|/);
      expect(s).toContain('### Largest metrics');
      expect(s).toContain(
        '| `http_request_duration_seconds` | histogram | 540 | 540 KB–2.1 MB | method 1 × route 12 × status_code 5 × 9 per child |',
      );
      expect(s).toContain('### All findings\n\n<details><summary>2 findings</summary>');
      expect(s).toContain('SARIF: `obslint.sarif` with 2 results');
      expect(Buffer.byteLength(s)).toBeLessThan(1024 * 1024);
    });

    it('writes SARIF that passes the validator with GitHub ingestion rules', () => {
      const file = join(repo.dir, 'obslint.sarif');
      expect(validateSarif(file)).toEqual([]);
      const results = JSON.parse(readFileSync(file, 'utf8')).runs[0].results;
      expect(results.map((r: { ruleId: string }) => r.ruleId)).toEqual([
        'obslint/unknown-label-bound',
        'obslint/unbounded-label',
      ]);
    });

    it('creates one comment, and a second run updates it instead of adding another', async () => {
      const created = markedComments(api, 7);
      expect(created).toHaveLength(1);
      expect(created[0].body).toContain('`checkout_coupon_redemptions_total` | added');
      expect(created[0].body).toContain('[Full report](https://github.com/acme/checkout-service/actions/runs/1001)');
      expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      const id = created[0].id;

      const second = await runAction({
        node: node24(),
        workspace: repo.dir,
        event: pullRequestEvent({ number: 7, baseSha: repo.base, headSha: repo.head }),
        api,
        sha: repo.head,
        runId: '1002',
      });
      expect(second.code).toBe(1);
      const after = markedComments(api, 7);
      expect(after).toHaveLength(1);
      expect(after[0].id).toBe(id);
      expect(after[0].body).toContain('actions/runs/1002');
      expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(api.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
        `/repos/${REPOSITORY}/issues/comments/${id}`,
      ]);
    });

    it('leaves the work tree as it was', () => {
      expect(gitIn(repo.dir, ['status', '--porcelain'])).toBe('?? obslint.sarif\n');
      expect(gitIn(repo.dir, ['rev-parse', 'HEAD']).trim()).toBe(repo.head);
    });
  });

  it('finds its comment among many others (pagination) and leaves the others alone', async () => {
    const repo = fixtureRepo('checkout-service');
    for (let i = 0; i < 105; i++) api.addComment(8, `looks good ${i}`);
    api.addComment(8, '<!-- obslint:cardinality -->\nan older report');
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 8, baseSha: repo.base, headSha: repo.head }),
      api,
    });
    expect(run.code).toBe(1);
    const comments = api.comments.get(8)!;
    expect(comments).toHaveLength(106);
    expect(comments.filter((c) => c.body.startsWith('looks good'))).toHaveLength(105);
    expect(markedComments(api, 8)[0].body).toContain('Series delta against');
  });

  it('on a fork pull request, turns the refused comment into a warning and still writes the summary and SARIF', async () => {
    const repo = fixtureRepo('checkout-service');
    api.readOnly = true;
    try {
      const run = await runAction({
        node: node24(),
        workspace: repo.dir,
        event: pullRequestEvent({
          number: 9,
          baseSha: repo.base,
          headSha: repo.head,
          headRepository: 'someone/checkout-service',
        }),
        inputs: { 'fail-on': 'never', 'sarif-file': 'reports/obslint.sarif' },
        api,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        '::warning::obslint: could not comment on the pull request (POST /repos/acme/checkout-service/issues/9/comments: HTTP 403 Resource not accessible by integration): a pull request from a fork gets a read-only token. The job summary and the SARIF file have the report.',
      );
      expect(markedComments(api, 9)).toEqual([]);
      expect(run.summary).toContain('`checkout_coupon_redemptions_total` | added');
      expect(run.summary).toContain('⚠️ **1 error**');
      expect(run.outputs['sarif-file']).toBe('reports/obslint.sarif');
      expect(validateSarif(join(repo.dir, 'reports', 'obslint.sarif'))).toEqual([]);
    } finally {
      api.readOnly = false;
    }
  });

  it('exit status follows fail-on', async () => {
    const repo = fixtureRepo('warnings-only', {
      base: tempProject({ 'src/m.ts': "import { Counter } from 'prom-client';\n" }),
      head: tempProject({
        'src/m.ts':
          "import { Summary } from 'prom-client';\nexport const s = new Summary({ name: 'checkout_seconds', help: 'Checkout duration' });\n",
      }),
    });
    const event = pullRequestEvent({ number: 10, baseSha: repo.base, headSha: repo.head });
    const run = (failOn: string): Promise<ActionRun> =>
      runAction({ node: node24(), workspace: repo.dir, event, inputs: { 'fail-on': failOn, comment: 'false' } });
    const [onError, onWarning, never] = await Promise.all([run('error'), run('warning'), run('never')]);
    expect(onError.code).toBe(0);
    expect(onError.outputs.warnings).toBe('1');
    expect(onWarning.code).toBe(1);
    expect(onWarning.stdout).toContain('::error::obslint: 0 errors, 1 warning (fail-on: warning)');
    expect(never.code).toBe(0);
    const invalid = await run('sometimes');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain(
      '::error::obslint: input `fail-on` must be one of error, warning, never (got `sometimes`)',
    );
  });

  it('annotates at most 10 errors and 10 warnings per step, then says how many more are in the summary', async () => {
    const metrics = Array.from(
      { length: 14 },
      (_, i) =>
        `export const c${i} = new Counter({ name: 'signups_${i}_total', help: 'h', labelNames: ['plan_${i}'] });\nexport function f${i}(req: { body: { plan: string } }) { c${i}.inc({ plan_${i}: req.body.plan }); }\n`,
    ).join('');
    const summaries = Array.from(
      { length: 12 },
      (_, i) => `export const s${i} = new Summary({ name: 'task_${i}_seconds', help: 'h', maxAgeSeconds: 60 });\n`,
    ).join('');
    // The summary the base already has is a convention on a line the pull request leaves alone: a note, not a 13th warning.
    const established =
      "import { Counter, Summary } from 'prom-client';\nexport const legacy = new Summary({ name: 'legacy_seconds', help: 'h', maxAgeSeconds: 60 });\n";
    const repo = fixtureRepo('many', {
      base: tempProject({ 'src/m.ts': established }),
      head: tempProject({ 'src/m.ts': `${established}${metrics}${summaries}` }),
    });
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 11, baseSha: repo.base, headSha: repo.head }),
      inputs: { comment: 'false' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ errors: '14', warnings: '12' });
    const count = (kind: string): number =>
      run.annotations.filter((a) => a.startsWith(`::${kind} `) && a.includes('file=')).length;
    // One error slot is the step's failure message.
    expect(count('error')).toBe(9);
    expect(count('warning')).toBe(10);
    expect(run.annotations).toContain('::notice::obslint: 7 more findings on changed lines in the summary');
    expect(run.annotations).toContain('::error::obslint: 14 errors, 12 warnings (fail-on: error)');
  });

  it('without the base commit (a shallow clone), fails with a message about fetch-depth and still writes the summary and SARIF', async () => {
    const repo = fixtureRepo('checkout-service');
    const clone = join(tempDir('obslint-clone-'), 'workspace');
    gitIn(repo.dir, ['clone', '--quiet', '--depth=1', `file://${repo.dir}`, clone]);
    const run = await runAction({
      node: node24(),
      workspace: clone,
      event: pullRequestEvent({ number: 12, baseSha: repo.base, headSha: repo.head }),
      inputs: { 'fail-on': 'never', comment: 'false' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `::error::obslint: the base revision \`${repo.base}\` is not in this clone: it is a shallow clone. Fetch the history first (with actions/checkout, set \`fetch-depth: 0\`; elsewhere, \`git fetch --unshallow\`)`,
    );
    expect(run.summary).toContain('No series delta: the base revision');
    expect(run.summary).toContain('### Largest metrics');
    expect(run.outputs['series-delta']).toBe('');
    expect(run.outputs['series-total']).toBe('643');
    expect(existsSync(join(clone, 'obslint.sarif'))).toBe(true);
  });

  it('never passes an input through a shell', async () => {
    const repo = fixtureRepo('checkout-service');
    const marker = join(tempDir(), 'pwned');
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 13, baseSha: repo.base, headSha: repo.head }),
      inputs: { 'base-ref': `main; touch ${marker}`, path: `$(touch ${marker})`, comment: 'false' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::obslint: no such file or directory: $(touch ${marker})`);
    const again = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 13, baseSha: repo.base, headSha: repo.head }),
      inputs: { 'base-ref': `main; touch ${marker}`, comment: 'false' },
    });
    expect(again.stdout).toContain(`::error::obslint: unknown revision \`main; touch ${marker}\``);
    expect(existsSync(marker)).toBe(false);
  });

  it('turns a job summary it cannot write into a warning, and still sets the outputs', async () => {
    const repo = fixtureRepo('checkout-service');
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 15, baseSha: repo.base, headSha: repo.head }),
      inputs: { comment: 'false', 'fail-on': 'never' },
      env: { GITHUB_STEP_SUMMARY: tempDir() },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::warning::obslint: could not write the job summary: EISDIR/m);
    expect(run.outputs.errors).toBe('1');
  });

  it('on a push (no pull request), annotates every finding, writes no delta and makes no comment', async () => {
    const repo = fixtureRepo('checkout-service');
    const before = api.requests.length;
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      eventName: 'push',
      event: { ref: 'refs/heads/main', before: repo.base, after: repo.head },
      api,
    });
    expect(run.code).toBe(1);
    expect(run.outputs['series-delta']).toBe('');
    expect(run.summary).toContain(
      'No base revision to compare with: this run is not for a pull request and `base-ref` is not set.',
    );
    expect(run.annotations.filter((a) => a.includes('file='))).toHaveLength(2);
    expect(api.requests.length).toBe(before);
    // A base given as an input compares with it, on any event.
    const withBase = await runAction({
      node: node24(),
      workspace: repo.dir,
      eventName: 'push',
      event: {},
      inputs: { 'base-ref': 'HEAD~1', comment: 'false' },
    });
    expect(withBase.outputs['series-delta']).toBe('-97');
    expect(withBase.summary).toContain(`### Series delta against \`HEAD~1\` (\`${repo.base.slice(0, 7)}\`)`);
  });

  it('keeps the job summary under 1 MiB and the comment under 65,536 characters when the project is huge', async () => {
    const many = Array.from(
      { length: 3000 },
      (_, i) =>
        `export const c${i} = new Counter({ name: 'orders_region_${i}_total', help: 'h', labelNames: ['user_id_${i}'] });\nexport function f${i}(id: string) { c${i}.inc({ user_id_${i}: id }); }\n`,
    ).join('');
    const repo = fixtureRepo('huge', {
      base: tempProject({ 'src/m.ts': "import { Counter } from 'prom-client';\n" }),
      head: tempProject({ 'src/m.ts': `import { Counter } from 'prom-client';\n${many}` }),
    });
    const run = await runAction({
      node: node24(),
      workspace: repo.dir,
      event: pullRequestEvent({ number: 14, baseSha: repo.base, headSha: repo.head }),
      api,
    });
    expect(run.outputs.errors).toBe('3000');
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary).toContain('<details><summary>');
    expect(run.summary).toMatch(/… and [\d,]+ more findings \(all are in `obslint\.sarif`\)\./);
    const comment = markedComments(api, 14)[0];
    expect(comment.body.length).toBeLessThanOrEqual(65_536);
    expect(comment.body).toContain('more changed metrics');
  }, 180_000);
});
