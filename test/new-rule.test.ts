import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers/cli.js';

const run = promisify(execFile);

/** A copy of the parts of the repository the scaffold edits. */
function scratchRepo(): string {
  const dir = tempDir('obslint-new-rule-');
  for (const part of ['rules', 'schema', 'README.md', '.prettierrc.json'])
    cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'fixtures', 'rules'), { recursive: true });
  return dir;
}

async function newRule(root: string, id: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(REPO_ROOT, 'scripts', 'new-rule.mjs'), id, '--root', root]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('npm run new-rule', () => {
  it('creates the rule folder, its docs and fixtures, and registers it everywhere', async () => {
    const root = scratchRepo();
    expect(await newRule(root, 'metric-help-missing')).toMatchObject({ code: 0 });

    const rule = readFileSync(join(root, 'rules', 'metric-help-missing', 'rule.ts'), 'utf8');
    expect(rule).toContain("id: 'metric-help-missing'");
    expect(rule).not.toMatch(/\{\{rule-id\}\}|Copied by/);
    const docs = readFileSync(join(root, 'rules', 'metric-help-missing', 'README.md'), 'utf8');
    expect(docs.split('\n')[0]).toBe('# obslint/metric-help-missing');
    expect(docs).toContain('## When not to use it');
    expect(existsSync(join(root, 'rules', 'metric-help-missing', 'fixtures'))).toBe(false);

    const fixtures = join(root, 'fixtures', 'rules', 'metric-help-missing');
    expect(JSON.parse(readFileSync(join(fixtures, 'valid-clean', 'expected.json'), 'utf8'))).toEqual({ findings: [] });
    const invalid = JSON.parse(readFileSync(join(fixtures, 'invalid-reported', 'expected.json'), 'utf8'));
    expect(invalid.findings[0]).toMatchObject({ file: 'src/service.ts', rule: 'metric-help-missing' });
    expect(existsSync(join(fixtures, 'invalid-reported', 'src', 'service.ts'))).toBe(true);

    expect(readFileSync(join(root, 'rules', 'index.ts'), 'utf8')).toContain(
      "import metricHelpMissing from './metric-help-missing/rule.js';",
    );
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'obslint.schema.json'), 'utf8'));
    expect(schema.properties.rules.properties['metric-help-missing']).toEqual({ $ref: '#/definitions/noOptions' });
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(
      /\| \[metric-help-missing\]\(rules\/metric-help-missing\/README\.md\) +\| warn +\|/,
    );
  });

  it('refuses an existing rule and an id that is not kebab-case, writing nothing', async () => {
    const root = scratchRepo();
    const existing = await newRule(root, 'unbounded-label');
    expect(existing.code).toBe(2);
    expect(existing.output).toContain('already exists');
    const bad = await newRule(root, 'MetricHelp');
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('usage: npm run new-rule');
    expect(existsSync(join(root, 'rules', 'MetricHelp'))).toBe(false);
  });
});
