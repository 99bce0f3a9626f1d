import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { FIXTURES } from './helpers/fixtures.js';

/**
 * fixtures/projects/cjs-metrics-facade: a CommonJS metrics package exporting property by property,
 * reached by a default import, a re-export module, destructuring, a re-exported prom-client and a
 * Timer-like class. The findings are checked by fixtures.test.ts; this checks the catalog.
 */
describe('a CommonJS metrics facade used from ESM and CommonJS services', async () => {
  const result = await analyze({ cwd: join(FIXTURES, 'projects', 'cjs-metrics-facade'), paths: ['.'] });
  const at = (l: { file: string; line: number }): string => `${l.file}:${l.line}`;
  const metrics = result.catalog.metrics.map((m) => ({
    name: m.name,
    kind: m.kind,
    at: at(m.loc),
    alsoAt: (m.alsoAt ?? []).map(at),
  }));

  it('defines one metric per facade name, of the kind its switch case creates, where it is first called', () => {
    expect(metrics).toEqual([
      // `new Metrics.Stopwatch(key)`: the name reaches `stop()` through `this.key`.
      { name: 'billing_charge_seconds', kind: 'histogram', at: 'services/billing/app/invoices.mjs:4', alsoAt: [] },
      // `import Metrics from …` of a module with `module.exports.increment = increment`; the
      // second call gets the instrument the first created (`instruments.get(name) || new …`).
      {
        name: 'billing_charges_total',
        kind: 'counter',
        at: 'services/billing/app/invoices.mjs:7',
        alsoAt: ['services/billing/app/invoices.mjs:9'],
      },
      { name: 'billing_backlog_invoices', kind: 'gauge', at: 'services/billing/app/invoices.mjs:17', alsoAt: [] },
      // `import { client } from …; new client.Counter(…)` and `new Metrics.client.Histogram(…)`.
      { name: 'billing_refunds_total', kind: 'counter', at: 'services/billing/app/refunds.mjs:4', alsoAt: [] },
      {
        name: 'billing_refund_amount_dollars',
        kind: 'histogram',
        at: 'services/billing/app/refunds.mjs:10',
        alsoAt: [],
      },
      // `Broadcaster.publish(client, 'deliveries', …)` forwards a name part to the facade; the
      // `client.publish('audit', '')` beside it is ioredis's own method of that name, no metric.
      {
        name: 'mailer_published_bytes_deliveries',
        kind: 'gauge',
        at: 'services/mailer/lib/notify.js:6',
        alsoAt: [],
      },
      // `require('./metrics')` where that module is `module.exports = require('@postbox/metrics')`.
      {
        name: 'mailer_sent_total',
        kind: 'counter',
        at: 'services/mailer/lib/retry.js:4',
        alsoAt: ['services/mailer/lib/sender.js:10'],
      },
      // `const { duration } = require('@postbox/metrics')`, which is `exports.duration = duration`.
      { name: 'mailer_deliver_seconds', kind: 'histogram', at: 'services/mailer/lib/sender.js:9', alsoAt: [] },
      { name: 'mailer_bounces_total', kind: 'counter', at: 'services/mailer/lib/sender.js:15', alsoAt: [] },
    ]);
  });

  it('counts each facade call as a use of its metric, with the labels the call passes', () => {
    const uses = result.catalog.metrics.map((m) => [
      m.name,
      result.catalog.labelCalls
        .filter((c) => c.metricId === m.id)
        .map((c) => `${at(c.loc)} ${c.labels.join(',')}`.trim())
        .sort(),
    ]);
    expect(Object.fromEntries(uses)).toEqual({
      billing_charge_seconds: ['services/billing/app/invoices.mjs:4'],
      billing_charges_total: [
        'services/billing/app/invoices.mjs:7 outcome',
        'services/billing/app/invoices.mjs:9 outcome',
      ],
      billing_backlog_invoices: ['services/billing/app/invoices.mjs:17'],
      billing_refunds_total: ['services/billing/app/refunds.mjs:17 reason'],
      billing_refund_amount_dollars: ['services/billing/app/refunds.mjs:18'],
      mailer_published_bytes_deliveries: ['services/mailer/lib/notify.js:6'],
      mailer_sent_total: ['services/mailer/lib/retry.js:4 provider', 'services/mailer/lib/sender.js:10 provider'],
      mailer_deliver_seconds: ['services/mailer/lib/sender.js:9'],
      mailer_bounces_total: ['services/mailer/lib/sender.js:15 recipient'],
    });
  });
});
