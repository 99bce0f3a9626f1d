import { dirname, resolve } from 'node:path';
import { rules as allRules } from '../rules/index.js';
import { ExtractionCache } from './cache/extraction-cache.js';
import { findConfigFile, loadConfig } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { diffRevisions, type DiffOptions } from './diff/run.js';
import { discover } from './discovery/discover.js';
import { readSources } from './discovery/read-sources.js';
import type { AnyRule } from './engine/define-rule.js';
import { runRules, severityOf } from './engine/run-rules.js';
import { estimate } from './estimate/estimate.js';
import { extract, type Extraction } from './extract/extract.js';
import { ModuleResolver } from './extract/syntax/module-resolver.js';
import type { RunDiff, RunResult } from './types.js';
import { docsUrl, VERSION } from './util/package.js';
import { displayPath } from './util/paths.js';
import { PhaseTimer } from './util/phase-timer.js';

export interface AnalyzeOptions {
  /** Directory paths are shown relative to; defaults to the process's working directory. */
  cwd?: string;
  /** Files and directories to analyse; defaults to the working directory. */
  paths?: string[];
  /** Budget file; found from the working directory upwards when omitted. */
  configFile?: string;
  reportUnusedDirectives?: boolean;
  /** Collects where the run's time goes (`--timing`). */
  timer?: PhaseTimer;
  /** Directory of the extraction cache (the CLI's default: node_modules/.cache/obslint); none when omitted. */
  cacheLocation?: string;
}

/** The one entry point every front end calls: discovery → extract → estimate → rules. */
export async function analyze(options: AnalyzeOptions = {}): Promise<RunResult> {
  const timer = options.timer ?? PhaseTimer.off();
  const root = resolve(options.cwd ?? process.cwd());
  const shown = (abs: string): string => displayPath(root, abs);
  const configFile = options.configFile ? resolve(root, options.configFile) : findConfigFile(root);
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
  } = await timer.timeAsync('discovery', () =>
    discover(paths, root, config.ignore, configFile ? dirname(configFile) : root),
  );
  const manifests = {
    scripts: packages.flatMap((p) => p.scripts),
    dependencies: Object.assign({}, ...packages.map((p) => p.dependencies)) as Record<string, string>,
  };
  const { texts, notices: readNotices } = timer.time('read', () => readSources(files, root));
  const extractOptions = {
    root,
    texts,
    statusCodes: config.defaults.statusCodes,
    modules: new ModuleResolver(packages, aliases, subpathImports),
    manifests,
    wrappers: config.wrappers,
    timer,
  };
  const run = (): Extraction => timer.time('extract', () => extract(extractOptions));
  let extraction: Extraction;
  if (options.cacheLocation) {
    const cache = new ExtractionCache<Extraction>(options.cacheLocation, root);
    const shape = {
      root,
      packages,
      aliases,
      subpathImports,
      manifests,
      config: [config.defaults.statusCodes, config.wrappers],
    };
    const key = timer.time('cache', () => ExtractionCache.key(texts, shape));
    const cached = timer.time('cache', () => cache.read(key));
    if (cached) timer.count('read from the cache', texts.size);
    extraction = cached ?? run();
    if (!cached)
      timer.time('cache', () => {
        cache.write(key, extraction);
      });
  } else extraction = run();
  const reported = new Set([...targets].map(shown));
  if (wholeProject && config.fileDisplay) reported.add(config.fileDisplay);
  const { estimates, allFindings } = timer.time('rules', () => {
    const estimates = estimate(extraction.catalog, config);
    const allFindings = runRules({
      rules: allRules,
      catalog: extraction.catalog,
      estimates,
      config,
      directives: extraction.directives,
      reportUnusedDirectives: options.reportUnusedDirectives ?? false,
    });
    return { estimates, allFindings };
  });
  const findings = allFindings.filter((f) => reported.has(f.loc.file));
  const notices = [
    ...discoveryNotices,
    ...[...readNotices, ...extraction.notices].filter((n) => !n.file || reported.has(n.file)),
  ];
  if (targets.size === 0) notices.push({ level: 'note', message: `no source files found under ${paths.join(', ')}` });
  return {
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
export type {
  RunResult,
  Finding,
  MetricDef,
  Estimate,
  Catalog,
  RunDiff,
  MetricDiff,
  BreakingChange,
  SeriesTotal,
} from './types.js';
