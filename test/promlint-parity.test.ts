import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempProject } from './helpers/cli.js';

/**
 * The metric names promlint's own unit and abbreviation tests use (prometheus/client_golang,
 * testutil/promlint), each with what promlint says about it: obslint's metric-naming must agree.
 */
const UNIT_CASES: Record<string, string | undefined> = {
  x_amperes: undefined,
  x_bytes: undefined,
  x_grams: undefined,
  x_celsius: undefined,
  x_meters: undefined,
  x_metres: undefined,
  x_moles: undefined,
  x_seconds: undefined,
  x_joules: undefined,
  x_kelvin: undefined,
  x_milliamperes: 'amperes',
  x_gigabytes: 'bytes',
  x_kilograms: 'grams',
  x_nanocelsius: 'celsius',
  x_kilometers: 'meters',
  x_picometers: 'meters',
  x_microseconds: 'seconds',
  x_minutes: 'seconds',
  x_hours: 'seconds',
  x_days: 'seconds',
  x_kelvins: 'kelvin',
  thermometers_fahrenheit: 'celsius',
  thermometers_rankine: 'celsius',
  x_inches: 'meters',
  x_yards: 'meters',
  x_miles: 'meters',
  x_bits: 'bytes',
  x_calories: 'joules',
  x_pounds: 'grams',
  x_ounces: 'grams',
};

const ABBREVIATED = [
  'instance_memory_limit_b',
  'instance_memory_limit_kb',
  'instance_memory_limit_mb',
  'instance_memory_limit_MB',
  'instance_memory_limit_gb',
  'instance_memory_limit_tb',
  'instance_memory_limit_pb',
  'request_duration_s',
  'request_duration_ms',
  'request_duration_us',
  'request_duration_ns',
  'request_duration_sec',
  'request_sec_duration',
  'request_duration_m',
  'request_duration_h',
  'request_duration_d',
];

/**
 * One project per name: promlint judges each metric alone, while obslint reports a convention
 * most of a project's metrics share once, as its house style.
 */
async function namingMessages(names: string[], kind = 'Gauge'): Promise<Map<string, string[]>> {
  const byMetric = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const name of names) {
    const dir = tempProject({
      'package.json': '{ "name": "parity", "dependencies": { "prom-client": "^15.1.3" } }',
      'src/metrics.ts': `import { ${kind} } from 'prom-client';\nexport const m = new ${kind}({ name: '${name}', help: 'Test metric.' });`,
    });
    const result = await analyze({ cwd: dir, paths: ['.'], conventions: 'everywhere' });
    for (const f of result.findings) if (f.ruleId === 'metric-naming') byMetric.get(f.metric!)?.push(f.message);
  }
  return byMetric;
}

describe("metric-naming agrees with promlint's test cases", () => {
  it('units: base units pass, prefixed, imperial and other non-base units name their base unit', async () => {
    const messages = await namingMessages(Object.keys(UNIT_CASES));
    for (const [name, base] of Object.entries(UNIT_CASES)) {
      const unit = name.split('_').pop();
      expect(messages.get(name), name).toEqual(
        base ? [expect.stringContaining(`uses \`${unit}\`: use the base unit (${base})`)] : [],
      );
    }
  });

  it("the type in the name: the metric's own type only, as promlint's lintMetricTypeInName", async () => {
    const gauges = await namingMessages(['pool_busy_gauge', 'queue_gauge_depth', 'aggregation_summary_time']);
    expect(gauges.get('pool_busy_gauge')).toContainEqual(
      expect.stringContaining('should not include its type (`gauge`)'),
    );
    expect(gauges.get('queue_gauge_depth')).toContainEqual(
      expect.stringContaining('should not include its type (`gauge`)'),
    );
    // `summary` in a gauge's name is a word of its meaning (the whole run's time), not its type.
    expect(gauges.get('aggregation_summary_time')).toEqual([]);
    const counters = await namingMessages(['jobs_counter_total', 'histogram_rebuilds_total'], 'Counter');
    expect(counters.get('jobs_counter_total')).toContainEqual(
      expect.stringContaining('should not include its type (`counter`)'),
    );
    expect(counters.get('histogram_rebuilds_total')).toEqual([]);
  });

  it('abbreviated units, whatever their case and wherever in the name', async () => {
    const messages = await namingMessages(ABBREVIATED);
    for (const name of ABBREVIATED)
      expect(messages.get(name), name).toContainEqual(expect.stringContaining('abbreviates its unit'));
  });
});
