import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

describe('unread metric helpers (the wrappers: stubs of obslint init)', () => {
  it('names package helpers that take a metric name, once per callee, with the argument positions', async () => {
    const dir = tempProject({
      'package.json': '{ "name": "ledger", "dependencies": { "@acme/metrics": "1.0.0", "prom-client": "15.1.3" } }',
      'src/metrics.ts': [
        "import { Counter } from 'prom-client';",
        "import * as acme from '@acme/metrics';",
        "import { registry } from '@acme/metrics';",
        "import { makeGauge } from './local-metrics.js';",
        "export const syncs = acme.createCounter({ name: 'ledger_syncs_total', help: 'Syncs', labelNames: ['ledger'] });",
        "export const again = acme.createCounter({ name: 'ledger_retries_total', help: 'Retries' });",
        "export const depth = registry.gauge('ledger_queue_depth');",
        "export const local = makeGauge('ledger_local_gauge');",
        'export const notAName = acme.createCounter(options());',
        "export const sentence = acme.getMetric('Some free text');",
        "export const own = new Counter({ name: 'ledger_own_total', help: 'Own' });",
        'function options() { return {}; }',
      ].join('\n'),
      'src/local-metrics.ts': 'export function makeGauge(name: string) { return { name }; }\n',
    });
    const result = await analyze({ cwd: dir });
    expect(result.catalog.unreadHelpers.map(({ loc, ...h }) => ({ ...h, line: loc.line }))).toEqual([
      {
        callee: '@acme/metrics#createCounter',
        kind: 'counter',
        name: '0.name',
        help: '0.help',
        labelNames: '0.labelNames',
        example: 'ledger_syncs_total',
        line: 5,
      },
      { callee: '@acme/metrics#registry.gauge', kind: 'gauge', name: 0, example: 'ledger_queue_depth', line: 7 },
    ]);
  });
});
