import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, findingKeys, fixtureDirs, readExpected, ruleNoticeKeys, runFixture } from './helpers/fixtures.js';

/**
 * Every fixture project (fixtures/rules/<rule>/<case>, fixtures/projects/<scenario>) is analysed and
 * must produce exactly the findings (and rule notes) its expected.json lists: nothing missing, nothing extra.
 */
const dirs = [...fixtureDirs(`${FIXTURES}/rules`), ...fixtureDirs(`${FIXTURES}/projects`)];

describe('fixture projects', () => {
  it('exist', () => {
    expect(dirs.length).toBeGreaterThan(0);
  });
  for (const dir of dirs) {
    it(relative(FIXTURES, dir), async () => {
      const expected = readExpected(dir);
      const result = await runFixture(dir, expected);
      expect(findingKeys(result)).toEqual(expected.findings.map((f) => `${f.file}:${f.line} ${f.rule}`));
      for (const f of expected.findings) {
        const found = result.findings.filter(
          (x) => x.loc.file === f.file && x.loc.line === f.line && x.ruleId === f.rule,
        );
        if (f.severity) expect(found.map((x) => x.severity)).toContain(f.severity);
        if (f.related)
          expect(found.map((x) => (x.related ?? []).map((r) => `${r.loc.file}:${r.loc.line}`))).toContainEqual(
            f.related,
          );
        if (!f.message) continue;
        expect(found.map((x) => x.message)).toContainEqual(expect.stringContaining(f.message));
      }
      const notices = expected.notices ?? [];
      expect(ruleNoticeKeys(result)).toEqual(notices.map((n) => `${n.file}:${n.line} ${n.rule}`));
      for (const n of notices) {
        if (!n.message) continue;
        const found = result.notices.filter((x) => x.file === n.file && x.line === n.line && x.ruleId === n.rule);
        expect(found.map((x) => x.message)).toContainEqual(expect.stringContaining(n.message));
      }
      for (const [metric, series] of Object.entries(expected.estimates ?? {})) {
        // One metric of that name unless a list says how many: a second (a branch not taken, a copy) is a metric that does not exist.
        expect(
          result.estimates.filter((e) => e.metric === metric).map((e) => e.series),
          metric,
        ).toEqual(Array.isArray(series) ? series : [series]);
      }
    });
  }
});
