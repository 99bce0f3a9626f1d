import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from './helpers/cli.js';

const SERVICE = 'fixtures/projects/inventory-service';

describe('reporters', () => {
  it('json: versioned, portable, complete', async () => {
    const json = JSON.parse((await runCli([SERVICE, '--format', 'json'])).stdout);
    expect(Object.keys(json)).toEqual([
      'schemaVersion',
      'tool',
      'findings',
      'notices',
      'catalog',
      'estimates',
      'stats',
      'rules',
    ]);
    expect(json.schemaVersion).toBe(1);
    const finding = json.findings.find((f: { ruleId: string }) => f.ruleId === 'untemplated-route');
    expect(finding).toMatchObject({
      severity: 'error',
      messageId: 'raw',
      metric: 'inventory_lookups_total',
      label: 'path',
      loc: {
        file: 'fixtures/projects/inventory-service/src/routes/items.ts',
        line: 8,
        column: 32,
        endLine: 8,
        endColumn: 47,
      },
    });
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(json.stats).toEqual({ filesDiscovered: 5, filesParsed: 5, metrics: 7 });
  });

  it('github: one workflow command per finding, with escaped properties', async () => {
    const out = (await runCli([SERVICE, '--format', 'github'])).stdout;
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=fixtures\/projects\/inventory-service\/src\/routes\/items\.ts,line=8,col=32,endLine=8,title=obslint\/untemplated-route,endColumn=47::label `path`/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=.*title=obslint\/summary-quantiles/));
  });

  it('markdown: findings table with docs links and the cardinality table', async () => {
    const out = (await runCli([SERVICE, '--format', 'markdown'])).stdout;
    expect(out).toContain('**5** problems (3 errors, 2 warnings).');
    expect(out).toContain(
      '| `fixtures/projects/inventory-service/src/routes/items.ts:8:32` | error | [untemplated-route](https://github.com/obslint/obslint/blob/main/rules/untemplated-route/README.md) |',
    );
    expect(out).toContain(
      '| `http_request_duration_seconds` | histogram | 990 | method 1 × route 18 × status_code 5 × 11 per child | `fixtures/projects/inventory-service/src/metrics.ts:6` |',
    );
  });

  it('suppression comments hide findings, and unused ones are reported on request', async () => {
    const dir = tempProject({
      'src/orders.ts': [
        "import { Counter } from 'prom-client';",
        "const orders = new Counter({ name: 'orders_total', help: 'Orders', labelNames: ['customer'] });",
        'export function placed(req: { params: { customer: string } }) {',
        '  // obslint-disable-next-line unbounded-label -- tenants are capped at 20',
        '  orders.inc({ customer: req.params.customer });',
        '  /* obslint-disable */',
        '  orders.inc({ customer: req.params.customer + "!" });',
        '  /* obslint-enable */',
        '  // obslint-disable-next-line metric-naming',
        '  orders.inc({ customer: "internal" });',
        '}',
      ].join('\n'),
    });
    const quiet = await runCli(['.'], { cwd: dir });
    expect(quiet.code).toBe(0);
    const strict = await runCli(['.', '--report-unused-disable-directives'], { cwd: dir });
    expect(strict.stdout).toContain(
      '9:3  warning  unused obslint-disable-next-line directive: no `metric-naming` finding to suppress here  obslint/unused-disable-directive',
    );
    expect(strict.stdout).toContain('1 problem (0 errors, 1 warning)');
  });

  it('obslint-enable for one rule leaves the other rules of a bare disable block suppressed', async () => {
    const dir = tempProject({
      'src/metrics.ts': [
        "import { Summary, Counter } from 'prom-client';",
        '/* obslint-disable */',
        "export const s = new Summary({ name: 'render_seconds', help: 'Render time' });",
        '/* obslint-enable metric-naming */',
        "export const t = new Summary({ name: 'paint_seconds', help: 'Paint time' });",
        "export const c = new Counter({ name: 'renders', help: 'Renders' });",
      ].join('\n'),
    });
    const run = await runCli(['src/metrics.ts', '--format', 'json'], { cwd: dir });
    expect(
      JSON.parse(run.stdout).findings.map(
        (f: { loc: { line: number }; ruleId: string }) => `${f.loc.line} ${f.ruleId}`,
      ),
    ).toEqual(['6 metric-naming']);
  });

  it('fingerprints do not change when code moves', async () => {
    const code = (padding: string) =>
      `import { Counter } from 'prom-client';\n${padding}const c = new Counter({ name: 'orders_total', help: 'Orders', labelNames: ['status'] });\nc.inc({ state: 'open' });\n`;
    const before = JSON.parse(
      (await runCli(['.', '--format', 'json'], { cwd: tempProject({ 'src/a.ts': code('') }) })).stdout,
    ).findings;
    const after = JSON.parse(
      (await runCli(['.', '--format', 'json'], { cwd: tempProject({ 'src/a.ts': code('\n\n// moved down\n') }) }))
        .stdout,
    ).findings;
    expect(after.map((f: { loc: { line: number } }) => f.loc.line)).not.toEqual(
      before.map((f: { loc: { line: number } }) => f.loc.line),
    );
    expect(after.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(
      before.map((f: { fingerprint: string }) => f.fingerprint),
    );
  });

  it('a report written to a file has no colour, even from a terminal', async () => {
    const dir = tempProject({
      'src/metrics.ts':
        "import { Summary } from 'prom-client';\nexport const s = new Summary({ name: 'render_seconds', help: 'x' });\n",
    });
    await runCli(['.', '-o', 'report.txt'], { cwd: dir, isTTY: true });
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).not.toMatch(new RegExp(`${String.fromCharCode(27)}\\[`));
  });

  it("a rule's note on the run (a package that traces nothing) is no finding: every format shows it as a note and it fails nothing", async () => {
    const NOTIFIER = 'fixtures/rules/missing-trace-propagation/no-tracing-yet';
    const stylish = await runCli([NOTIFIER, '--max-warnings', '0']);
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toMatch(
      /^note {2}\S*src\/notify\.ts:9:\d+: package `notifier` sets up no tracing yet.*obslint\/missing-trace-propagation$/m,
    );
    expect(stylish.stdout).toContain('✔ no problems (');
    const github = (await runCli([NOTIFIER, '--format', 'github'])).stdout;
    expect(github).toMatch(
      /^::notice file=\S*src\/notify\.ts,line=9,col=\d+,title=obslint\/missing-trace-propagation::package `notifier` sets up no tracing yet/m,
    );
    const sarif = JSON.parse((await runCli([NOTIFIER, '--format', 'sarif'])).stdout);
    const run = sarif.runs[0];
    expect(run.results).toEqual([]);
    const [note] = run.invocations[0].toolExecutionNotifications;
    expect(note.level).toBe('note');
    expect(note.associatedRule.id).toBe('obslint/missing-trace-propagation');
    expect(run.tool.driver.rules[note.associatedRule.index].id).toBe('obslint/missing-trace-propagation');
    const markdown = (await runCli([NOTIFIER, '--format', 'markdown'])).stdout;
    expect(markdown).toContain('No problems found.');
    expect(markdown).toMatch(/^- `\S*src\/notify\.ts:9`: package `notifier` sets up no tracing yet/m);
    const json = JSON.parse((await runCli([NOTIFIER, '--format', 'json'])).stdout);
    expect(json.findings).toEqual([]);
    expect(json.notices).toContainEqual(expect.objectContaining({ ruleId: 'missing-trace-propagation', line: 9 }));
  });
});
