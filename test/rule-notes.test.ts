import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/api.js';
import { tempDir } from './helpers/cli.js';
import { FIXTURES } from './helpers/fixtures.js';

/** The no-tracing-yet fixture in a temporary directory, with `comment` above its first call. */
function withComment(comment: string): string {
  const dir = tempDir('obslint-notes-');
  cpSync(join(FIXTURES, 'rules/missing-trace-propagation/no-tracing-yet'), dir, { recursive: true });
  const file = join(dir, 'src/notify.ts');
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(8, 0, comment);
  writeFileSync(file, lines.join('\n'));
  return dir;
}

describe("a rule's notes on the run", () => {
  it('are suppressed like findings, and the suppression counts as used', async () => {
    const plain = await analyze({ cwd: withComment(''), reportUnusedDirectives: true });
    expect(plain.notices.filter((n) => n.ruleId === 'missing-trace-propagation')).toHaveLength(1);
    const dir = withComment('// obslint-disable-next-line missing-trace-propagation -- no tracing planned here');
    const result = await analyze({ cwd: dir, reportUnusedDirectives: true });
    expect(result.notices.filter((n) => n.ruleId !== undefined)).toEqual([]);
    expect(result.findings).toEqual([]);
  });
});
