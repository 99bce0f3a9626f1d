import { dirname, join, relative, resolve, sep } from 'node:path';
import { rules as allRules } from '../rules/index.js';
import { ExtractionCache } from './cache/extraction-cache.js';
import { BASELINE_FILE_NAME, findBaselineFile, readBaseline, writeBaseline } from './config/baseline.js';
import { findConfigFile, loadConfig } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { diffRevisions, type DiffOptions } from './diff/run.js';
import { discoverSync } from './discovery/discover.js';
import { readSources } from './discovery/read-sources.js';
import {
  applyBaseline,
  describeEntry,
  recordBaseline,
  serializeBaseline,
  type BaselineScope,
  type BaselineUpdate,
} from './engine/baseline.js';
import type { AnyRule } from './engine/define-rule.js';
import { runRules, severityOf } from './engine/run-rules.js';
import { estimate } from './estimate/estimate.js';
import { extract, type Extraction } from './extract/extract.js';
import { ModuleResolver } from './extract/syntax/module-resolver.js';
import { filesChangedSince, type ChangedFiles } from './git/changed-files.js';
import type { Notice, RunDiff, RunResult } from './types.js';
import { docsUrl, VERSION } from './util/package.js';
import { displayPath, toPosix } from './util/paths.js';
import { PhaseTimer } from './util/phase-timer.js';

export interface AnalyzeOptions {
  /** Directory paths are shown relative to; defaults to the process's working directory. */
  cwd?: string;
  /** Files and directories to analyse; defaults to the working directory. */
  paths?: string[];
  /** Budget file; found from the working directory upwards when omitted; `false` for the defaults. */
  configFile?: string | false;
  reportUnusedDirectives?: boolean;
  /** Report suppressions that give no reason. */
  requireReason?: boolean;
  /**
   * Baseline of known findings to leave out: a file, or `false` for none; by default the
   * `obslint-baseline.json` found from the working directory upwards (up to the repository root).
   */
  baseline?: string | false;
  /** Today (UTC, `YYYY-MM-DD`), when `-- until <date>` suppressions expire; the clock's date by default. */
  today?: string;
  /** Texts to analyse instead of what is on disk (an editor's unsaved buffer), by absolute path. */
  sourceTexts?: ReadonlyMap<string, string>;
  /** Collects where the run's time goes (`--timing`). */
  timer?: PhaseTimer;
  /** Directory of the extraction cache (the CLI's default: node_modules/.cache/obslint); none when omitted. */
  cacheLocation?: string;
  /**
   * A git revision: report only the files changed since the branch left it (committed, staged,
   * unstaged and untracked), among those the paths name. The whole project is still analysed:
   * budgets and other files' metrics bound the changed files as in a full run.
   */
  changedSince?: string;
}

/** The one entry point every front end calls: discovery → extract → estimate → rules. */
export async function analyze(options: AnalyzeOptions = {}): Promise<RunResult> {
  const { changedSince } = options;
  // Asking git which files changed is part of choosing the files: `--timing` charges it to discovery.
  const changed =
    changedSince === undefined
      ? undefined
      : await (options.timer ?? PhaseTimer.off()).timeAsync('discovery', () =>
          filesChangedSince(resolve(options.cwd ?? process.cwd()), changedSince),
        );
  return analyzeProject(options, changed).result;
}

export interface ProjectAnalysis {
  result: RunResult;
  /** Every file the analysis read (absolute), and the budget file: what a memo must watch for changes. */
  inputs: string[];
}

/**
 * `analyze`, synchronously, with the files it read: for the ESLint plugin, whose rules cannot wait.
 * `changed` (what `changedSince` names, asked of git beforehand) narrows the files reported.
 */
export function analyzeProject(
  options: Omit<AnalyzeOptions, 'changedSince'> = {},
  changed?: ChangedFiles,
): ProjectAnalysis {
  const timer = options.timer ?? PhaseTimer.off();
  const root = resolve(options.cwd ?? process.cwd());
  const shown = (abs: string): string => displayPath(root, abs);
  const configFile =
    options.configFile === false
      ? undefined
      : options.configFile
        ? resolve(root, options.configFile)
        : findConfigFile(root);
  const config = timer.time('discovery', () => loadConfig(configFile, shown));
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  // `ignore` globs are relative to the budget file, like everything in it.
  const {
    files,
    targets,
    packages,
    aliases,
    subpathImports,
    notices: discoveryNotices,
    wholeProject,
  } = timer.time('discovery', () => discoverSync(paths, root, config.ignore, configFile ? dirname(configFile) : root));
  const { texts, notices: readNotices } = timer.time('read', () => readSources(files, root));
  for (const [file, text] of options.sourceTexts ?? []) if (texts.has(file)) texts.set(file, text);
  const extractOptions = {
    root,
    texts,
    statusCodes: config.defaults.statusCodes,
    modules: new ModuleResolver(packages, aliases, subpathImports),
    packages,
    wrappers: config.wrappers,
    timer,
  };
  const run = (): Extraction => timer.time('extract', () => extract(extractOptions));
  let extraction: Extraction;
  if (options.cacheLocation) {
    const cache = new ExtractionCache<Extraction>(options.cacheLocation, root);
    const shape = { root, packages, aliases, subpathImports, config: [config.defaults.statusCodes, config.wrappers] };
    const key = timer.time('cache', () => ExtractionCache.key(texts, shape));
    const cached = timer.time('cache', () => cache.read(key));
    if (cached) timer.count('read from the cache', texts.size);
    extraction = cached ?? run();
    if (!cached)
      timer.time('cache', () => {
        cache.write(key, extraction);
      });
  } else extraction = run();
  const isReported = (abs: string): boolean => !changed || changed.files.has(abs);
  const reported = new Set([...targets].filter(isReported).map(shown));
  // Project-wide findings (total and owner budgets) sit on the budget file.
  if (wholeProject && configFile && config.fileDisplay && isReported(configFile)) reported.add(config.fileDisplay);
  const { estimates, allFindings } = timer.time('rules', () => {
    const estimates = estimate(extraction.catalog, config);
    const allFindings = runRules({
      rules: allRules,
      catalog: extraction.catalog,
      estimates,
      config,
      directives: extraction.directives,
      reportUnusedDirectives: options.reportUnusedDirectives ?? false,
      requireReason: options.requireReason ?? false,
      today: options.today ?? new Date().toISOString().slice(0, 10),
    });
    return { estimates, allFindings };
  });
  let findings = allFindings.filter((f) => reported.has(f.loc.file));
  const notices: Notice[] = [
    ...discoveryNotices,
    ...[...readNotices, ...extraction.notices].filter((n) => !n.file || reported.has(n.file)),
  ];
  if (targets.size === 0) notices.push({ level: 'note', message: `no source files found under ${paths.join(', ')}` });
  else if (changed && reported.size === 0)
    notices.push({
      level: 'note',
      message: `no changed files since ${changed.ref}${options.paths?.length ? ` under ${paths.join(', ')}` : ''}`,
    });
  const baselineFile =
    options.baseline === false
      ? undefined
      : options.baseline !== undefined
        ? resolve(root, options.baseline)
        : findBaselineFile(root);
  let baselineSummary: RunResult['baseline'];
  if (baselineFile) {
    const applied = applyBaseline(
      findings,
      readBaseline(baselineFile, shown(baselineFile)),
      baselineScope(root, paths, baselineFile, changed ? isReported : undefined),
    );
    findings = applied.kept;
    baselineSummary = { file: shown(baselineFile), suppressed: applied.suppressed, stale: applied.stale };
    notices.push(...baselineNotices(baselineSummary));
  }
  const result: RunResult = {
    schemaVersion: 1,
    tool: { name: 'obslint', version: VERSION },
    root,
    findings,
    notices,
    catalog: extraction.catalog,
    estimates,
    stats: {
      filesDiscovered: files.length,
      filesParsed: extraction.filesParsed,
      metrics: extraction.catalog.metrics.length,
    },
    rules: summarizeRules(allRules, config),
  };
  if (baselineSummary) result.baseline = baselineSummary;
  return { result, inputs: configFile ? [...files, configFile] : files };
}

/**
 * Baseline keys are relative to its directory. Only a run over that whole directory can tell that a
 * finding is gone (a run over part of it misses context that findings elsewhere need): other runs
 * neither report stale entries nor prune them.
 */
function baselineScope(
  root: string,
  paths: string[],
  baselineFile: string,
  reports?: (abs: string) => boolean,
): BaselineScope {
  const base = dirname(baselineFile);
  const within = (abs: string, dir: string): boolean =>
    abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  const whole = paths.some((p) => within(base, resolve(root, p)));
  return {
    keyOf: (file) => toPosix(relative(base, resolve(root, file))),
    // `--changed-since` reports a file's every finding, but only for the files it changed.
    covers: (key) => whole && (!reports || reports(resolve(base, key))),
  };
}

function baselineNotices(summary: NonNullable<RunResult['baseline']>): Notice[] {
  const out: Notice[] = [];
  if (summary.suppressed > 0)
    out.push({
      level: 'note',
      message: `${summary.suppressed} known finding${summary.suppressed === 1 ? ' is' : 's are'} in the baseline ${summary.file} and not reported`,
    });
  for (const e of summary.stale)
    out.push({
      level: 'warning',
      file: summary.file,
      message: `stale baseline entry ${describeEntry(e)}: ${e.count} allowed, ${e.found} found (fixed findings could come back unnoticed): run \`obslint baseline --prune\``,
    });
  return out;
}

export interface BaselineOptions extends Omit<AnalyzeOptions, 'baseline' | 'changedSince'> {
  /** Where to write it; by default the one found from the working directory upwards, or a new one there. */
  baselineFile?: string;
  /** Lower the counts of entries that now match fewer findings, and drop those that match none. */
  prune?: boolean;
}

/**
 * `obslint baseline`: records every finding of the run in the baseline (entries of files the run did
 * not look at are kept), so that later runs report only new findings.
 */
export async function baseline(options: BaselineOptions = {}): Promise<BaselineUpdate & { file: string }> {
  const root = resolve(options.cwd ?? process.cwd());
  const file = options.baselineFile
    ? resolve(root, options.baselineFile)
    : (findBaselineFile(root) ?? join(root, BASELINE_FILE_NAME));
  const shownAs = displayPath(root, file);
  const previous = readBaseline(file, shownAs, true);
  const result = await analyze({ ...options, baseline: false });
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const update = recordBaseline(previous, result.findings, baselineScope(root, paths, file), options.prune ?? false);
  writeBaseline(file, shownAs, serializeBaseline(update.baseline));
  return { ...update, file: shownAs };
}

function summarizeRules(rules: AnyRule[], config: ResolvedConfig): RunResult['rules'] {
  return rules.map((r) => ({
    id: r.id,
    description: r.meta.description,
    severity: severityOf(r, config),
    docsUrl: docsUrl(r.id),
  }));
}

/**
 * The catalog at a base revision (read from git objects, never checked out) against the working
 * tree: metrics and labels added, removed and renamed, series per metric and in total, budgets.
 */
export function diff(options: DiffOptions): Promise<RunDiff> {
  return diffRevisions(options, analyze);
}

export { allRules as rules };
export type { DiffOptions } from './diff/run.js';
export type { BaselineUpdate } from './engine/baseline.js';
export type {
  RunResult,
  Baseline,
  StaleEntry,
  Finding,
  MetricDef,
  Estimate,
  Catalog,
  RunDiff,
  MetricDiff,
  BreakingChange,
  SeriesTotal,
} from './types.js';
