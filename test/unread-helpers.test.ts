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

describe('string methods on a field named `metric`', () => {
  it('are no helper of the package the object came from (`cloneDeep(rule).metric.replaceAll(…)`)', async () => {
    const dir = tempProject({
      'package.json': '{ "name": "alerts", "dependencies": { "lodash": "4.17.21", "prom-client": "15.1.3" } }',
      'src/alert-rules.ts': [
        "import _ from 'lodash';",
        "import { Counter } from 'prom-client';",
        "const evaluations = new Counter({ name: 'alert_rule_evaluations_total', help: 'Rules evaluated' });",
        'export function forDataset(rule: { metric: string }, datasetId: string) {',
        '  const copy = _.cloneDeep(rule);',
        "  copy.metric = copy.metric.replaceAll('dataset_id', datasetId);",
        '  evaluations.inc();',
        '  return copy;',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir });
    expect(result.catalog.unreadHelpers).toEqual([]);
    expect(result.notices.filter((n) => n.message.includes('are not counted'))).toEqual([]);
  });
});

describe('a run that meets helpers it cannot read', () => {
  it('names a facade object from a package (ServiceMetrics.count) and says once that its metrics are not counted', async () => {
    const dir = tempProject({
      'package.json': '{ "name": "anchor-service", "dependencies": { "@acme/observability": "2.0.0" } }',
      'src/anchor.ts': [
        "import { ServiceMetrics as Metrics } from '@acme/observability';",
        "const ANCHOR_FAILED = 'anchor_request_failed';",
        "const QUEUE_SIZE = 'anchor_queue_size';",
        'export async function anchor(send: () => Promise<void>, pending: number): Promise<void> {',
        "  Metrics.startSpan('anchor_request_sent');",
        '  Metrics.observe(QUEUE_SIZE, pending);',
        '  try {',
        '    await send();',
        '  } catch {',
        '    Metrics.count(ANCHOR_FAILED, 1);',
        '  }',
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir });
    expect(result.catalog.unreadHelpers.map((h) => `${h.callee} ${h.example} ${h.loc.line}`)).toEqual([
      '@acme/observability#ServiceMetrics.observe anchor_queue_size 6',
      '@acme/observability#ServiceMetrics.count anchor_request_failed 10',
    ]);
    expect(result.notices).toContainEqual(
      expect.objectContaining({
        level: 'note',
        file: 'src/anchor.ts',
        line: 6,
        message: expect.stringContaining(
          'metrics defined through `@acme/observability#ServiceMetrics.observe` and 1 more are not counted',
        ),
      }),
    );
  });
});

describe('a project that records through a metrics library obslint does not read', () => {
  it('says so once, where the library is first imported, instead of reporting a project without metrics', async () => {
    const dir = tempProject({
      'package.json':
        '{ "name": "ledger-lambda", "type": "module", "dependencies": { "datadog-lambda-js": "^10.0.0" } }',
      'src/metrics.js': [
        "import { sendDistributionMetric } from 'datadog-lambda-js';",
        'export function recordSync(ledger) {',
        "  sendDistributionMetric('ledger.syncs', 1, `ledger:${ledger}`);",
        '}',
      ].join('\n'),
      'src/handler.js': [
        "import { datadog } from 'datadog-lambda-js';",
        "import { recordSync } from './metrics.js';",
        'export const handler = datadog(async (event) => recordSync(event.ledger));',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir });
    expect(result.catalog.metrics).toEqual([]);
    expect(result.notices.filter((n) => n.message.includes('does not read'))).toEqual([
      {
        level: 'note',
        file: 'src/handler.js',
        line: 1,
        column: 1,
        message:
          "obslint does not read `datadog-lambda-js` (Datadog's Lambda metrics) yet: metrics recorded through it are not in the catalog and their labels are not checked",
      },
    ]);
  });
});
