import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

describe('OpenTelemetry Views', () => {
  it('a View selecting by instrument type applies to that kind only', async () => {
    const dir = tempProject({
      'src/shop.ts': [
        "import { metrics } from '@opentelemetry/api';",
        "import { InstrumentType, MeterProvider, View } from '@opentelemetry/sdk-metrics';",
        "new MeterProvider({ views: [new View({ instrumentType: InstrumentType.HISTOGRAM, attributeKeys: ['http.route'] })] });",
        "const meter = metrics.getMeter('shop');",
        "const orders = meter.createCounter('shop.orders');",
        "const latency = meter.createHistogram('shop.latency', { unit: 'ms' });",
        "export function order(req: { body: { coupon: string } }, route: '/cart' | '/checkout') {",
        "  orders.add(1, { 'order.coupon': req.body.coupon });",
        "  latency.record(12, { 'http.route': route, 'order.coupon': req.body.coupon });",
        '}',
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.findings.map((f) => `${f.loc.line} ${f.ruleId} ${f.metric}`)).toEqual([
      '8 unbounded-label shop.orders',
    ]);
    expect(result.estimates.map((e) => `${e.metric} ${e.series}`)).toEqual([
      'shop.orders unbounded',
      'shop.latency 36',
    ]);
  });

  it('a capped metric counts at its cap in the project total', async () => {
    const dir = tempProject({
      'obslint.yaml': 'total: { maxSeries: 300 }\n',
      'src/search.ts': [
        "import { metrics } from '@opentelemetry/api';",
        "import { MeterProvider } from '@opentelemetry/sdk-metrics';",
        "new MeterProvider({ views: [{ instrumentName: 'search.queries', aggregationCardinalityLimit: 500 }] });",
        "const queries = metrics.getMeter('search').createCounter('search.queries');",
        "export function search(req: { query: { q: string } }) { queries.add(1, { 'search.term': req.query.q }); }",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.findings.map((f) => `${f.ruleId}: ${f.message.split(';')[0]}`)).toContainEqual(
      "cardinality-budget: the project's metrics are estimated at 500 series, over `total.maxSeries` of 300",
    );
  });

  it('a drop aggregation exports nothing, and View boundaries replace the defaults a seconds histogram had', async () => {
    const dir = tempProject({
      'src/telemetry.ts': [
        "import { metrics } from '@opentelemetry/api';",
        "import { AggregationType, MeterProvider } from '@opentelemetry/sdk-metrics';",
        'const seconds = { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0.01, 0.1, 1, 10] } } as const;',
        'const views = [',
        "  { instrumentName: 'jobs.duration', aggregation: seconds },",
        "  { instrumentName: 'jobs.debug.*', aggregation: { type: AggregationType.DROP } },",
        '];',
        'new MeterProvider({ views });',
        "const meter = metrics.getMeter('jobs');",
        "const duration = meter.createHistogram('jobs.duration', { unit: 's' });",
        "const debug = meter.createCounter('jobs.debug.calls');",
        "export function done(seconds: number, jobId: string) { duration.record(seconds); debug.add(1, { 'job.id': jobId }); }",
      ].join('\n'),
    });
    const result = await analyze({ cwd: dir, paths: ['.'] });
    expect(result.estimates.map((e) => `${e.metric} ${e.series}`)).toEqual(['jobs.duration 7', 'jobs.debug.calls 0']);
    expect(result.findings).toEqual([]);
  });
});
