import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { rules as allRules } from '../rules/index.js';
import { ExtractionCache } from './cache/extraction-cache.js';
import { combineFacts, parseFacts, serializeFacts, settingsDigest, sharedFile } from './cache/facts-file.js';
import { UsageError, UserError } from './config/errors.js';
import { BASELINE_FILE_NAME, findBaselineFile, readBaseline, writeBaseline } from './config/baseline.js';
import { findConfigFile, loadConfig } from './config/load.js';
import type { ConventionScope, ResolvedConfig } from './config/types.js';
import { diffRevisions, type DiffOptions } from './diff/run.js';
import { discoverSync, type Discovery } from './discovery/discover.js';
import { unchanged } from './discovery/consulted.js';
import { readManifest } from './discovery/manifest.js';
import type { ProjectWalk, Walker } from './discovery/walk.js';
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
import type { extract, Extraction } from './extract/extract.js';
import { unreadHelpersNotice } from './model/unread-helpers.js';
import { ModuleResolver, type WorkspacePackage } from './extract/syntax/module-resolver.js';
import { WrapperIndex } from './extract/libraries/wrappers.js';
import { selectCandidates } from './extract/prefilter.js';
import { mergeExtractions, partitionByProcess } from './extract/process-partition.js';
import { packageLoads } from './extract/package-loads.js';
import { PackageIndex } from './extract/facts/workspace-packages.js';
import { dependsOnSentry7 } from './extract/libraries/sentry-sdks.js';
import { ProjectSources } from './project-sources.js';
import { concurrencyOf, extractInParallel } from './extraction-pool.js';
import { filesChangedSince, type ChangedFiles } from './git/changed-files.js';
import type { Location, Notice, RunDiff, RunResult } from './types.js';
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
  /** How many threads extract process groups at once (`--concurrency`): a number, or `auto` (one per core); one by default. */
  concurrency?: number | 'auto';
  /** Directory of the extraction cache (the CLI's default: node_modules/.cache/obslint); none when omitted. */
  cacheLocation?: string;
  /**
   * A git revision: report only the files changed since the branch left it (committed, staged,
   * unstaged and untracked), among those the paths name. The whole project is still analysed:
   * budgets and other files' metrics bound the changed files as in a full run.
   */
  changedSince?: string;
  /** Where conventions (naming, summaries) are findings; the budget file's `conventions` when omitted. */
  conventions?: ConventionScope;
  /**
   * The lines a change added, by absolute path (the GitHub Action's pull request diff): conventions
   * there are findings. `changedSince` and named files mark their own.
   */
  changedLines?: ReadonlyMap<string, ReadonlySet<number>>;
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
  const project = extractProject(options);
  const { root, config, configFile, paths, discovery, extraction, readNotices } = project;
  const { files, targets, wholeProject } = discovery;
  const result = conclude(
    { root, config, configFile, paths, files, targets, wholeProject, changed, options },
    extraction,
    discovery.notices,
    readNotices,
  );
  return { result, inputs: configFile ? [...files, configFile] : files };
}

interface ExtractedProject {
  root: string;
  config: ResolvedConfig;
  configFile: string | undefined;
  paths: string[];
  discovery: Discovery;
  readNotices: Notice[];
  extraction: Extraction;
}

/** The budget file, the file set and its texts, and the extracted facts (from the cache when it has them). */
function extractProject(options: Omit<AnalyzeOptions, 'changedSince'>): ExtractedProject {
  const timer = options.timer ?? PhaseTimer.off();
  const { root, configFile, config } = budgetFileOf(options);
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  // `ignore` globs are relative to the budget file, like everything in it.
  const walk: Walker = options.cacheLocation
    ? walkWithCache(options.cacheLocation, root, timer)
    : (...args) => compilerStage().walkProject(...args);
  const discovery = timer.time('discovery', () =>
    discoverSync(paths, root, config.ignore, configFile ? dirname(configFile) : root, walk),
  );
  const { files, packages, aliases, subpathImports } = discovery;
  const modules = new ModuleResolver(packages, aliases, subpathImports);
  const location = options.cacheLocation;
  const sources = new ProjectSources(files, root, location, options.sourceTexts, timer);
  // What extraction depends on besides the files (`config` is the budget file's part it reads).
  const settings = { root, packages, aliases, subpathImports, config: extractionSettings(config) };
  const cache = location ? new ExtractionCache<KeptExtraction>(location, root) : undefined;
  const lastKey = sources.lastExtraction(settings);
  const kept = lastKey ? timer.time('cache', () => cache?.read(lastKey)?.merged) : undefined;
  if (kept) timer.count('read from the cache', sources.analysable);
  const extraction = kept ?? extractChanged();
  return { root, config, configFile, paths, discovery, readNotices: sources.notices, extraction };

  function extractChanged(): Extraction {
    sources.scan();
    timer.count('discovered', sources.readable.length);
    const candidates = timer.time('prefilter', () =>
      selectCandidates(
        sources.scans,
        sources.importsOf(modules, { packages, aliases, subpathImports }),
        new WrapperIndex(config.wrappers).modules,
        (reason, n) => {
          timer.count(`admitted: ${reason}`, n);
        },
        sources.typeImportsOf(modules),
        sentry7Files(root, packages),
      ),
    );
    // Each process group is extracted alone (see `partitionByProcess`), from the texts of the files
    // it parses and, of the rest, only what the prefilter made of them: a group none of whose inputs
    // changed is served from the cache, whatever changed elsewhere.
    const loads = timer.time('prefilter', () => packageLoads(sources.scans, candidates, root, packages));
    const parts = partitionByProcess(candidates, sources.readable, root, packages);
    timer.count('process groups (extracted and cached apart)', parts.length);
    timer.count(
      'files to parse in the largest process group',
      Math.max(...parts.map((p) => p.candidates.files.length)),
    );
    const last = cache && timer.time('cache', () => keptParts(cache.readAnyKey()));
    const keyed = parts.map((part) => ({
      part,
      key: ExtractionCache.key(
        {
          ...settings,
          part: part.shape,
          loads,
          candidates: {
            imported: [...part.candidates.imported],
            deferred: [...part.candidates.deferred],
            importedWrapperModules: [...candidates.importedWrapperModules],
            metricsLibraryImported: candidates.metricsLibraryImported,
            graphqlFields: candidates.graphqlFields,
            mongooseModels: candidates.mongooseModels,
            // Unparsed files' imports that decide what parsed code means (a Nest bootstrap, a reverse proxy).
            nestCoreImporters: [...candidates.nestCoreImporters].sort(),
            proxyImporters: [...candidates.proxyImporters].sort(),
          },
        },
        sources.hashesOf(part.candidates.files),
      ),
    }));
    const stale = keyed.filter(({ part, key }) => last?.get(part.name)?.key !== key);
    // What extraction reads of the other files is their scans: their texts go now.
    sources.keepTextsOf(candidates.files);
    const jobs = stale.map(({ part }) => ({
      root,
      files: sources.readable,
      candidates: part.candidates,
      describe: part.describe,
      oneProcessGroup: true,
      statusCodes: config.defaults.statusCodes,
      modules: [packages, aliases, subpathImports] as ConstructorParameters<typeof ModuleResolver>,
      packages,
      packageLoads: loads,
      wrappers: config.wrappers,
    }));
    const fresh = timer.time('extract', () =>
      extractInParallel(
        jobs,
        concurrencyOf(options.concurrency),
        (job) => timer.time('read', () => sources.textsOf(job.candidates.files)),
        (job) => compilerStage().extract({ ...job, modules, timer }),
        (what, n) => {
          timer.count(what, n);
        },
      ),
    );
    // `fresh` holds the stale parts' extractions in their order.
    let served = 0;
    let next = 0;
    const extracted = keyed.map(({ part, key }) => {
      const kept = last?.get(part.name);
      if (kept?.key !== key) return { part, key, extraction: fresh[next++] };
      served += kept.extraction.filesParsed;
      return { part, key, extraction: kept.extraction };
    });
    if (served > 0) timer.count('parsed files whose facts were read from the cache', served);
    if (served > 0 && stale.length === 0) timer.count('read from the cache', sources.readable.length);
    const extraction = mergeExtractions(extracted, root, packages);
    const key = ExtractionCache.key(extracted.map((e) => e.key));
    timer.time('cache', () => {
      if (cache && !sources.stale)
        cache.write(key, {
          merged: extraction,
          parts: extracted.map((e) => [e.part.name, e.key, e.extraction]),
        });
      sources.save(settings, key, new Set(candidates.files));
    });
    return extraction;
  }
}

/** Whether a file's package, or the repository's root one, depends on Sentry 7 or older (see `selectCandidates`). */
function sentry7Files(root: string, packages: readonly WorkspacePackage[]): (file: string) => boolean {
  const index = new PackageIndex(root, packages);
  const rootOn7 = dependsOnSentry7(index.of(join(root, 'package.json')).manifest?.dependencies ?? {});
  return (file) => rootOn7 || dependsOnSentry7(index.of(file).manifest?.dependencies ?? {});
}

/** What the extraction cache holds: the merged extraction (a run where nothing changed reads it) and each group's. */
interface KeptExtraction {
  merged: Extraction;
  parts: [name: string, key: string, extraction: Extraction][];
}

/** Each process group's kept extraction by name, if the entry has the shape this build writes. */
function keptParts(value: unknown): Map<string, { key: string; extraction: Extraction }> | undefined {
  const parts = (value as Partial<KeptExtraction> | undefined)?.parts;
  if (!Array.isArray(parts)) return undefined;
  const kept = new Map<string, { key: string; extraction: Extraction }>();
  for (const part of parts) {
    if (!Array.isArray(part) || typeof part[0] !== 'string' || typeof part[1] !== 'string') return undefined;
    kept.set(part[0], { key: part[1], extraction: part[2] });
  }
  return kept;
}

/** The stages that need the TypeScript compiler (see `extraction-stage.ts`). */
export interface CompilerStage {
  extract: typeof extract;
  walkProject: Walker;
}

let stage: CompilerStage | undefined;

/**
 * For front ends that load everything up front (the Action's bundle, the ESLint plugin) or run from
 * sources (the tests): the stage as they imported it, instead of loading it on first need.
 */
export function provideCompilerStage(provided: CompilerStage): void {
  stage = provided;
}

/**
 * Loaded on first need, synchronously (Node ≥ 20.19 requires ES modules): a run served from the
 * cache never needs it, and loading the TypeScript compiler was most of such a run.
 */
function compilerStage(): CompilerStage {
  stage ??= createRequire(import.meta.url)('./extraction-stage.js') as CompilerStage;
  return stage;
}

/**
 * The walk of a project as the last run over the same directories and ignores found it, while no
 * directory it listed, file it read or path it probed changed: walking and matching every path
 * against the ignore rules was most of a warm run. Runs that name files (pre-commit) walk their
 * project too, and share the entry with runs over the whole of it.
 */
function walkWithCache(location: string, root: string, timer: PhaseTimer): Walker {
  const cache = new ExtractionCache<ProjectWalk>(location, root, 'discovery');
  return (contextDirs, walkRoot, extraIgnores, ignoreBase) => {
    const key = ExtractionCache.key({ contextDirs, walkRoot, extraIgnores, ignoreBase });
    const cached = cache.read(key);
    if (cached && unchanged(cached.stamps)) {
      timer.count('discovered from the cache', cached.files.length);
      return cached;
    }
    const walk = compilerStage().walkProject(contextDirs, walkRoot, extraIgnores, ignoreBase);
    cache.write(key, walk);
    return walk;
  };
}

/** The run's root and its budget file: named, found from the root upwards, or none (`false`). */
function budgetFileOf(options: Pick<AnalyzeOptions, 'cwd' | 'configFile' | 'timer'>): {
  root: string;
  configFile: string | undefined;
  config: ResolvedConfig;
} {
  const root = resolve(options.cwd ?? process.cwd());
  const configFile =
    options.configFile === false
      ? undefined
      : options.configFile
        ? resolve(root, options.configFile)
        : findConfigFile(root);
  const shown = (abs: string): string => displayPath(root, abs);
  const config = (options.timer ?? PhaseTimer.off()).time('discovery', () => loadConfig(configFile, shown));
  return { root, configFile, config };
}

/** What of the budget file extraction reads: a change to it invalidates the cache and facts files. */
function extractionSettings(config: ResolvedConfig): unknown {
  return [config.defaults.statusCodes, config.wrappers];
}

/** What of the budget file a package's facts depend on: what extraction reads, and which files it analyses. */
function factsSettings(config: ResolvedConfig): unknown {
  return [extractionSettings(config), config.ignore];
}

export interface FactsOptions extends Pick<AnalyzeOptions, 'cwd' | 'configFile' | 'timer'> {
  /** The package's directory, relative to the working directory. */
  package: string;
}

/**
 * `obslint facts <dir>`: one package analysed alone, its extracted facts as the text of a facts
 * file. Value flow stops at the package's edge, as in a run of that directory.
 */
export function packageFacts(options: FactsOptions): string {
  const root = resolve(options.cwd ?? process.cwd());
  const dir = resolve(root, options.package);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`facts: not a directory: ${options.package}`);
  const { config, discovery, readNotices, extraction } = extractProject({ ...options, paths: [options.package] });
  return serializeFacts(
    {
      package: displayPath(root, dir) || '.',
      files: discovery.files.map((abs) => displayPath(root, abs)),
      filesParsed: extraction.filesParsed,
      catalog: extraction.catalog,
      directives: Object.fromEntries(extraction.directives),
      notices: { discovery: discovery.notices, read: readNotices, extraction: extraction.notices },
    },
    settingsDigest(factsSettings(config)),
  );
}

export interface MergeOptions extends Omit<AnalyzeOptions, 'paths' | 'changedSince' | 'sourceTexts' | 'cacheLocation'> {
  /** Facts files `obslint facts` wrote, relative to the working directory (where they were written from). */
  factsFiles: string[];
}

/**
 * `obslint merge`: packages' facts as one run over all of them: budgets over the whole project,
 * duplicate names across packages, one report. Run from the directory the facts were written from.
 */
export function merge(options: MergeOptions): RunResult {
  const { root, configFile, config } = budgetFileOf(options);
  const settings = settingsDigest(factsSettings(config));
  const named = options.factsFiles.map((file) => resolve(root, file));
  const twice = options.factsFiles.find((_, i) => named.indexOf(named[i]) !== i);
  if (twice !== undefined) throw new UsageError(`merge: ${twice} is named twice`);
  const all = options.factsFiles.map((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(root, file), 'utf8');
    } catch (error) {
      throw new UsageError(`merge: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const facts = parseFacts(text);
    if ('problem' in facts) throw new UsageError(`merge: ${file}: ${facts.problem}`);
    if (facts.settings !== settings)
      throw new UsageError(
        `merge: ${file} was written under other budget-file settings (wrappers, status codes or ignore globs): write it again`,
      );
    return facts;
  });
  const shared = sharedFile(all);
  if (shared)
    throw new UsageError(
      `merge: ${shared.file} is in the facts of both ${shared.packages[0]} and ${shared.packages[1]}: give each file to one package`,
    );
  const combined = combineFacts(all);
  // A package's run describes the repository root without reading its manifest; the whole run names it.
  const rootTracing = combined.catalog.tracing['.'];
  if (rootTracing && !all.some((facts) => facts.package === '.')) {
    const read = readManifest(join(root, 'package.json'), root);
    const name = 'pkg' in read ? read.pkg.name : undefined;
    if (name && !name.startsWith('(unnamed:')) combined.catalog.tracing['.'] = { name, ...rootTracing };
  }
  const files = combined.files.map((file) => resolve(root, file));
  const extraction: Extraction = {
    catalog: combined.catalog,
    notices: combined.notices.extraction,
    directives: new Map(Object.entries(combined.directives)),
    filesParsed: combined.filesParsed,
  };
  try {
    return conclude(
      { root, config, configFile, paths: ['.'], files, targets: new Set(files), wholeProject: true, options },
      extraction,
      combined.notices.discovery,
      combined.notices.read,
    );
  } catch (error) {
    // The files were checked field by field as far as merging needs; deeper damage (a facts file
    // edited by hand) shows here, and is still the input's fault, not a crash.
    if (error instanceof UserError) throw error;
    throw new UsageError(
      `merge: the facts of ${options.factsFiles.join(', ')} do not hold together (${error instanceof Error ? error.message : String(error)}): write them again with \`obslint facts\``,
    );
  }
}

interface Conclusion {
  root: string;
  config: ResolvedConfig;
  configFile: string | undefined;
  paths: string[];
  /** Every analysed file (absolute). */
  files: readonly string[];
  /** The files whose findings are reported (absolute). */
  targets: ReadonlySet<string>;
  /** Whether a directory was analysed whole: project-wide findings are reported then. */
  wholeProject: boolean;
  changed?: ChangedFiles;
  options: Omit<AnalyzeOptions, 'changedSince'>;
}

/** From the extracted facts to the run's result: estimates, rules, the reported files, the baseline. */
function conclude(
  run: Conclusion,
  extraction: Extraction,
  discoveryNotices: readonly Notice[],
  readNotices: readonly Notice[],
): RunResult {
  const { root, config, configFile, paths, files, targets, wholeProject, changed, options } = run;
  const timer = options.timer ?? PhaseTimer.off();
  const shown = (abs: string): string => displayPath(root, abs);
  const isReported = (abs: string): boolean => !changed || changed.files.has(abs);
  const reported = new Set([...targets].filter(isReported).map(shown));
  // Project-wide findings (total and owner budgets) sit on the budget file.
  if (wholeProject && configFile && config.fileDisplay && isReported(configFile)) reported.add(config.fileDisplay);
  const { estimates, allFindings, ruleNotices } = timer.time('rules', () => {
    const estimates = estimate(extraction.catalog, config);
    const { findings: allFindings, notices: ruleNotices } = runRules({
      rules: allRules,
      catalog: extraction.catalog,
      estimates,
      config,
      directives: extraction.directives,
      reportUnusedDirectives: options.reportUnusedDirectives ?? false,
      requireReason: options.requireReason ?? false,
      today: options.today ?? new Date().toISOString().slice(0, 10),
      changed: (options.conventions ?? config.conventions) === 'everywhere' ? undefined : changedCode(run),
      reports: (file) => reported.has(file),
    });
    return { estimates, allFindings, ruleNotices };
  });
  let findings = allFindings.filter((f) => reported.has(f.loc.file));
  const helpers = unreadHelpersNotice(extraction.catalog.unreadHelpers);
  const notices: Notice[] = [
    ...discoveryNotices,
    ...[...readNotices, ...extraction.notices, ...(helpers ? [helpers] : []), ...ruleNotices].filter(
      (n) => !n.file || reported.has(n.file),
    ),
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
  return result;
}

/**
 * Which lines a change added, for conventions: the pull request's diff, `--changed-since`'s (an
 * untracked file is new throughout), every line of named files; none in a run over a directory.
 */
function changedCode(run: Conclusion): (loc: Location) => boolean {
  const { root, changed, wholeProject, targets, options } = run;
  const lines = options.changedLines;
  if (lines) return (loc) => lines.get(resolve(root, loc.file))?.has(loc.line) ?? false;
  if (changed)
    return (loc) => {
      const abs = resolve(root, loc.file);
      return changed.files.has(abs) && (changed.lines.get(abs)?.has(loc.line) ?? true);
    };
  if (!wholeProject) return (loc) => targets.has(resolve(root, loc.file));
  return () => false;
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
