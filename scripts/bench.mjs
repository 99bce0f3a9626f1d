// Benchmark: obslint against the floor of any TypeScript-AST tool (read + ts.createSourceFile of
// the same discovered files), each as a whole process, measured in turn in the same run. Absolute
// times are noise on a shared machine; the ratios are the result.
//   npm run bench                         generated monorepos of 1k, 3k and 10k files
//   npm run bench -- /path/a /path/b      real codebases (e.g. the 16k set built with `fetch`)
// Options (after `--`): --runs N (default 2, the median is reported), --sizes 1000,3000, --no-warm,
// --obslint-args "--no-cache" (passed on to every obslint run), --keep (keep generated corpora),
// --eslint (also ESLint with typescript-eslint's parser, no types, one rule, over the same files),
// --partial (warm runs that report part of the project: 10 named files, as pre-commit passes them,
// and `--changed-since` with one changed file; the root is committed to a throwaway git directory
// outside it, and the revision compared with differs from it in one file; then warm runs after one
// file's text changed, a file obslint parses and one it does not: that file is edited in place and
// restored afterwards, the only write to the root).
// Each obslint run's JSON report is hashed: the same hash before and after a change means the
// same findings, byte for byte.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../dist/src/discovery/discover.js';
import { readSourceFile } from '../dist/src/discovery/read-sources.js';
import { importResolver, scanSource, selectCandidates } from '../dist/src/extract/prefilter.js';
import { WrapperIndex } from '../dist/src/extract/libraries/wrappers.js';
import { ModuleResolver } from '../dist/src/extract/syntax/module-resolver.js';
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
    partial: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (arg === '--obslint-args') options.obslintArgs = argv[++i].split(/\s+/).filter(Boolean);
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--eslint') options.eslint = true;
    else if (arg === '--partial') options.partial = true;
    // For builds without the cache (comparing with an older obslint): cold runs only, no --no-cache.
    else if (arg === '--no-warm') options.warm = false;
    else options.roots.push(resolve(arg));
  }
  return options;
}

/** One whole process: wall from spawn to exit (here), CPU and peak RSS (reported by the child). */
function run(args, work, env = {}) {
  const result = join(work, 'result.json');
  const output = join(work, 'report.json');
  rmSync(result, { force: true });
  const start = performance.now();
  const proc = spawnSync(process.execPath, [child, ...args], {
    env: { ...process.env, BENCH_RESULT: result, BENCH_OUTPUT: output, ...env },
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

/** Each root's discovery, for the prefilter's module settings. */
const discovered = new Map();

async function bench(name, root, options, work) {
  const discovery = await discover(['.'], root, []);
  discovered.set(root, discovery);
  const { files } = discovery;
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
  const partial =
    options.warm && options.partial
      ? partialRuns(root, files, result?.findings[0]?.loc.file, options, work, cache)
      : undefined;
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
    partial,
    hash: [...hashes].join(' ≠ '),
  };
}

/**
 * Warm runs that report part of the project (the cache is the whole run's, filled above). The
 * named files are spread evenly over the file list. For `--changed-since`, the root is committed
 * to a git directory in `work` (GIT_DIR and GIT_WORK_TREE, so the root is not written to), and a
 * commit compared with holds one file (the first with a finding) with a line more: in the work
 * tree that file is the one changed.
 */
function partialRuns(root, files, withFinding, options, work, cache) {
  const named = Array.from({ length: Math.min(10, files.length) }, (_, i) =>
    relative(root, files[Math.floor((i * files.length) / Math.min(10, files.length))]),
  );
  const pathsFile = join(work, 'named.json');
  writeFileSync(pathsFile, JSON.stringify(named));
  const gitEnv = {
    GIT_DIR: join(work, 'git'),
    GIT_WORK_TREE: root,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@obslint.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@obslint.invalid',
  };
  const git = (args, input, index) =>
    execFileSync('git', args, {
      cwd: root,
      env: { ...process.env, ...gitEnv, ...(index ? { GIT_INDEX_FILE: index } : {}) },
      input,
      encoding: 'utf8',
    }).trim();
  rmSync(gitEnv.GIT_DIR, { recursive: true, force: true });
  git(['init', '--quiet']);
  git(['add', '--all']);
  const tree = git(['write-tree']);
  const changed = withFinding ?? named[0].split('\\').join('/');
  const blob = git(['hash-object', '-w', '--stdin'], `${readFileSync(join(root, changed), 'utf8')}\n// before\n`);
  // The base first (the root with one file edited), then the root as it is on top of it: the
  // merge base of the two is the base, as for a branch that changed one file.
  git(['read-tree', tree], undefined, join(work, 'base-index'));
  git(['update-index', '--cacheinfo', `100644,${blob},${changed}`], undefined, join(work, 'base-index'));
  const base = git(['commit-tree', git(['write-tree'], undefined, join(work, 'base-index')), '-m', 'base']);
  git(['update-ref', 'HEAD', git(['commit-tree', tree, '-p', base, '-m', 'head'])]);
  const args = ['--cache-location', cache, ...options.obslintArgs];
  const namedRuns = [];
  const changedRuns = [];
  for (let i = 0; i < options.runs; i++) {
    namedRuns.push(run(['obslint', root, ...args], work, { BENCH_PATHS: pathsFile }));
    changedRuns.push(run(['obslint', root, ...args, '--changed-since', base], work, gitEnv));
  }
  const summary = (runs) => {
    const report = runs.at(-1).report ? JSON.parse(runs.at(-1).report) : undefined;
    return {
      wall: median(runs.map((r) => r.wallMs)),
      cpu: median(runs.map((r) => r.cpuMs)),
      rss: Math.max(...runs.map((r) => r.maxRssKiB)),
      findings: report?.findings.length,
    };
  };
  rmSync(gitEnv.GIT_DIR, { recursive: true, force: true });
  const edited = editedRuns(root, files, named, changed, args, options, work);
  return { named: summary(namedRuns), changed: { ...summary(changedRuns), file: changed }, edited };
}

/**
 * Warm runs after one file's text changed (a line appended), as between two commits or saves: a
 * file extraction parses (the first with a finding) and one the prefilter leaves out (the first of
 * the named files that is not a candidate, decided by obslint's own prefilter). Before each measured
 * run the file is as it was and the cache is refilled with it, so no run is served an entry made of
 * the edited text; the file is restored afterwards, whatever happens.
 */
function editedRuns(root, files, named, parsedFile, args, options, work) {
  const candidates = new Set(candidatesOf(root, files));
  const unparsed = named.find((f) => !candidates.has(join(root, f)));
  const rows = {};
  for (const [kind, file] of [
    ['parsed', parsedFile],
    ['not parsed', unparsed],
  ]) {
    if (!file) continue;
    const path = join(root, file);
    const original = readFileSync(path);
    const runs = [];
    try {
      for (let i = 0; i < options.runs; i++) {
        writeFileSync(path, original);
        run(['obslint', root, ...args], work);
        writeFileSync(path, Buffer.concat([original, Buffer.from('\n// edited by the obslint bench\n')]));
        runs.push(run(['obslint', root, ...args], work));
      }
    } finally {
      writeFileSync(path, original);
    }
    rows[kind] = {
      file,
      wall: median(runs.map((r) => r.wallMs)),
      cpu: median(runs.map((r) => r.cpuMs)),
      rss: Math.max(...runs.map((r) => r.maxRssKiB)),
    };
  }
  return rows;
}

/** The files obslint's prefilter admits (the built `dist`), with the project's default settings. */
function candidatesOf(root, files) {
  const { packages, aliases, subpathImports } = discovered.get(root);
  const scans = new Map();
  for (const file of files) {
    const read = readSourceFile(file, root);
    if ('text' in read) scans.set(file, scanSource(read.text));
  }
  const resolve = importResolver(new ModuleResolver(packages, aliases, subpathImports), new Set(scans.keys()));
  const importsOf = (file) => resolve(file, scans.get(file).specifiers);
  return selectCandidates(scans, importsOf, new WrapperIndex([]).modules, () => {}).files;
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
if (rows.some((r) => r.partial)) {
  console.log('');
  console.log('Warm runs that report part of the project (whole project analysed, served from the cache):');
  console.log('');
  console.log(
    '| root | parse wall | parse CPU | warm `.` wall | 10 named files wall | wall ratio | CPU ratio | findings | --changed-since (1 file) wall | wall ratio | CPU ratio | findings | changed file |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows.filter((row) => row.partial)) {
    const { named, changed } = r.partial;
    console.log(
      `| ${r.name} | ${seconds(r.parse.wall)} | ${seconds(r.parse.cpu)} | ${seconds(r.warm.wall)} | ${seconds(named.wall)} | **${(named.wall / r.parse.wall).toFixed(2)}×** | ${(named.cpu / r.parse.cpu).toFixed(2)}× | ${named.findings ?? '?'} | ${seconds(changed.wall)} | **${(changed.wall / r.parse.wall).toFixed(2)}×** | ${(changed.cpu / r.parse.cpu).toFixed(2)}× | ${changed.findings ?? '?'} | ${changed.file} |`,
    );
  }
}
console.log('');
console.log('Warm runs after one file was edited (a line appended; the cache filled before the edit):');
console.log('');
console.log('| root | parse wall | edited file | parsed by obslint | wall | wall ratio | CPU ratio | RSS |');
console.log('| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows.filter((row) => row.partial))
  for (const [kind, e] of Object.entries(r.partial.edited))
    console.log(
      `| ${r.name} | ${seconds(r.parse.wall)} | ${e.file} | ${kind === 'parsed' ? 'yes' : 'no'} | ${seconds(e.wall)} | **${(e.wall / r.parse.wall).toFixed(2)}×** | ${(e.cpu / r.parse.cpu).toFixed(2)}× | ${mib(e.rss)} |`,
    );
if (!options.keep) rmSync(work, { recursive: true, force: true });
else console.error(`corpora kept in ${work}`);
