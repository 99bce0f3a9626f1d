// Benchmark: obslint against the floor of any TypeScript-AST tool (read + ts.createSourceFile of
// every file), measured in the same run, on a generated monorepo or on the directories given.
//   npm run bench                      generated corpus (3,000 files, 3 % metric code)
//   npm run bench -- /path/to/repo     a real codebase (e.g. one brought with `fetch`)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { analyze } from '../dist/src/api.js';
import { discover } from '../dist/src/discovery/discover.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function generateCorpus(files = 3000, metricShare = 0.03) {
  const root = mkdtempSync(join(tmpdir(), 'obslint-bench-'));
  writeFileSync(join(root, 'package.json'), '{"name":"bench","private":true}');
  for (let i = 0; i < files; i++) {
    const pkg = `packages/service-${i % 30}/src`;
    mkdirSync(join(root, pkg), { recursive: true });
    const withMetrics = i % Math.round(1 / metricShare) === 0;
    const body = withMetrics
      ? `import { Counter, Histogram } from 'prom-client';\ntype Outcome = 'ok' | 'error';\nexport const requests${i} = new Counter({ name: 'svc${i}_requests_total', help: 'Requests', labelNames: ['outcome', 'route'] });\nexport const latency${i} = new Histogram({ name: 'svc${i}_latency_seconds', help: 'Latency', labelNames: ['route'] });\nexport function handle${i}(req: { route: { path: string }; params: { id: string } }, outcome: Outcome) {\n  requests${i}.inc({ outcome, route: req.route.path });\n  latency${i}.observe({ route: req.params.id }, 0.1);\n}\n`
      : `export interface Order${i} { id: string; total: number; lines: { sku: string; qty: number }[] }\nexport function total${i}(order: Order${i}): number {\n  let sum = 0;\n  for (const line of order.lines) sum += line.qty * ${(i % 7) + 1};\n  return sum + order.total;\n}\nexport class Repository${i} {\n  private readonly cache = new Map<string, Order${i}>();\n  get(id: string): Order${i} | undefined { return this.cache.get(id); }\n  put(order: Order${i}): void { this.cache.set(order.id, order); }\n}\n`;
    writeFileSync(join(root, pkg, `module-${i}.ts`), body);
  }
  return root;
}

async function measure(fn) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = performance.now();
  const result = await fn();
  const ms = performance.now() - start;
  clearInterval(timer);
  return { ms, peak: Math.max(peak, process.memoryUsage().rss), result };
}

async function parseEverything(files) {
  let nodes = 0;
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    nodes += sf.statements.length;
  }
  return nodes;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const targets = process.argv.slice(2);
const generated = targets.length === 0 ? generateCorpus() : undefined;
for (const dir of generated ? [generated] : targets) {
  const { files } = await discover(['.'], dir, []);
  const baseline = [];
  const obslint = [];
  let last;
  for (let run = 0; run < RUNS; run++) {
    baseline.push(await measure(() => parseEverything(files)));
    obslint.push((last = await measure(() => analyze({ cwd: dir, paths: ['.'] }))));
  }
  const b = median(baseline.map((m) => m.ms));
  const o = median(obslint.map((m) => m.ms));
  console.log(
    `${generated ? 'generated corpus' : dir}: ${files.length} files, ${last.result.stats.filesParsed} parsed by obslint, ${last.result.stats.metrics} metrics, ${last.result.findings.length} findings`,
  );
  console.log(`  baseline (read + parse every file): ${b.toFixed(0)} ms`);
  console.log(
    `  obslint analyze():                  ${o.toFixed(0)} ms  = ${(o / b).toFixed(2)}× baseline (median of ${RUNS})`,
  );
  console.log(`  peak RSS: ${(Math.max(...obslint.map((m) => m.peak)) / 1024 / 1024).toFixed(0)} MiB`);
}
if (generated) rmSync(generated, { recursive: true, force: true });
