import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { runCli } from './helpers/cli.js';
import { adoptionRepo } from './helpers/git.js';

const INC = '  customerLookups.inc({ customer_id: req.params.id });';

/** The billing fixture with a comment above the unbounded `customer_id` label use. */
function suppressed(comment: string): string {
  const dir = adoptionRepo('billing-service');
  const file = join(dir, 'src/routes/customers.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace(INC, `  ${comment}\n${INC}`));
  return dir;
}

describe('expiring suppressions', () => {
  it('hides the finding until the date, then reports it again naming the expired suppression', async () => {
    const dir = suppressed('// obslint-disable-next-line unbounded-label -- until 2027-03-01 ids go away with v3');
    const before = await analyze({ cwd: dir, today: '2027-03-01' });
    expect(before.findings.map((f) => f.ruleId)).toEqual(['untemplated-route']);
    const after = await analyze({ cwd: dir, today: '2027-03-02' });
    const back = after.findings.find((f) => f.ruleId === 'unbounded-label');
    expect(back?.loc).toMatchObject({ file: 'src/routes/customers.ts', line: 12 });
    expect(back?.message).toMatch(
      / \(the suppression `obslint-disable-next-line unbounded-label -- until 2027-03-01` on line 11 expired on 2027-03-01\)$/,
    );
  });

  it('through the CLI: a date in the past fails the run, one far ahead does not', async () => {
    const expired = suppressed('// obslint-disable-next-line unbounded-label -- until 2020-01-01 legacy dashboards');
    const run = await runCli([], { cwd: expired });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'label `customer_id` of `billing_customer_lookups_total` takes `req.params.id` (request input, unbounded)',
    );
    expect(run.stdout).toContain(
      '(the suppression `obslint-disable-next-line unbounded-label -- until 2020-01-01` on line 11 expired on 2020-01-01)  obslint/unbounded-label',
    );
    const current = suppressed('// obslint-disable-next-line unbounded-label -- until 2999-12-31 legacy dashboards');
    const quiet = await runCli(['--format', 'json'], { cwd: current });
    expect((JSON.parse(quiet.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toEqual([
      'untemplated-route',
    ]);
  });

  it('an until that is not a date suppresses nothing, and says why', async () => {
    const dir = suppressed('// obslint-disable-next-line unbounded-label -- until 2027-02-30 ids go away');
    const result = await analyze({ cwd: dir, today: '2026-01-01' });
    expect(result.findings.find((f) => f.ruleId === 'unbounded-label')?.message).toMatch(
      /\(the suppression `obslint-disable-next-line unbounded-label -- until 2027-02-30` on line 11 is ignored: `2027-02-30` is not a date \(YYYY-MM-DD\)\)$/,
    );
  });

  it('--require-reason reports suppressions without a reason, with or without a date', async () => {
    const dir = suppressed('// obslint-disable-next-line unbounded-label -- until 2999-01-01');
    const file = join(dir, 'src/routes/invoices.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '  const end = httpRequestDuration',
        '  // obslint-disable-next-line untemplated-route -- the gateway rewrites every URL to its route\n  const end = httpRequestDuration',
      ),
    );
    expect((await runCli([], { cwd: dir })).code).toBe(0);
    const strict = await runCli(['--require-reason'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(
      '11:3  error  obslint-disable-next-line directive without a reason: say why after `--` (`-- until YYYY-MM-DD why` for a temporary exception)  obslint/missing-disable-reason',
    );
    expect(strict.stdout).toContain('✖ 1 problem (1 error, 0 warnings)');
    const sarif = await runCli(['--require-reason', '--format', 'sarif'], { cwd: dir });
    const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } } }[] };
    expect(log.runs[0].tool.driver.rules.map((r) => r.id)).toContain('obslint/missing-disable-reason');
  });
});
