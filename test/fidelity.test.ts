import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyze } from '../src/api.js';
import type { Estimate } from '../src/types.js';
import { FIXTURES } from './helpers/fixtures.js';

/**
 * obslint's estimates against the series the real libraries produce. Each fidelity module is
 * driven through every value it can record (and `distinct` different values where the code is
 * unbounded); series are counted as a Prometheus server stores them.
 */
const DIR = join(FIXTURES, 'fidelity');
const modules = readdirSync(join(DIR, 'src'))
  .filter((f) => f.endsWith('.ts'))
  .sort();

class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

interface Driven {
  drive(distinct: number): Promise<void>;
  providerOptions?: { views?: ViewOptions[] };
}

/** Series per metric name after driving one module with `distinct` values for unbounded inputs. */
async function realSeries(file: string, distinct: number): Promise<Map<string, number>> {
  register.clear();
  vi.resetModules();
  const reader = new ManualReader();
  otelMetrics.disable();
  // A first import reads the module's MeterProvider options (its Views); then a fresh one records.
  const source = (await import(`${pathToFileURL(join(DIR, 'src', file)).href}?options`)) as Driven;
  register.clear();
  otelMetrics.setGlobalMeterProvider(
    new MeterProvider({ readers: [reader], views: source.providerOptions?.views ?? [] }),
  );
  vi.resetModules();
  const module = (await import(`${pathToFileURL(join(DIR, 'src', file)).href}?run=${distinct}`)) as Driven;
  await module.drive(distinct);
  const series = new Map<string, number>();
  for (const metric of await register.getMetricsAsJSON()) series.set(metric.name, metric.values.length);
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const perPoint = (point: { value: unknown }): number => {
        const value = point.value as { buckets?: { boundaries: number[] } };
        return value.buckets ? value.buckets.boundaries.length + 3 : 1;
      };
      series.set(
        metric.descriptor.name,
        (metric.dataPoints as { value: unknown }[]).reduce((sum, p) => sum + perPoint(p), 0),
      );
    }
  }
  return series;
}

/** Distinct values fed to unbounded inputs: enough to pass any cap the fixtures set. */
const SMALL = 100;
const LARGE = 400;

const rows: { metric: string; estimate: string; real: number; ratio: string }[] = [];
let estimates: Estimate[] = [];

beforeAll(async () => {
  estimates = (await analyze({ cwd: DIR, paths: ['.'] })).estimates;
});

afterAll(() => {
  if (!process.env.OBSLINT_FIDELITY_TABLE) return;
  const lines = [
    'metric | estimate | real | ratio',
    '--- | ---: | ---: | ---:',
    ...rows.map((r) => `${r.metric} | ${r.estimate} | ${r.real} | ${r.ratio}`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n${rows.length} metrics\n`);
});

describe('estimates hold against real prom-client and OpenTelemetry output', () => {
  for (const file of modules) {
    it(file, async () => {
      const small = await realSeries(file, SMALL);
      const large = await realSeries(file, LARGE);
      expect(small.size).toBeGreaterThan(0);
      for (const [metric, real] of small) {
        const estimate = estimates.find((e) => e.metric === metric);
        expect(estimate, `${metric}: obslint found no such metric`).toBeDefined();
        if (estimate!.byLabel.some((l) => l.kind === 'unknown' || l.kind === 'unused')) {
          // An assumed bound (defaults.unknownLabelBound) is a policy, not a claim about the code.
          rows.push({ metric, estimate: `${estimate!.series} (assumed)`, real: large.get(metric)!, ratio: '-' });
        } else if (estimate!.series === 'unbounded') {
          rows.push({ metric, estimate: 'unbounded', real: large.get(metric)!, ratio: '-' });
          expect(
            large.get(metric)!,
            `${metric}: obslint calls it unbounded, so more inputs must mean more series`,
          ).toBeGreaterThan(real);
        } else {
          const bound = estimate!.series;
          rows.push({
            metric,
            estimate: String(bound),
            real: large.get(metric)!,
            ratio: (bound / large.get(metric)!).toFixed(2),
          });
          expect(large.get(metric), `${metric}: a bounded metric must not grow with more inputs`).toBe(real);
          expect(bound, `${metric}: estimate below the real count (an unsound bound)`).toBeGreaterThanOrEqual(real);
          expect(bound, `${metric}: estimate more than twice the real count`).toBeLessThanOrEqual(2 * real);
        }
      }
    });
  }
});
