import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesBand } from '../src/diff/catalog-lock.js';
import type { CatalogLock } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { adoptionRepo, gitIn } from './helpers/git.js';

function edit(dir: string, file: string, change: (text: string) => string): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
}

describe('obslint catalog --lock / --check', () => {
  it('locks name, kind, labels, buckets and estimate band; --check passes on the same code', async () => {
    const dir = adoptionRepo('billing-service');
    const lock = await runCli(['catalog', '--lock'], { cwd: dir });
    expect(lock.code).toBe(0);
    expect(lock.stderr).toBe(
      'note: src/telemetry.ts:4:27: metrics defined through `@acme/metrics#createTimer` are not counted: obslint cannot read that module (an installed package, or one it cannot resolve); declare it under `wrappers:` in obslint.yaml (`obslint init` writes the stubs)\n' +
        'wrote obslint-catalog.lock.json (5 metrics)\n',
    );
    expect(lock.stdout).toBe('');
    const file = JSON.parse(readFileSync(join(dir, 'obslint-catalog.lock.json'), 'utf8')) as CatalogLock;
    expect(file).toEqual({
      version: 1,
      metrics: {
        billing_customer_lookups_total: { kind: 'counter', labels: ['customer_id'], series: 'unbounded' },
        billing_invoices_issued_total: { kind: 'counter', labels: ['currency', 'status'], series: '11-100' },
        billing_payment_failures_total: { kind: 'counter', labels: ['provider'], series: '11-100' },
        billing_pdf_render_seconds: {
          kind: 'histogram',
          labels: ['template'],
          buckets: [0.1, 0.5, 1, 5],
          series: '2-10',
        },
        http_request_duration_seconds: {
          kind: 'histogram',
          labels: ['method', 'route', 'status_code'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5],
          series: 'unbounded',
        },
      },
    });
    gitIn(dir, ['add', 'obslint-catalog.lock.json']);
    gitIn(dir, ['commit', '--quiet', '-m', 'lock the metric catalog']);
    // Moving code and editing help texts change nothing the lockfile holds.
    edit(
      dir,
      'src/metrics.ts',
      (t) => `// Billing metrics.\n\n${t.replace("help: 'Failed payment", "help: 'All failed payment")}`,
    );
    const check = await runCli(['catalog', '--check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('obslint-catalog.lock.json: the 5 metrics match the lockfile\n');
  });

  it('fails after a metric is renamed, a label added and buckets changed, printing the difference', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['catalog', '--lock'], { cwd: dir });
    edit(dir, 'src/metrics.ts', (t) =>
      t
        .replace("'billing_payment_failures_total'", "'billing_payment_errors_total'")
        .replace("labelNames: ['currency', 'status'],", "labelNames: ['currency', 'status', 'channel'],")
        .replace('buckets: [0.1, 0.5, 1, 5],', 'buckets: [0.1, 0.5, 1, 2, 5],'),
    );
    const check = await runCli(['catalog', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(
      [
        "obslint-catalog.lock.json: the code's metrics differ from the lockfile (4 changes)",
        '  ~ billing_invoices_issued_total   labels +channel',
        '  + billing_payment_errors_total    added (counter; labels provider; series 11-100)',
        '  - billing_payment_failures_total  removed (counter; labels provider; series 11-100): dashboards, alerts and recording rules that query it will find no data (renamed to `billing_payment_errors_total`?)',
        '  ~ billing_pdf_render_seconds      buckets [0.1, 0.5, 1, 5] → [0.1, 0.5, 1, 2, 5]',
        'Review the changes (dashboards, alerts and recording rules query these names), then run `obslint catalog --lock` to accept them.',
        '',
      ].join('\n'),
    );
    // Accepting the change is a new lock, and the check passes again.
    await runCli(['catalog', '--lock'], { cwd: dir });
    expect((await runCli(['catalog', '--check'], { cwd: dir })).code).toBe(0);
  });

  it('reports a growing estimate by band and a kind change', async () => {
    const dir = adoptionRepo('billing-service');
    await runCli(['catalog', '--lock'], { cwd: dir });
    edit(dir, 'src/metrics.ts', (t) =>
      t
        .replace(
          "export type InvoiceStatus = 'draft' | 'sent' | 'paid' | 'void';",
          'export type InvoiceStatus = string;',
        )
        .replace(
          "import { Counter, Histogram } from 'prom-client';",
          "import { Counter, Gauge, Histogram } from 'prom-client';",
        )
        .replace('export const paymentFailures = new Counter({', 'export const paymentFailures = new Gauge({'),
    );
    const check = await runCli(['catalog', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('  ~ billing_payment_failures_total  kind counter → gauge\n');
    expect(check.stdout).toMatch(/ {2}~ billing_invoices_issued_total {3}series 11-100 → \d+-\d+\n/);
  });

  it('is a usage error without a lockfile, with --lock and --check together, and on a broken lockfile', async () => {
    const dir = adoptionRepo('billing-service');
    const missing = await runCli(['catalog', '--check'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /\nobslint: no lockfile obslint-catalog\.lock\.json: run `obslint catalog --lock` and commit it first\n$/,
    );
    expect((await runCli(['catalog', '--lock', '--check'], { cwd: dir })).code).toBe(2);
    writeFileSync(
      join(dir, 'metrics.lock.json'),
      '{ "version": 1, "metrics": { "a": { "kind": "timer", "labels": [], "series": "1-10" } } }\n',
    );
    const broken = await runCli(['catalog', '--check', '--lockfile', 'metrics.lock.json'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /\nobslint: metrics\.lock\.json:1:\d+: `metrics\.a\.kind` must be equal to one of the allowed values/,
    );
  });

  it('bands estimates by powers of ten', () => {
    expect([0, 1, 2, 10, 11, 100, 101, 4860, 10_000, 10_001].map(seriesBand)).toEqual([
      '0-1',
      '0-1',
      '2-10',
      '2-10',
      '11-100',
      '11-100',
      '101-1000',
      '1001-10000',
      '1001-10000',
      '10001-100000',
    ]);
    expect(seriesBand('unbounded')).toBe('unbounded');
  });
});
