import { describe, expect, it } from 'vitest';
import type { LabelUse, RunResult } from '../src/types.js';
import { runCli } from './helpers/cli.js';

const GATEWAY = 'fixtures/projects/api-client-metrics';

describe('candidate selection', () => {
  it('reads the files metric code imports for label values and callers, and parses nothing further', async () => {
    const { stdout, stderr } = await runCli([GATEWAY, '--format', 'json', '--timing', '--no-cache']);
    const report = JSON.parse(stdout) as RunResult;
    const bound = (label: string): LabelUse['bound'] | undefined =>
      report.catalog.labelUses.find((u) => u.label === label)?.bound;
    // An enum three imports away from the metric code (operations → catalog/index → catalog/operation).
    expect(bound('operation')).toMatchObject({
      kind: 'finite',
      values: ['cancel_order', 'create_order', 'refund_payment'],
    });
    // The metric and the service names reach the client through calls in a file only imported by metric code.
    expect(bound('service')).toMatchObject({ kind: 'finite', values: ['orders', 'payments'] });
    // Not parsed: catalog/retry-policy.ts (four imports away) and scripts/seed-catalog.ts (imported by nothing).
    expect(report.stats).toMatchObject({ filesDiscovered: 10, filesParsed: 8 });
    expect(stderr).toContain('  admitted: imported by metric code (3 levels), read for declarations and callers: 5\n');
  });
});
