// Runs obslint over public codebases present on disk and reports, per codebase: files, metrics
// found vs a grep estimate, findings by rule, and run time. Not part of `npm test`.
//   npm run eval:corpora -- /path/to/lodestar /path/to/matrix-hookshot /path/to/storage
//   npm run eval:corpora -- --out runs/after --compare runs/before /path/to/a /path/to/b
// `--out DIR` keeps each codebase's findings (`DIR/<name>.json`); `--compare DIR` prints the
// findings added (+) and gone (-) since a run kept there: the before/after diff a change needs.
// The codebases are not in this repository: see "Evaluating on real code" in the README for which
// repositories and commits were used and how to bring them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyze } from '../dist/src/api.js';
import { discover } from '../dist/src/discovery/discover.js';

/** Definitions a grep finds: library constructors and calls, and the wrapper calls real code uses. */
const DEFINITIONS =
  /new\s+(?:[\w.]+\.)?(?:Counter|Gauge|Histogram|Summary)\s*[<(]|\.create(?:Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\s*[<(]|\bregister\.(?:gauge|histogram|counter|avgMinMax|static)\s*[<(]|\bmake(?:Counter|Gauge|Histogram|Summary)Provider\s*\(/g;

const dirs = [];
let out;
let compare;
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--out') out = process.argv[++i];
  else if (arg === '--compare') compare = process.argv[++i];
  else dirs.push(arg);
}
if (dirs.length === 0 || (process.argv.includes('--out') && !out) || (process.argv.includes('--compare') && !compare)) {
  console.error('usage: npm run eval:corpora -- [--out <dir>] [--compare <dir>] <codebase dir> [...]');
  process.exit(2);
}
if (out) mkdirSync(out, { recursive: true });

/** A finding as a line of the diff: rule, place and message. */
const keyOf = (f) => `${f.ruleId} ${f.file}:${f.line} ${f.message}`;
for (const dir of dirs) {
  const { files } = await discover(['.'], dir, []);
  const grep = files.reduce((n, f) => n + (readFileSync(f, 'utf8').match(DEFINITIONS)?.length ?? 0), 0);
  const started = performance.now();
  const result = await analyze({ cwd: dir, paths: ['.'] });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const byRule = {};
  for (const f of result.findings)
    byRule[`${f.ruleId} (${f.severity})`] = (byRule[`${f.ruleId} (${f.severity})`] ?? 0) + 1;
  console.log(`\n${dir}`);
  console.log(`  files: ${files.length} discovered, ${result.stats.filesParsed} parsed; ${seconds} s`);
  console.log(
    `  metrics: ${result.stats.metrics} found; grep estimate ${grep} definition sites (a wrapper call can define several metrics)`,
  );
  console.log(
    `  label uses linked: ${result.catalog.labelUses.length}; outbound calls: ${result.catalog.outbound.length}; spans: ${result.catalog.spans.length}`,
  );
  for (const [rule, count] of Object.entries(byRule).sort()) console.log(`  ${String(count).padStart(5)}  ${rule}`);
  const kept = result.findings.map((f) => ({
    ruleId: f.ruleId,
    file: f.loc.file,
    line: f.loc.line,
    message: f.message,
  }));
  const name = `${basename(dir)}.json`;
  if (out) writeFileSync(join(out, name), `${JSON.stringify({ stats: result.stats, findings: kept }, null, 1)}\n`);
  if (compare && existsSync(join(compare, name))) {
    const before = new Set(JSON.parse(readFileSync(join(compare, name), 'utf8')).findings.map(keyOf));
    const after = new Set(kept.map(keyOf));
    const gone = [...before].filter((k) => !after.has(k)).sort();
    const added = [...after].filter((k) => !before.has(k)).sort();
    console.log(`  since ${compare}: ${before.size} -> ${after.size} findings`);
    for (const k of gone) console.log(`    - ${k}`);
    for (const k of added) console.log(`    + ${k}`);
  } else if (compare) console.log(`  since ${compare}: no kept run of ${basename(dir)}`);
}
