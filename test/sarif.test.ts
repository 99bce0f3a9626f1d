import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { renderSarif, sarif } from '../src/reporters/sarif.js';
import type { Finding } from '../src/types.js';
import { REPO_ROOT, runCli, tempDir, tempProject } from './helpers/cli.js';

const VALIDATOR = join(REPO_ROOT, 'node_modules', '.bin', 'sarif-multitool');

/** Microsoft's validator with GitHub's ingestion rules; it exits 0 either way, so its messages are read. */
function validate(sarif: string): string[] {
  const file = join(tempDir('obslint-sarif-'), 'report.sarif');
  writeFileSync(file, sarif);
  // Files over 10 MB are skipped unless the limit is raised (25,000 results are about 25 MB).
  const output = execFileSync(VALIDATOR, ['validate', file, '--rule-kind', 'Gh', '--max-file-size-in-kb', '102400'], {
    encoding: 'utf8',
  });
  expect(output).toContain('Analysis completed successfully');
  return output.split('\n').filter((line) => /: (error|warning) [A-Z]+\d+:/.test(line));
}

describe('SARIF reporter', () => {
  it('passes the SARIF validator with GitHub ingestion rules', async () => {
    const run = await runCli(['fixtures/projects/inventory-service', '--format', 'sarif']);
    expect(run.code).toBe(1);
    expect(validate(run.stdout)).toEqual([]);
  });

  it('has one run with rules, repo-relative %SRCROOT% uris, fingerprints and code flows', async () => {
    const log = JSON.parse((await runCli(['fixtures/projects/inventory-service', '--format', 'sarif'])).stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.automationDetails.id).toBe('obslint/');
    const rules = run.tool.driver.rules;
    for (const rule of rules) {
      expect(rule.id).toMatch(/^obslint\/[a-z-]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.helpUri).toContain(`rules/${rule.id.slice('obslint/'.length)}/README.md`);
    }
    const route = run.results.find((r: { ruleId: string }) => r.ruleId === 'obslint/untemplated-route');
    expect(rules[route.ruleIndex].id).toBe('obslint/untemplated-route');
    expect(route.level).toBe('error');
    expect(route.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'fixtures/projects/inventory-service/src/routes/items.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 8, startColumn: 32, endLine: 8, endColumn: 47 },
    });
    expect(route.partialFingerprints['obslintFingerprint/v1']).toMatch(/^[0-9a-f]{32}$/);
    const stockLabel = run.results.find(
      (r: { message: { text: string } }) =>
        r.message.text.includes('req.params.sku') && r.message.text.includes('sku_id'),
    );
    expect(
      stockLabel.codeFlows[0].threadFlows[0].locations.map(
        (l: { location: { message: { text: string } } }) => l.location.message.text,
      ),
    ).toEqual(['`req.params.sku` is request input', 'label `sku_id` of `inventory_stock_level`']);
    // A finding over several lines (a summary's definition) keeps only its first line's region.
    // The summary is a convention: a finding where a change adds it, a named file here.
    const named = JSON.parse(
      (await runCli(['fixtures/projects/inventory-service/src/metrics.ts', '--format', 'sarif'])).stdout,
    ).runs[0];
    const summary = named.results.find((r: { ruleId: string }) => r.ruleId === 'obslint/summary-quantiles');
    expect(summary.locations[0].physicalLocation.region).toEqual({ startLine: 44, startColumn: 29 });
    // A budget finding sits on its largest factor (the route value) and points at the definition.
    const budgeted = JSON.parse(
      (await runCli(['fixtures/rules/_otel/metrics-cardinality-budget', '--format', 'sarif'])).stdout,
    );
    const budget = budgeted.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'obslint/cardinality-budget');
    expect(budget.locations[0].physicalLocation.artifactLocation.uri).toBe(
      'fixtures/rules/_otel/metrics-cardinality-budget/src/app.ts',
    );
    expect(budget.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: {
            uri: 'fixtures/rules/_otel/metrics-cardinality-budget/src/telemetry.ts',
            uriBaseId: '%SRCROOT%',
          },
          region: expect.objectContaining({ startLine: 5 }),
        },
        message: { text: '`http.server.request.duration` is defined here' },
      },
    ]);
  });

  it('reports files that do not parse as tool notifications and stays valid', async () => {
    const dir = tempProject({
      'src/metrics.ts':
        "import { Counter } from 'prom-client';\nexport const c = new Counter({ name: 'signups_total', help: 'Signups', labelNames: ['email'] });\nexport function signup(email: string) { c.inc({ email }); }\n",
      'src/broken.ts': "import { Counter } from 'prom-client';\nexport const = ;\n",
      'src/weird path/ünïcode.ts':
        "import { Counter } from 'prom-client';\nexport const d = new Counter({ name: 'logins_total', help: 'Logins', labelNames: ['user_id'] });\nexport function login(userId: string) { d.inc({ user_id: userId }); }\n",
    });
    const sarif = (await runCli(['.', '--format', 'sarif'], { cwd: dir })).stdout;
    expect(validate(sarif)).toEqual([]);
    const run = JSON.parse(sarif).runs[0];
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      /^src\/broken\.ts:2:\d+: could not parse/,
    );
    expect(
      run.results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0].physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['src/metrics.ts', 'src/weird%20path/%C3%BCn%C3%AFcode.ts']);
  });
});

describe('SARIF within GitHub limits', () => {
  it('keeps the worst 25,000 of more results, says how many it left out, and stays valid', async () => {
    const real = await analyze({ cwd: join(REPO_ROOT, 'fixtures/projects/inventory-service') });
    const [error, warning] = [
      real.findings.find((f) => f.severity === 'error')!,
      real.findings.find((f) => f.severity === 'warn')!,
    ];
    // 26,000 warnings and 4,000 errors, interleaved in report order.
    const findings = Array.from({ length: 30_000 }, (_, i): Finding => {
      const template = i % 15 === 7 ? error : warning;
      const line = 1 + (i % 900);
      return {
        ...template,
        loc: { ...template.loc, line, endLine: line },
        fingerprint: i.toString(16).padStart(32, '0'),
      };
    });
    const errors = findings.filter((f) => f.severity === 'error').length;
    expect(errors).toBe(2000);
    const out = renderSarif({ ...real, findings }, { quiet: false });
    expect(out).toMatchObject({ written: 25_000, dropped: 5_000 });
    const run = JSON.parse(out.text).runs[0];
    expect(run.results).toHaveLength(25_000);
    expect(run.results.filter((r: { level: string }) => r.level === 'error')).toHaveLength(errors);
    expect(run.invocations[0].toolExecutionNotifications[0]).toEqual({
      level: 'warning',
      message: {
        text: "5,000 of 30,000 results were left out to stay within GitHub code scanning's upload limits (25,000 results per run, 10 MB gzipped): the errors are kept first, then the warnings. Run obslint locally for the full report.",
      },
    });
    expect(gzipSync(out.text).length).toBeLessThan(10 * 1024 * 1024);
    expect(validate(out.text)).toEqual([]);
    // The reporter the CLI uses applies the same limit.
    expect(JSON.parse(sarif({ ...real, findings }, { quiet: false, color: false })).runs[0].results).toHaveLength(
      25_000,
    );
  });
});
