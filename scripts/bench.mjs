// Benchmark: obslint against the floor of any TypeScript-AST tool (read + ts.createSourceFile of
// the same discovered files), each as a whole process, measured in turn in the same run. Absolute
// times are noise on a shared machine; the ratios are the result.
//   npm run bench                         generated monorepos of 1k, 3k and 10k files
//   npm run bench -- /path/a /path/b      real codebases (e.g. the 16k set built with `fetch`)
// Options (after `--`): --runs N (default 2, the median is reported), --sizes 1000,3000, --no-warm,
// --obslint-args "--no-cache" (passed on to every obslint run), --keep (keep generated corpora),
// --eslint (also ESLint with typescript-eslint's parser, no types, one rule, over the same files).
// Each obslint run's JSON report is hashed: the same hash before and after a change means the
// same findings, byte for byte.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../dist/src/discovery/discover.js';
import { generateMonorepo } from './bench-corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'bench-child.mjs');

function parseArgs(argv) {
  const options = {
    roots: [],
    runs: 2,
    sizes: [1000, 3000, 10000],
    obslintArgs: [],
    keep: false,
    warm: true,
    eslint: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (arg === '--obslint-args') options.obslintArgs = argv[++i].split(/\s+/).filter(Boolean);
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--eslint') options.eslint = true;
    // For builds without the cache (comparing with an older obslint): cold runs only, no --no-cache.
    else if (arg === '--no-warm') options.warm = false;
    else options.roots.push(resolve(arg));
  }
  return options;
}

/** One whole process: wall from spawn to exit (here), CPU and peak RSS (reported by the child). */
function run(args, work) {
  const result = join(work, 'result.json');
  const output = join(work, 'report.json');
  rmSync(result, { force: true });
  const start = performance.now();
  const proc = spawnSync(process.execPath, [child, ...args], {
    env: { ...process.env, BENCH_RESULT: result, BENCH_OUTPUT: output },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const wallMs = performance.now() - start;
  if (proc.status !== 0 && proc.status !== 1) throw new Error(`bench child failed: ${args.join(' ')}`);
  const measured = JSON.parse(readFileSync(result, 'utf8'));
  let report;
  try {
    report = readFileSync(output, 'utf8');
  } catch {
    report = undefined;
  }
  rmSync(output, { force: true });
  return { wallMs, ...measured, report };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

async function bench(name, root, options, work) {
  const { files } = await discover(['.'], root, []);
  const list = join(work, 'files.json');
  writeFileSync(list, JSON.stringify(files));
  const parse = [];
  const obslint = [];
  const warm = [];
  const eslint = [];
  const cache = join(work, 'cache');
  rmSync(cache, { recursive: true, force: true });
  for (let i = 0; i < options.runs; i++) {
    parse.push(run(['parse', list], work));
    obslint.push(run(['obslint', root, ...(options.warm ? ['--no-cache'] : []), ...options.obslintArgs], work));
    if (options.eslint) eslint.push(run(['eslint', list, root], work));
  }
  if (options.warm) {
    // The first run with the cache fills it; the next ones are served from it, nothing changed.
    run(['obslint', root, '--cache-location', cache, ...options.obslintArgs], work);
    for (let i = 0; i < options.runs; i++)
      warm.push(run(['obslint', root, '--cache-location', cache, ...options.obslintArgs], work));
  }
  const last = obslint.at(-1);
  const result = last.report ? JSON.parse(last.report) : undefined;
  const hashes = new Set(
    obslint.map((o) =>
      createHash('sha256')
        .update(o.report ?? '')
        .digest('hex')
        .slice(0, 12),
    ),
  );
  const p = { wall: median(parse.map((r) => r.wallMs)), cpu: median(parse.map((r) => r.cpuMs)) };
  const o = { wall: median(obslint.map((r) => r.wallMs)), cpu: median(obslint.map((r) => r.cpuMs)) };
  return {
    name,
    files: files.length,
    parsed: result?.stats.filesParsed,
    findings: result?.findings.length,
    parse: { ...p, rss: Math.max(...parse.map((r) => r.maxRssKiB)) },
    obslint: { ...o, rss: Math.max(...obslint.map((r) => r.maxRssKiB)) },
    ratio: o.wall / p.wall,
    cpuRatio: o.cpu / p.cpu,
    warm: warm.length
      ? {
          wall: median(warm.map((r) => r.wallMs)),
          cpu: median(warm.map((r) => r.cpuMs)),
          rss: Math.max(...warm.map((r) => r.maxRssKiB)),
        }
      : undefined,
    eslint: eslint.length
      ? { wall: median(eslint.map((r) => r.wallMs)), rss: Math.max(...eslint.map((r) => r.maxRssKiB)) }
      : undefined,
    hash: [...hashes].join(' ≠ '),
  };
}

const options = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'obslint-bench-'));
const targets = options.roots.map((root) => ({ name: root, root }));
if (targets.length === 0)
  for (const size of options.sizes) {
    const root = join(work, `generated-${size}`);
    generateMonorepo(root, size);
    targets.push({ name: `generated ${size.toLocaleString('en-US')}`, root });
  }

const rows = [];
for (const { name, root } of targets) {
  const row = await bench(name, root, options, work);
  rows.push(row);
  console.error(
    `${name}: ${row.ratio.toFixed(2)}× the parse (${seconds(row.obslint.wall)} vs ${seconds(row.parse.wall)})`,
  );
}

console.log(
  `obslint vs parse-only (read + ts.createSourceFile of the same files), whole processes, median of ${options.runs}` +
    (options.obslintArgs.length ? `, obslint ${options.obslintArgs.join(' ')}` : ''),
);
console.log('');
console.log(
  '| root | files | parsed | findings | parse wall | parse CPU | parse RSS | obslint wall | obslint CPU | obslint RSS | wall ratio | CPU ratio | warm wall | warm CPU | warm RSS | warm wall ratio | warm CPU ratio | ESLint wall | ESLint RSS | ESLint wall ratio | report hash |',
);
console.log(
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
);
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.files} | ${r.parsed ?? '?'} | ${r.findings ?? '?'} | ${seconds(r.parse.wall)} | ${seconds(r.parse.cpu)} | ${mib(r.parse.rss)} | ${seconds(r.obslint.wall)} | ${seconds(r.obslint.cpu)} | ${mib(r.obslint.rss)} | **${r.ratio.toFixed(2)}×** | ${r.cpuRatio.toFixed(2)}× | ${r.warm ? `${seconds(r.warm.wall)} | ${seconds(r.warm.cpu)} | ${mib(r.warm.rss)} | **${(r.warm.wall / r.parse.wall).toFixed(2)}×** | ${(r.warm.cpu / r.parse.cpu).toFixed(2)}×` : '– | – | – | – | –'} | ${r.eslint ? `${seconds(r.eslint.wall)} | ${mib(r.eslint.rss)} | ${(r.eslint.wall / r.parse.wall).toFixed(2)}×` : '– | – | –'} | ${r.hash} |`,
  );
if (!options.keep) rmSync(work, { recursive: true, force: true });
else console.error(`corpora kept in ${work}`);
