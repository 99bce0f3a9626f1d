import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { runCli, tempProject } from './helpers/cli.js';

const METRICS = `import { Counter, Histogram } from 'prom-client';
export const logins = new Counter({ name: 'logins_total', help: 'Logins', labelNames: ['tenant'] });
export const latency = new Histogram({ name: 'api_latency_seconds', help: 'API latency', labelNames: ['tenant'] });
export function login(tenant: string) { logins.inc({ tenant }); latency.observe({ tenant }, 0.2); }
`;

function configError(text: string): ConfigError {
  try {
    parseConfig(text, '/project/obslint.yaml', 'obslint.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('budget file', () => {
  it('applies built-in defaults without a file', async () => {
    const dir = tempProject({ 'src/auth.ts': METRICS });
    const json = JSON.parse((await runCli(['.', '--format', 'json'], { cwd: dir })).stdout);
    // tenant cannot be bounded: defaults.unknownLabelBound (100) applies.
    expect(json.estimates.map((e: { metric: string; series: number }) => [e.metric, e.series])).toEqual([
      ['logins_total', 100],
      ['api_latency_seconds', 1400],
    ]);
  });

  it('is found from the working directory and bounds labels by name and per metric', async () => {
    const dir = tempProject({
      'src/auth.ts': METRICS,
      'obslint.yaml':
        'version: 1\nlabels:\n  tenant: 40\nmetrics:\n  api_latency_seconds:\n    labels: { tenant: 5 }\n',
    });
    const json = JSON.parse((await runCli(['.', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.estimates.map((e: { series: number }) => e.series)).toEqual([40, 70]);
    expect(json.estimates[1].byLabel[0].reason).toBe('budget file (metrics.api_latency_seconds.labels.tenant)');
    expect(json.findings).toEqual([]);
  });

  it('--config overrides discovery; replicas multiply; rules can be switched off', async () => {
    const dir = tempProject({
      'src/auth.ts': METRICS,
      'obslint.yaml': 'labels: { tenant: 1 }\n',
      'ci/strict.yaml':
        'defaults: { replicas: 3, maxSeriesPerMetric: 50 }\nlabels: { tenant: 10 }\nrules: { summary-quantiles: off }\n',
    });
    const run = await runCli(['.', '--config', 'ci/strict.yaml', '--format', 'json'], { cwd: dir });
    const json = JSON.parse(run.stdout);
    expect(json.estimates.map((e: { series: number }) => e.series)).toEqual([30, 420]);
    expect(json.findings.map((f: { ruleId: string; metric: string }) => `${f.ruleId} ${f.metric}`)).toEqual([
      'cardinality-budget api_latency_seconds',
    ]);
    expect(json.rules.find((r: { id: string }) => r.id === 'summary-quantiles').severity).toBe('off');
  });

  it('ignore globs are relative to the budget file, wherever obslint runs', async () => {
    const dir = tempProject({
      'obslint.yaml': 'ignore: ["packages/api/scripts/**"]\n',
      'package.json': '{"name":"shop","private":true}',
      'packages/api/package.json': '{"name":"@shop/api"}',
      'packages/api/src/auth.ts': METRICS,
      'packages/api/scripts/seed.ts':
        "import { Counter } from 'prom-client';\nconst seeded = new Counter({ name: 'seeded', help: 'x' });\nseeded.inc();\n",
    });
    for (const cwd of [dir, join(dir, 'packages/api')]) {
      const json = JSON.parse((await runCli(['.', '--format', 'json'], { cwd })).stdout);
      expect(json.catalog.metrics.map((m: { name: string }) => m.name)).toEqual([
        'logins_total',
        'api_latency_seconds',
      ]);
    }
  });

  it('reports a missing --config file with exit 2', async () => {
    const dir = tempProject({ 'src/auth.ts': METRICS });
    const run = await runCli(['.', '--config', 'nope.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('obslint: nope.yaml: cannot read the budget file (ENOENT)\n');
  });

  it('rejects an invalid file with file:line:col and what is wrong, exit 2', async () => {
    const dir = tempProject({
      'src/auth.ts': METRICS,
      'obslint.yaml': 'version: 1\ndefaults:\n  maxSeriesPerMetric: lots\n',
    });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('obslint: obslint.yaml:3:23: `defaults.maxSeriesPerMetric` must be integer\n');
  });

  it('points at unknown keys, unknown rule ids, bad severities and broken YAML', () => {
    expect(configError('defaults:\n  maxSeries: 10\n').message).toBe(
      'obslint.yaml:2:3: unknown key `defaults.maxSeries`',
    );
    expect(configError('rules:\n  no-such-rule: error\n').message).toBe(
      'obslint.yaml:2:3: `rules`: unknown rule id `no-such-rule` (`obslint rules` lists them)',
    );
    expect(configError('rules:\n  metric-naming: loud\n').message).toBe(
      'obslint.yaml:2:18: `rules.metric-naming` must be one of "error", "warn", "off"',
    );
    expect(configError('labels: { tenant: 40\n').message).toMatch(/^obslint\.yaml:\d+:\d+: invalid YAML: /);
    expect(configError('version: 2\n').message).toBe('obslint.yaml:1:10: `version` must be 1');
    expect(configError('rules:\n  unbounded-label: [error, { names: user_id }]\n').message).toBe(
      'obslint.yaml:2:37: option `names` of rule `unbounded-label` must be array',
    );
    expect(configError('rules:\n  metric-naming: [warn, { houseStyle: always }]\n').message).toBe(
      'obslint.yaml:2:39: option `houseStyle` of rule `metric-naming` must be one of "note", "report"',
    );
    expect(configError('rules:\n  unbounded-label: [error, { nmes: [user_id] }]\n').message).toBe(
      'obslint.yaml:2:30: unknown option `nmes` for rule `unbounded-label`',
    );
    expect(configError('rules:\n  metric-naming: [warn, { strict: true }]\n').message).toMatch(
      /^obslint\.yaml:2:\d+: /,
    );
    expect(configError('labels:\n  tenant: 40\n  tenant: 50\n').message).toMatch(
      /^obslint\.yaml:3:3: invalid YAML: Map keys must be unique/,
    );
  });

  const runWith = async (yaml: string) => {
    const dir = tempProject({ 'src/auth.ts': METRICS, 'obslint.yaml': yaml });
    return runCli(['.'], { cwd: dir });
  };

  it('stops a YAML alias bomb with exit 2 naming the file, never an internal error', async () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const name of 'bcdefghi') {
      const previous = levels[levels.length - 1][0];
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
    }
    const run = await runWith(`version: 1\n${levels.join('\n')}\n`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'obslint: obslint.yaml:3:8: invalid YAML: its aliases expand to more than 100 copies (an alias bomb?); write the values out instead of `*alias` references\n',
    );
  });

  it('still reads a file with a few aliases', async () => {
    const run = await runWith('labels: &bounds { tenant: 40 }\nmetrics:\n  api_latency_seconds: { labels: *bounds }\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('rejects a number that overflows to infinity in every numeric field, with file:line:col', async () => {
    const fields: [string, string][] = [
      ['defaults:\n  maxSeriesPerMetric: 1e400\n', '2:23: `defaults.maxSeriesPerMetric`'],
      ['defaults:\n  unknownLabelBound: 1e400\n', '2:22: `defaults.unknownLabelBound`'],
      ['defaults:\n  replicas: 1e400\n', '2:13: `defaults.replicas`'],
      ['defaults:\n  statusCodes: 1e400\n', '2:16: `defaults.statusCodes`'],
      ['total:\n  maxSeries: 1e400\n', '2:14: `total.maxSeries`'],
      ['labels:\n  tenant: 1e400\n', '2:11: `labels.tenant`'],
      ['metrics:\n  logins_total:\n    maxSeries: 1e400\n', '3:16: `metrics.logins_total.maxSeries`'],
      ['metrics:\n  logins_total:\n    labels: { tenant: 1e400 }\n', '3:23: `metrics.logins_total.labels.tenant`'],
      ['owners:\n  - { paths: ["src/**"], maxSeries: 1e400 }\n', '2:37: `owners.0.maxSeries`'],
    ];
    for (const [yaml, where] of fields) {
      const run = await runWith(yaml);
      expect(run.code, yaml).toBe(2);
      expect(run.stderr, yaml).toBe(
        `obslint: obslint.yaml:${where}: \`1e400\` overflows (it reads as infinity, which would switch the check off); write a finite number\n`,
      );
    }
    expect((await runWith('total: { maxSeries: .inf }\n')).stderr).toBe(
      'obslint: obslint.yaml:1:21: `total.maxSeries`: `.inf` is infinite; write a finite number\n',
    );
    expect((await runWith('labels: { tenant: .nan }\n')).stderr).toBe(
      'obslint: obslint.yaml:1:19: `labels.tenant`: `.nan` is not a number; write a finite number\n',
    );
  });

  it('points a YAML syntax error at where the unclosed construct opens, not at the end of the file', async () => {
    const cases: [string, string][] = [
      [
        'version: 1\nlabels: { tenant: 40,\n  region: 3\nrules:\n  metric-naming: off\n',
        '2:9: invalid YAML: this `{` is never closed with `}` (flow mapping)',
      ],
      [
        'ignore: ["scripts/**",\n  "tools/**"\ndefaults:\n  replicas: 3\n',
        '1:9: invalid YAML: this `[` is never closed with `]` (flow sequence)',
      ],
      [
        'version: 1\nignore:\n  - "packages/*/scripts/**\n  - tools/**\nlabels:\n  tenant: 40\n',
        '3:5: invalid YAML: this `"` string is never closed',
      ],
      [
        "labels:\n  tenant: 40\nrules: { metric-naming: 'off }\n",
        "3:25: invalid YAML: this `'` string is never closed",
      ],
    ];
    for (const [yaml, message] of cases) {
      const run = await runWith(yaml);
      expect(run.code, yaml).toBe(2);
      expect(run.stderr, yaml).toBe(`obslint: obslint.yaml:${message}\n`);
    }
  });
});
