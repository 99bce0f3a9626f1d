import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { REPO_ROOT } from './helpers/cli.js';

const RULES_DIR = join(REPO_ROOT, 'rules');
const REQUIRED_SECTIONS = [
  'What it finds',
  'Why it costs',
  'Examples',
  'Options',
  'Budget interaction',
  'How to bound or suppress',
  'When not to use it',
];
const ruleDirs = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();

describe('rule registry and docs', () => {
  it('the generated registry lists exactly the rule directories, sorted', () => {
    expect(rules.map((r) => r.id)).toEqual(ruleDirs);
  });

  it('every rule id is its directory name and appears in the README rules table and the config schema', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schema', 'obslint.schema.json'), 'utf8'));
    for (const rule of rules) {
      // Table cells are padded by the formatter, so match the row by its cells.
      expect(readme).toMatch(
        new RegExp(`\\| \\[${rule.id}\\]\\(rules/${rule.id}/README\\.md\\) +\\| ${rule.meta.defaultSeverity} +\\|`),
      );
      expect(Object.keys(schema.properties.rules.properties)).toContain(rule.id);
    }
  });

  for (const id of ruleDirs) {
    it(`${id} has a docs page with the required sections`, () => {
      const path = join(RULES_DIR, id, 'README.md');
      expect(existsSync(path), path).toBe(true);
      const text = readFileSync(path, 'utf8');
      expect(text.split('\n')[0]).toBe(`# obslint/${id}`);
      const headings = text
        .split('\n')
        .filter((l) => l.startsWith('## '))
        .map((l) => l.slice(3).trim());
      expect(headings).toEqual(REQUIRED_SECTIONS);
      expect(text).toMatch(/❌/);
      expect(text).toMatch(/✅/);
    });

    it(`${id} has fixtures`, () => {
      expect(existsSync(join(REPO_ROOT, 'fixtures', 'rules', id))).toBe(true);
    });
  }
});
