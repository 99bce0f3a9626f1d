import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runFixture } from './helpers/fixtures.js';

/** Metrics a registry keeps by name, and the uses that look them up by that name. */
describe('registries keyed by name', () => {
  it('defines each listed metric at its entry, created by the factory, and links every lookup by name', async () => {
    const result = await runFixture(join(FIXTURES, 'projects', 'registry-by-name'));
    const { metrics, labelCalls } = result.catalog;
    const uses = (id: string): string[] =>
      labelCalls.filter((c) => c.metricId === id).map((c) => `${c.loc.file}:${c.loc.line}`);
    expect(
      metrics.map((m) => ({
        name: m.name,
        kind: m.kind,
        at: `${m.loc.file}:${m.loc.line}`,
        via: m.via?.loc.line,
        uses: uses(m.id),
      })),
    ).toEqual([
      {
        name: 'tracker_http_requests_total',
        kind: 'counter',
        at: 'src/metric-config.ts:14',
        via: 18,
        uses: ['src/metrics-server.ts:52'],
      },
      {
        name: 'tracker_request_duration_seconds',
        kind: 'histogram',
        at: 'src/metric-config.ts:19',
        via: 27,
        uses: ['src/metrics-server.ts:54', 'src/metrics-server.ts:56'],
      },
      {
        name: 'tracker_parcels_scanned',
        kind: 'histogram',
        at: 'src/metric-config.ts:26',
        via: 27,
        uses: ['src/scans.ts:13'],
      },
      {
        name: 'tracker_scan_errors_total',
        kind: 'counter',
        at: 'src/metric-config.ts:33',
        via: 18,
        uses: ['src/scans.ts:17'],
      },
      {
        // Looked up by a name built from the stage its one caller passes.
        name: 'tracker_label_errors_total',
        kind: 'counter',
        at: 'src/metric-config.ts:39',
        via: 18,
        uses: ['src/metrics-server.ts:41'],
      },
      {
        name: 'tracker_carrier_events_total',
        kind: 'counter',
        at: 'src/metric-config.ts:45',
        via: 18,
        uses: [],
      },
    ]);
    // Stored under a built key and looked up with one: the trail stops at the lookup, not at "no use".
    const carrier = metrics.find((m) => m.name === 'tracker_carrier_events_total');
    expect(carrier?.trailLost).toMatchObject({
      how: 'stored in `this.metrics` under a key built at run time',
      loc: { file: 'src/metrics-server.ts', line: 24 },
      readAt: { file: 'src/metrics-server.ts', line: 46 },
    });
  });
});
