import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAnnotations } from '../src/action/annotations.js';
import { readContext } from '../src/action/event.js';
import { gitHubClient, upsertStickyComment } from '../src/action/github.js';
import { INPUTS, readInputs } from '../src/action/inputs.js';
import {
  COMMENT_LIMIT_CHARS,
  COMMENT_MARKER,
  failing,
  jobSummary,
  pullRequestComment,
  SUMMARY_LIMIT_BYTES,
  worthCommenting,
  type ReportInput,
} from '../src/action/report.js';
import { analyze } from '../src/api.js';
import type { Finding, MetricDiff, RunDiff, RunResult } from '../src/types.js';
import { FakeGitHub, REPOSITORY, TOKEN } from './helpers/action.js';
import { REPO_ROOT, tempDir } from './helpers/cli.js';

const read =
  (values: Partial<Record<keyof typeof INPUTS, string>>) =>
  (name: keyof typeof INPUTS): string =>
    values[name] ?? '';

describe('action inputs', () => {
  it('reads paths one per line, and applies the defaults for empty inputs', () => {
    expect(readInputs(read({ path: ' src \n\n packages/api\r\n', 'github-token': 't' }))).toEqual({
      paths: ['src', 'packages/api'],
      config: undefined,
      sarifFile: 'obslint.sarif',
      failOn: 'error',
      baseRef: undefined,
      comment: true,
      token: 't',
    });
    expect(readInputs(read({ 'fail-on': 'WARNING', comment: 'False' }))).toMatchObject({
      paths: ['.'],
      failOn: 'warning',
      comment: false,
    });
  });

  it('rejects a fail-on or comment value it does not know, naming the input', () => {
    expect(() => readInputs(read({ 'fail-on': 'errors' }))).toThrow(
      'input `fail-on` must be one of error, warning, never (got `errors`)',
    );
    expect(() => readInputs(read({ comment: 'yes' }))).toThrow('input `comment` must be true or false (got `yes`)');
  });
});

describe('run context', () => {
  const event = (payload: object): string => {
    const file = join(tempDir(), 'event.json');
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };
  const pr = (head: object | null): object => ({
    pull_request: {
      number: 5,
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/app' } },
      head: { sha: 'h'.repeat(40), repo: head },
    },
  });

  it('reads the pull request, and tells a fork (or a deleted one) from a branch', () => {
    const env = { GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '2' };
    const same = readContext({ ...env, GITHUB_EVENT_PATH: event(pr({ full_name: 'acme/app' })) }, '/w');
    expect(same.pullRequest).toEqual({
      number: 5,
      baseSha: 'b'.repeat(40),
      baseRef: 'main',
      headSha: 'h'.repeat(40),
      fromFork: false,
    });
    expect(same.runUrl).toBe('https://github.com/acme/app/actions/runs/9/attempts/2');
    expect(same.apiUrl).toBe('https://api.github.com');
    expect(same.workspace).toBe('/w');
    expect(
      readContext({ ...env, GITHUB_EVENT_PATH: event(pr({ full_name: 'someone/app' })) }, '/w').pullRequest?.fromFork,
    ).toBe(true);
    expect(readContext({ ...env, GITHUB_EVENT_PATH: event(pr(null)) }, '/w').pullRequest?.fromFork).toBe(true);
  });

  it('has no pull request on a push, or without an event file', () => {
    expect(readContext({ GITHUB_EVENT_PATH: event({ ref: 'refs/heads/main' }) }, '/w').pullRequest).toBeUndefined();
    expect(readContext({ GITHUB_EVENT_PATH: '/nonexistent/event.json' }, '/w').pullRequest).toBeUndefined();
  });
});

describe('annotations', () => {
  const finding = (severity: Finding['severity'], file: string, line: number): Finding => ({
    ruleId: 'unbounded-label',
    severity,
    messageId: 'm',
    message: 'm',
    loc: { file, line, column: 1, endLine: line, endColumn: 2 },
    fingerprint: `${file}:${line}`,
  });

  it('takes errors, then warnings, each within its budget, in file and line order', () => {
    const findings = [
      finding('warn', 'b.ts', 1),
      finding('error', 'b.ts', 9),
      finding('error', 'a.ts', 5),
      finding('warn', 'a.ts', 2),
      finding('error', 'a.ts', 1),
    ];
    const plan = planAnnotations(findings, { errors: 2, warnings: 1 });
    expect(plan.errors.map((f) => f.fingerprint)).toEqual(['a.ts:1', 'a.ts:5']);
    expect(plan.warnings.map((f) => f.fingerprint)).toEqual(['a.ts:2']);
    expect(plan.more).toBe(2);
  });

  it('fails on warnings only with fail-on: warning, and never with fail-on: never', () => {
    const warned = { findings: [finding('warn', 'a.ts', 4)] } as RunResult;
    expect(failing(warned, 'warning')).toBe(true);
    expect(failing(warned, 'error')).toBe(false);
    expect(failing({ findings: [finding('error', 'a.ts', 1)] } as RunResult, 'never')).toBe(false);
    expect(failing({ findings: [] as Finding[] } as RunResult, 'warning')).toBe(false);
  });
});

describe('the sticky comment', () => {
  let api: FakeGitHub;
  beforeAll(async () => {
    api = await FakeGitHub.start();
  });
  afterAll(() => api.close());

  it('is not created when there is nothing to say, is not rewritten when unchanged, and is updated otherwise', async () => {
    const client = gitHubClient(api.url, TOKEN);
    const target = { repository: REPOSITORY, issue: 21, marker: COMMENT_MARKER };
    expect(await upsertStickyComment(client, { ...target, body: `${COMMENT_MARKER}\nnothing`, create: false })).toEqual(
      {
        action: 'skipped',
      },
    );
    expect(api.comments.get(21)).toBeUndefined();
    const created = await upsertStickyComment(client, { ...target, body: `${COMMENT_MARKER}\none`, create: true });
    expect(created.action).toBe('created');
    const writes = (): number => api.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    expect(
      (await upsertStickyComment(client, { ...target, body: `${COMMENT_MARKER}\none`, create: true })).action,
    ).toBe('unchanged');
    expect(writes()).toBe(before);
    // Once there is a comment, a later run with nothing to say still updates it (to say so).
    expect(
      (await upsertStickyComment(client, { ...target, body: `${COMMENT_MARKER}\nall clear`, create: false })).action,
    ).toBe('updated');
    expect(api.comments.get(21)!.map((c) => c.body)).toEqual([`${COMMENT_MARKER}\nall clear`]);
  });

  it('reports a refused request with its status and GitHub’s message', async () => {
    await expect(
      gitHubClient(api.url, 'wrong-token').request('GET', `/repos/${REPOSITORY}/issues/1/comments`),
    ).rejects.toMatchObject({
      status: 401,
      message: `GET /repos/${REPOSITORY}/issues/1/comments: HTTP 401 Bad credentials`,
    });
  });
});

describe('job summary and comment size', () => {
  let base: RunResult;
  beforeAll(async () => {
    base = await analyze({ cwd: join(REPO_ROOT, 'fixtures/projects/inventory-service') });
  });

  /** 40,000 findings with long messages and 20,000 changed metrics: far over both limits unfolded. */
  function huge(): ReportInput {
    const template = base.findings[0];
    const findings = Array.from({ length: 40_000 }, (_, i): Finding => ({
      ...template,
      message: `${template.message} ${'x'.repeat(200)} #${i}`,
      loc: { ...template.loc, line: i + 1, endLine: i + 1 },
    }));
    const after = {
      kind: 'counter' as const,
      library: 'prom-client' as const,
      labels: ['tenant'],
      labelsKnown: true,
      series: 40,
      overBudget: false,
      loc: template.loc,
    };
    const metrics = Array.from({ length: 20_000 }, (_, i): MetricDiff => ({
      metric: `tenant_metric_${i}_total`,
      change: 'added',
      after,
      labelsAdded: ['tenant'],
      labelsRemoved: [],
      delta: 40,
    }));
    const total = { series: 800_000, metrics: 20_000, unbounded: 0, overBudget: 0, totalOverBudget: false };
    const diff: RunDiff = {
      schemaVersion: 1,
      tool: base.tool,
      base: { ref: 'main', commit: 'a'.repeat(40) },
      metrics,
      unchanged: 0,
      total: { before: { ...total, series: 0, metrics: 0 }, after: total, delta: 800_000 },
      breaking: [],
    };
    return {
      result: { ...base, findings },
      diff,
      changed: findings,
      sarif: { file: 'obslint.sarif', written: 25_000, dropped: 15_000 },
      link: (file, line) => `https://github.com/acme/app/blob/${'c'.repeat(40)}/${file}#L${line}`,
      failOn: 'error',
    };
  }

  it('keeps the job summary under 1 MiB, folding and cutting the long tables', () => {
    const text = jobSummary(huge());
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(text).toContain('<details><summary>');
    expect(text).toMatch(/… and [\d,]+ more changed metrics \(run `obslint diff --base a{40}` to see them all\)\./);
    expect(text).toContain(
      '(15,000 more left out: GitHub code scanning accepts 25,000 per run; the errors are kept first)',
    );
  });

  it("lists the rules' notes on the run (what they did not check and why), at most 20", () => {
    const note = (i: number) => ({
      level: 'note' as const,
      ruleId: 'missing-trace-propagation',
      message: `package \`svc-${i}\` sets up no tracing yet`,
      file: `packages/svc-${i}/src/client.ts`,
      line: 3,
      column: 1,
    });
    const input: ReportInput = {
      result: { ...base, notices: Array.from({ length: 22 }, (_, i) => note(i)) },
      failOn: 'error',
    };
    const text = jobSummary(input);
    expect(text).toContain('### Notes');
    expect(text).toContain('- `packages/svc-0/src/client.ts:3`: package `svc-0` sets up no tracing yet');
    expect(text).not.toContain('svc-20`');
    expect(text).toContain('- … 2 more notes');
  });

  it('keeps the comment under GitHub’s 65,536 characters, marker first', () => {
    const input = huge();
    const text = pullRequestComment(input);
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS);
    expect(text.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(worthCommenting(input)).toBe(true);
    expect(worthCommenting({ ...input, diff: { ...input.diff!, metrics: [] }, changed: [] })).toBe(false);
  });
});
