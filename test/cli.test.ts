import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runBin, runCli, tempDir, tempProject } from './helpers/cli.js';

const SERVICE = 'fixtures/projects/inventory-service';

const CLEAN_METRICS = `import { Counter } from 'prom-client';
export type Outcome = 'paid' | 'declined';
export const payments = new Counter({ name: 'payments_total', help: 'Payments by outcome', labelNames: ['outcome'] });
export function recordPayment(outcome: Outcome): void {
  payments.inc({ outcome });
}
`;
const WARNING_ONLY = `import { Summary } from 'prom-client';
export const checkout = new Summary({ name: 'checkout_duration_seconds', help: 'Checkout duration' });
`;

describe('obslint CLI', () => {
  it('prints findings with file:line:col, rule id and a summary, and exits 1', async () => {
    const run = await runCli([SERVICE]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fixtures/projects/inventory-service/src/routes/items.ts');
    expect(run.stdout).toMatch(
      / {2}8:32 {2}error {2}label `path` of `inventory_lookups_total` takes `req\.originalUrl` \(raw URL, unbounded\).* {2}obslint\/untemplated-route/,
    );
    expect(run.stdout).toMatch(/✖ 5 problems \(3 errors, 2 warnings\)/);
    // A summary over the whole life of the process is broken on established code too: a finding, not a note.
    expect(run.stdout).toMatch(
      / {2}44:29 {2}warning {2}summary `inventory_sync_duration_seconds` computes 7 quantiles over the whole life/,
    );
    expect(run.stdout).toContain('rules/untemplated-route/README.md');
  });

  it('exits 0 on a clean project and says so', async () => {
    const dir = tempProject({ 'src/metrics.ts': CLEAN_METRICS });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no problems (1 file, 1 metric)');
  });

  it('exits 0 with warnings only, and 1 when they exceed --max-warnings', async () => {
    const dir = tempProject({ 'src/metrics.ts': WARNING_ONLY });
    // A named file is what a change touches: its conventions are findings.
    const named = ['src/metrics.ts'];
    expect((await runCli(named, { cwd: dir })).code).toBe(0);
    expect((await runCli([...named, '--max-warnings', '0'], { cwd: dir })).code).toBe(1);
    expect((await runCli([...named, '--max-warnings', '1'], { cwd: dir })).code).toBe(0);
  });

  it('--quiet reports errors only', async () => {
    const run = await runCli([SERVICE, '--quiet']);
    expect(run.stdout).not.toMatch(/\d+:\d+ {2}warning/);
    expect(run.stdout).toContain('3 problems (3 errors, 0 warnings)');
    const dir = tempProject({ 'src/metrics.ts': WARNING_ONLY });
    expect((await runCli(['src/metrics.ts', '--quiet', '--max-warnings', '0'], { cwd: dir })).code).toBe(0);
  });

  it('exits 2 on a missing path, naming it, without a stack trace', async () => {
    const run = await runCli(['does/not/exist']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('obslint: no such file or directory: does/not/exist\n');
  });

  it('exits 2 on an unknown option or format', async () => {
    expect((await runCli(['--frobnicate'])).code).toBe(2);
    const run = await runCli(['--format', 'xml', SERVICE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are stylish, json, sarif, github, markdown');
  });

  it('exits 0 on an empty project and says there was nothing to analyse', async () => {
    const dir = tempProject({ 'README.md': '# nothing here\n' });
    const run = await runCli(['.'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no source files found under .');
  });

  it('writes the report to --output and nothing to stdout', async () => {
    const dir = tempProject({ 'src/metrics.ts': CLEAN_METRICS });
    const run = await runCli(['.', '--format', 'json', '--output', 'report.json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).schemaVersion).toBe(1);
  });

  it('colours stylish output only on a terminal, never with NO_COLOR, always with --color', async () => {
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[`);
    expect((await runCli([SERVICE], { isTTY: true })).stdout).toMatch(ansi);
    expect((await runCli([SERVICE], { isTTY: false })).stdout).not.toMatch(ansi);
    expect((await runCli([SERVICE], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ansi);
    expect((await runCli([SERVICE, '--no-color'], { isTTY: true })).stdout).not.toMatch(ansi);
    expect((await runCli([SERVICE, '--color'], { isTTY: false, env: { NO_COLOR: '1' } })).stdout).toMatch(ansi);
    expect((await runCli([SERVICE, '--format', 'json', '--color'], { isTTY: true })).stdout).not.toMatch(ansi);
  });

  it('gives byte-identical output for the same input', async () => {
    const first = await runCli([SERVICE, '--format', 'json']);
    const second = await runCli([SERVICE, '--format', 'json']);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).not.toContain(REPO_ROOT);
  });

  it('reports only the files it is given, with the whole project as context (as pre-commit and lint-staged pass them)', async () => {
    const cwd = join(REPO_ROOT, SERVICE);
    const run = await runCli(['src/routes/items.ts', 'src/routes/items.ts', 'README.md', '--format', 'json'], { cwd });
    const result = JSON.parse(run.stdout);
    expect(
      result.findings.map(
        (f: { loc: { file: string; line: number }; ruleId: string }) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`,
      ),
    ).toEqual([
      'src/routes/items.ts:8 untemplated-route',
      'src/routes/items.ts:15 unbounded-label',
      'src/routes/items.ts:15 unbounded-label',
    ]);
    expect(result.notices).toEqual([
      { level: 'note', file: 'README.md', message: 'skipped: not a JavaScript or TypeScript source file' },
    ]);
    expect(result.stats.metrics).toBe(7);
  });

  it('the installed bin runs the bundled command line, which reports what the modules do', async () => {
    // `npm run build` writes the bundle; the bin falls back to the modules only without it.
    expect(existsSync(join(REPO_ROOT, 'dist', 'src', 'bundle', 'main.js'))).toBe(true);
    const bundled = await runBin([SERVICE, '--format', 'json', '--no-cache']);
    const modules = await runCli([SERVICE, '--format', 'json', '--no-cache'], { cwd: REPO_ROOT });
    expect(bundled.code).toBe(modules.code);
    expect(bundled.stdout).toBe(modules.stdout);
  });

  it('--concurrency extracts independent process groups in worker threads, with the same report', async () => {
    const project = join(REPO_ROOT, 'fixtures', 'projects', 'separate-services');
    const args = [project, '--format', 'json', '--no-cache', '--timing'];
    const one = await runBin([...args, '--concurrency', '1']);
    const two = await runBin([...args, '--concurrency', '2']);
    expect(two.stderr).toContain('  extraction threads: 2\n');
    expect(one.stderr).not.toContain('extraction threads');
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).stats.filesParsed).toBe(2);
    const invalid = await runBin([project, '--concurrency', '0']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('a positive integer or auto');
  });

  it('a project outside the working directory keeps its workspace packages', async () => {
    // `obslint ../other-repo`: each package's tracing is still decided from its own manifest.
    const project = join(REPO_ROOT, 'fixtures', 'projects', 'standalone-examples');
    const args = ['--format', 'json', '--no-cache'];
    const inside = JSON.parse((await runCli(['.', ...args], { cwd: project })).stdout);
    const outside = JSON.parse((await runCli([project, ...args], { cwd: join(REPO_ROOT, 'test') })).stdout);
    const shape = (report: { findings: { ruleId: string; loc: { line: number } }[] }): string[] =>
      report.findings.map((f) => `${f.ruleId}:${f.loc.line}`);
    const untraced = (report: { notices: { message: string }[] }): string[] =>
      report.notices
        .map((n) => n.message)
        .filter((m) => m.startsWith('package `@relay/http-client` is a library other applications install'));
    expect(untraced(inside)).toHaveLength(1);
    expect(untraced(outside)).toHaveLength(1);
    expect(shape(outside)).toEqual(shape(inside));
  });

  it('the installed bin runs and sets the exit code', async () => {
    const run = await runBin([SERVICE, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).tool.name).toBe('obslint');
    expect((await runBin(['--version'])).stdout.trim()).toBe(
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version,
    );
  });
});

describe('obslint catalog and explain', () => {
  it('lists every metric with kind, label bounds, series and location, largest first', async () => {
    const run = await runCli(['catalog', SERVICE]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^METRIC +KIND +LABELS \(values\) +SERIES +LOCATION$/);
    expect(lines[1]).toMatch(
      /^inventory_deletes_total +counter +sku=∞ +unbounded +fixtures\/projects\/inventory-service\/src\/metrics.ts:25$/,
    );
    expect(run.stdout).toMatch(/http_request_duration_seconds +histogram +method=1 route=18 status_code=5 +990/);
    expect(run.stdout).toContain('7 metrics, 1,041 series estimated + 3 unbounded');
  });

  it('shows the label names the uses pass where the definition cannot be read', async () => {
    const project = join(
      REPO_ROOT,
      'fixtures',
      'rules',
      'unknown-label-bound',
      'label-names-taken-from-the-first-call',
    );
    const run = await runCli(['catalog', project, '--no-cache']);
    expect(run.stdout).toMatch(/school_accounts +gauge +role=3 \(names from the uses\) +3 /);
    expect(run.stdout).toMatch(/school_pending_invitations +gauge +\? \(label names not readable\) +1 /);
  });

  it('catalog and explain read and fill the cache as a run does, and take --no-cache', async () => {
    const location = tempDir();
    const fresh = await runCli(['catalog', SERVICE, '--no-cache'], { cwd: REPO_ROOT });
    expect(fresh.code).toBe(0);
    const filled = await runCli(['catalog', SERVICE, '--cache-location', location], { cwd: REPO_ROOT });
    expect(filled.stdout).toBe(fresh.stdout);
    expect(readdirSync(location).some((f) => f.startsWith('extraction-'))).toBe(true);
    const explained = await runCli(['explain', 'inventory_deletes_total', SERVICE, '--cache-location', location], {
      cwd: REPO_ROOT,
    });
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('inventory_deletes_total');
  });

  it('says when an instrument has no uses to read its labels from', async () => {
    const dir = tempProject({
      'src/m.ts':
        "import { metrics } from '@opentelemetry/api';\nexport const jobs = metrics.getMeter('jobs').createCounter('jobs.started');\n",
    });
    const run = await runCli(['catalog', '.'], { cwd: dir });
    expect(run.stdout).toMatch(/^jobs\.started +counter +\? \(no uses found\) +1 +src\/m\.ts:2$/m);
  });

  it('names the wrapper that created each metric, declared or in the project', async () => {
    const run = await runCli(['catalog', '.'], { cwd: join(REPO_ROOT, 'fixtures/projects/declared-wrappers') });
    expect(run.stdout.split('\n')[0]).toMatch(/ LOCATION +CREATED BY$/);
    expect(run.stdout).toMatch(
      /^transfer_prepare_seconds .* src\/transfers\.js:4 +@acme\/metrics#Metrics\.getHistogram$/m,
    );
  });

  it('prints the catalog as JSON and markdown', async () => {
    const json = JSON.parse((await runCli(['catalog', SERVICE, '--format', 'json'])).stdout);
    const histogram = json.metrics.find((m: { name: string }) => m.name === 'http_request_duration_seconds');
    expect(histogram.kind).toBe('histogram');
    expect(histogram.labelNames).toEqual(['method', 'route', 'status_code']);
    expect(histogram.estimate.series).toBe(990);
    const markdown = (await runCli(['catalog', SERVICE, '--format', 'markdown'])).stdout;
    expect(markdown).toContain(
      '| `http_request_duration_seconds` | histogram | 990 | method 1 × route 18 × status_code 5 × 11 per child |',
    );
  });

  it('explains an estimate factor by factor', async () => {
    const run = await runCli(['explain', 'http_request_duration_seconds', SERVICE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'method                      1  counted with `route`: each route serves the methods it is registered for',
    );
    // Five routes, each with its methods (a GET route answers HEAD too), and any method where none matched.
    expect(run.stdout).toContain('9 (method, route) pairs + 1 other value × 9 methods');
    expect(run.stdout).toContain(
      'status_code                 5  HTTP status code (20), counted with `route`: 5 status codes per route (defaults.statusCodesPerRoute)',
    );
    expect(run.stdout).toContain('per label set              11  8 buckets + 1 (+Inf) + 2 (_sum, _count)');
    expect(run.stdout).toContain('= method 1 × route 18 × status_code 5 × 11 per child = 990 series');
  });

  it('explain exits 2 for an unknown metric and suggests close names', async () => {
    const run = await runCli(['explain', 'http_request_duration', SERVICE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean `http_request_duration_seconds`');
  });

  it('rules lists every rule with its docs link', async () => {
    const run = await runCli(['rules']);
    expect(run.stdout).toMatch(/^cardinality-budget +error/m);
    expect(run.stdout).toContain('rules/unbounded-label/README.md');
  });
});

describe('progress line', () => {
  // A clock that moves a second each time it is read: every phase comes after the 2 s threshold.
  const slowClock = (): (() => number) => {
    let t = 0;
    return () => (t += 1000);
  };

  it('says what a long run is doing on a terminal, then clears the line before the report', async () => {
    const run = await runCli([SERVICE], { stderrIsTTY: true, now: slowClock() });
    const erase = '\r\u001b[2K';
    expect(run.stderr.startsWith(`${erase}obslint: `)).toBe(true);
    expect(run.stderr).toMatch(/obslint: (finding files|reading files|parsing|following values)… \(\d+ s\)/);
    expect(run.stderr.endsWith(erase)).toBe(true);
    expect(run.stdout).not.toContain('obslint: ');
  });

  it('stays silent in CI, with machine formats, off a terminal and for short runs', async () => {
    const quiet = [
      await runCli([SERVICE], { stderrIsTTY: true, now: slowClock(), env: { CI: 'true' } }),
      await runCli([SERVICE, '--format', 'json'], { stderrIsTTY: true, now: slowClock() }),
      await runCli([SERVICE], { stderrIsTTY: false, now: slowClock() }),
      await runCli([SERVICE], { stderrIsTTY: true, now: () => 0 }),
    ];
    for (const run of quiet) expect(run.stderr).toBe('');
  });
});
