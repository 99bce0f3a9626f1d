import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { withHeadroom } from '../src/reporters/budget.js';
import type { RunResult } from '../src/types.js';
import { runCli, tempProject } from './helpers/cli.js';
import { adoptionRepo } from './helpers/git.js';

const STARTER = `# yaml-language-server: $schema=./node_modules/obslint/schema/obslint.schema.json
# Written by \`obslint init\` from the code as it was: 5 metrics, 119 series estimated + 2 unbounded.
# Each budget is today's estimate with headroom (×1.5, rounded up): a change that grows a metric
# past it fails \`cardinality-budget\`, so that raising it is a reviewed change.
version: 1
total:
  maxSeries: 180 # estimate 119
metrics:
  billing_invoices_issued_total:
    maxSeries: 18 # estimate 12 = currency 3 × status 4 × 1 per child
  billing_payment_failures_total:
    maxSeries: 150 # estimate 100 = provider 100 × 1 per child
    # TODO: bound \`provider\`, then uncomment: \`account.paymentProvider\` is a property obslint cannot bound: assumed 100 (defaults.unknownLabelBound)
    # labels: { provider: 100 }
  billing_pdf_render_seconds:
    maxSeries: 11 # estimate 7 = template 1 × 7 per child
  # billing_customer_lookups_total: no budget: unbounded through \`customer_id\`; fix it, or record the finding with \`obslint baseline\`
  # http_request_duration_seconds: no budget: unbounded through \`route\`; fix it, or record the finding with \`obslint baseline\`
# Metric helpers obslint saw but cannot read (their package is not in the project): check each
# stub (kind, argument positions), then uncomment it so that their metrics are counted.
# wrappers:
#   - { callee: "@acme/metrics#createTimer", kind: histogram, name: 0, help: 1, labelNames: 2 } # billing_ledger_sync_seconds at src/telemetry.ts:4
`;

async function lintJson(dir: string): Promise<{ code: number; result: RunResult; stderr: string }> {
  const run = await runCli(['--format', 'json'], { cwd: dir });
  return { code: run.code, result: JSON.parse(run.stdout) as RunResult, stderr: run.stderr };
}

describe('obslint init', () => {
  it('writes budgets with headroom, TODOs for unbounded-by-obslint labels, wrapper stubs and the schema line', async () => {
    const dir = adoptionRepo('billing-service');
    const run = await runCli(['init'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'wrote obslint.yaml: 3 metric budgets, 1 label to bound (TODO), 2 unbounded metrics without a budget, 1 wrapper stub to check\n',
    );
    const text = readFileSync(join(dir, 'obslint.yaml'), 'utf8');
    expect(text).toBe(STARTER);
    // It validates, and the next run uses it without a budget finding or a config error.
    const config = parseConfig(text, join(dir, 'obslint.yaml'));
    expect(config.metrics.billing_invoices_issued_total.maxSeries).toBe(18);
    expect(config.totalMaxSeries).toBe(180);
    const next = await lintJson(dir);
    expect(next.stderr).toBe('');
    expect(next.result.findings.map((f) => f.ruleId)).toEqual(['unbounded-label', 'untemplated-route']);
    // The same code always gives the same file.
    const again = await runCli(['init', '--force'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'obslint.yaml'), 'utf8')).toBe(STARTER);
  });

  it('its TODOs and stubs are valid once uncommented, and then bound the label and count the helper metric', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['init'], { cwd: dir });
    const file = join(dir, 'obslint.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('    # labels: { provider: 100 }', '    labels: { provider: 4 }')
        .replace('# wrappers:\n#   - ', 'wrappers:\n  - '),
    );
    const run = await lintJson(dir);
    expect(run.stderr).toBe('');
    // The provider label is bounded now; the helper's metric is counted (and, used nowhere obslint
    // sees and within budget even so, a note says so).
    expect(run.result.findings.map((f) => [f.ruleId, f.metric])).toEqual([
      ['unbounded-label', 'billing_customer_lookups_total'],
      ['untemplated-route', 'http_request_duration_seconds'],
    ]);
    expect(run.result.notices.map((n) => [n.ruleId, n.message.match(/`(\w+)`/)?.[1]])).toContainEqual([
      'unknown-label-bound',
      'billing_ledger_sync_seconds',
    ]);
    expect(run.result.catalog.metrics.find((m) => m.name === 'billing_ledger_sync_seconds')).toMatchObject({
      kind: 'histogram',
      labelNames: ['ledger'],
      loc: { file: 'src/telemetry.ts', line: 4 },
    });
    const failures = run.result.estimates.find((e) => e.metric === 'billing_payment_failures_total');
    expect(failures?.series).toBe(4);
  });

  it('stubs a CloudWatch or StatsD SDK call as a wrapper of that library, and the uncommented stub counts its metrics', async () => {
    const dir = tempProject({
      'package.json': '{ "name": "quotes", "private": true, "dependencies": { "@acme/router-sdk": "^4.0.0" } }\n',
      'src/quote.ts': [
        "import { metric, MetricLoggerUnit } from '@acme/router-sdk';",
        'export async function quote(chainId: 1 | 10): Promise<void> {',
        "  metric.putMetric('QUOTE_REQUESTED', 1, MetricLoggerUnit.Count);",
        "  for (const stage of ['route', 'simulate'] as const) metric.putMetric(`QUOTE_STAGE_${stage}`, 1, MetricLoggerUnit.Count);",
        '  metric.putMetric(`QUOTE_CHAIN_${chainId}`, 1, MetricLoggerUnit.Count);',
        '}',
        '',
      ].join('\n'),
    });
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const file = join(dir, 'obslint.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(
      '#   - { callee: "@acme/router-sdk#metric.putMetric", kind: gauge, name: 0, library: cloudwatch } # QUOTE_REQUESTED at src/quote.ts:3',
    );
    writeFileSync(file, text.replace('# wrappers:\n#   - ', 'wrappers:\n  - '));
    const run = await lintJson(dir);
    expect(run.stderr).toBe('');
    // Recorded in a function and a loop, yet nothing is registered twice: no metric-in-hot-path.
    expect(run.result.findings.map((f) => f.ruleId)).not.toContain('metric-in-hot-path');
    expect(run.result.catalog.metrics.map((m) => m.name).sort()).toEqual([
      'QUOTE_CHAIN_{chainId}',
      'QUOTE_REQUESTED',
      'QUOTE_STAGE_route',
      'QUOTE_STAGE_simulate',
    ]);
  });

  it('a metric that grows past its budget fails the next run', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['init'], { cwd: dir });
    const metrics = join(dir, 'src/metrics.ts');
    writeFileSync(
      metrics,
      readFileSync(metrics, 'utf8').replace(
        "export type Currency = 'eur' | 'usd' | 'gbp';",
        "export type Currency = 'eur' | 'usd' | 'gbp' | 'chf' | 'sek';",
      ),
    );
    const run = await lintJson(dir);
    expect(run.code).toBe(1);
    const budget = run.result.findings.filter((f) => f.ruleId === 'cardinality-budget');
    expect(budget.map((f) => f.message)).toEqual([
      expect.stringContaining(
        '`billing_invoices_issued_total` is estimated at 20 series (currency 5 × status 4 × 1 per child), over its budget of 18',
      ),
    ]);
  });

  it('never overwrites a budget file without --force', async () => {
    const dir = adoptionRepo('billing-service');
    writeFileSync(join(dir, '.obslint.yml'), 'version: 1\n');
    const refused = await runCli(['init'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'obslint: .obslint.yml already exists: obslint init never overwrites a budget file without --force\n',
    );
    expect(readFileSync(join(dir, '.obslint.yml'), 'utf8')).toBe('version: 1\n');
    const elsewhere = await runCli(['init', '--output', 'config/budget.yaml'], { cwd: dir });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe('obslint: cannot write config/budget.yaml: ENOENT\n');
  });

  it('rounds the headroom up to two significant digits', () => {
    expect([0, 1, 7, 12, 66, 67, 100, 4860, 6480, 123_456].map(withHeadroom)).toEqual([
      1, 2, 11, 18, 99, 110, 150, 7300, 9800, 190_000,
    ]);
  });
});
