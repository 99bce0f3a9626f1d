// Runs obslint over public codebases present on disk and reports, per codebase: files, metrics
// found vs a grep estimate, findings by rule, and run time. Not part of `npm test`.
//   npm run eval:corpora -- /path/to/lodestar /path/to/matrix-hookshot /path/to/storage
// The codebases are not in this repository: see "Evaluating on real code" in the README for which
// repositories and commits were used and how to bring them.
import { readFileSync } from 'node:fs';
import { analyze } from '../dist/src/api.js';
import { discover } from '../dist/src/discovery/discover.js';

/** Definitions a grep finds: library constructors and calls, and the wrapper calls real code uses. */
const DEFINITIONS =
  /new\s+(?:[\w.]+\.)?(?:Counter|Gauge|Histogram|Summary)\s*[<(]|\.create(?:Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\s*[<(]|\bregister\.(?:gauge|histogram|counter|avgMinMax|static)\s*[<(]|\bmake(?:Counter|Gauge|Histogram|Summary)Provider\s*\(/g;

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run eval:corpora -- <codebase dir> [...]');
  process.exit(2);
}
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
}
