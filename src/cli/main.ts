import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyze, baseline, diff, merge, packageFacts, rules } from '../api.js';
import { defaultCacheLocation } from '../cache/extraction-cache.js';
import { BASELINE_FILE_NAME } from '../config/baseline.js';
import { LOCKFILE_NAME, readCatalogLock, writeCatalogLock } from '../config/catalog-lock.js';
import { catalogLock, compareLock, renderLockChanges } from '../diff/catalog-lock.js';
import { UserError, UsageError } from '../config/errors.js';
import { GitError } from '../git/git.js';
import { CONFIG_FILE_NAMES, parseConfig } from '../config/load.js';
import { DEFAULTS } from '../config/types.js';
import { renderStarterBudget } from '../reporters/budget.js';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../reporters/diff.js';
import { FORMATS, loadReporter, type Format } from '../reporters/index.js';
import type { RunResult } from '../types.js';
import { docsUrl, VERSION } from '../util/package.js';
import { displayPath, toPosix } from '../util/paths.js';
import { formatTiming, PhaseTimer } from '../util/phase-timer.js';
import { ProgressLine, wantsProgress } from './progress.js';

export { boundHeapGrowth } from './heap-growth.js';
import { CATALOG_FORMATS, renderCatalog, renderExplain, type CatalogFormat } from './catalog-view.js';

interface CommonOptions {
  config?: string;
  output?: string;
  color?: boolean;
  reportUnusedDisableDirectives?: boolean;
}

interface LintOptions extends CommonOptions {
  format: Format;
  maxWarnings: number;
  quiet?: boolean;
  requireReason?: boolean;
  baseline?: string | false;
  timing?: boolean;
  cache: boolean;
  cacheLocation?: string;
  concurrency?: number | 'auto';
  changedSince?: string;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Whether stderr is a terminal: where a long run's progress line goes. */
  stderrIsTTY: boolean;
  /** The wall clock in milliseconds (tests pass their own). */
  now?: () => number;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIO = (): CliIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  // Undefined, not false, when stdout is a pipe, whatever the typings say.
  isTTY: Boolean(process.stdout.isTTY as boolean | undefined),
  stderrIsTTY: Boolean(process.stderr.isTTY as boolean | undefined),
  env: process.env,
  cwd: process.cwd(),
});

/** Runs the CLI and returns its exit code: 0 clean, 1 findings, 2 usage, config or internal error. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command('obslint')
    .description('Static linter for observability: metric label cardinality, series budgets, naming')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run `obslint --help` for usage)');

  const common = (cmd: Command): Command =>
    cmd
      .option('-c, --config <file>', 'budget file (default: obslint.yaml found from the working directory up)')
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('--color', 'force colour')
      .option('--no-color', 'disable colour (also: NO_COLOR)');

  // What a report of findings takes, from a run or from merged facts.
  const reporting = (cmd: Command): Command =>
    cmd
      .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
      .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', parseInteger, -1)
      .option('--quiet', 'report errors only')
      .option('--report-unused-disable-directives', 'report obslint-disable comments that suppress nothing')
      .option('--require-reason', 'report obslint-disable comments that give no reason (`-- why`)')
      .option('--baseline <file>', `known findings not to report (default: ${BASELINE_FILE_NAME} found from here up)`)
      .option('--no-baseline', 'report every finding, ignoring the baseline');

  cached(reporting(common(program).argument('[paths...]', 'files and directories to analyse', [])))
    .option('--timing', 'print where the run spent its time (per phase) to stderr')
    .option(
      '--concurrency <n>',
      'threads that extract independent process groups at once: a number, or auto (one per core); default 1',
      parseConcurrency,
    )
    .option(
      '--changed-since <ref>',
      'report only files changed since the merge base of <ref> and HEAD, and untracked files (the whole project is still analysed)',
    )
    .action(async (paths: string[], options: LintOptions) => {
      const timer = options.timing ? new PhaseTimer() : PhaseTimer.off();
      const progress = wantsProgress(io.stderrIsTTY, io.env, options.format)
        ? new ProgressLine(io.stderr, io.now)
        : undefined;
      if (progress)
        timer.onPhase((phase) => {
          progress.phase(phase);
        });
      const result = await analyze({
        cwd: io.cwd,
        paths,
        configFile: options.config,
        reportUnusedDirectives: options.reportUnusedDisableDirectives,
        requireReason: options.requireReason,
        baseline: options.baseline,
        timer,
        cacheLocation: cacheLocationOf(io, options),
        concurrency: options.concurrency,
        changedSince: options.changedSince,
      }).catch((error: unknown) => {
        // Only --changed-since asks git anything here: say which option failed.
        throw error instanceof GitError ? new GitError(`--changed-since: ${error.message}`) : error;
      });
      progress?.clear();
      await timer.timeAsync('report', async () => {
        const reporter = await loadReporter(options.format);
        emit(io, options.output, reporter(result, { color: useColor(io, options), quiet: Boolean(options.quiet) }));
      });
      if (options.timing) io.stderr(formatTiming(timer));
      exitCode = exitCodeOf(result, options);
    });

  program
    .command('baseline')
    .description(`record today's findings in ${BASELINE_FILE_NAME}: later runs report only new ones`)
    .argument('[paths...]', 'files and directories to analyse', [])
    .option('-c, --config <file>', 'budget file (default: obslint.yaml found from the working directory up)')
    .option(
      '--baseline <file>',
      `baseline to write (default: the ${BASELINE_FILE_NAME} found from here up, or a new one here)`,
    )
    .option('--prune', 'also drop entries whose findings are fixed, and lower counts to what is found')
    .option('--require-reason', 'record suppressions without a reason too (as `obslint --require-reason` reports them)')
    .action(
      async (
        paths: string[],
        options: { config?: string; baseline?: string; prune?: boolean; requireReason?: boolean },
      ) => {
        const update = await baseline({
          cwd: io.cwd,
          paths,
          configFile: options.config,
          baselineFile: options.baseline,
          prune: options.prune,
          requireReason: options.requireReason,
        });
        const files = Object.keys(update.baseline.files).length;
        const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
        io.stderr(
          `${update.file}: ${n(update.recorded, 'finding')} recorded (${update.added} new); the baseline holds ${n(
            Object.values(update.baseline.files).reduce((sum, list) => sum + list.reduce((s, e) => s + e.count, 0), 0),
            'finding',
          )} in ${n(files, 'file')}\n`,
        );
        if (update.stale.length > 0)
          io.stderr(
            options.prune
              ? `pruned ${n(update.stale.length, 'stale entry').replace('entrys', 'entries')} whose findings are fixed\n`
              : `kept ${n(update.stale.length, 'stale entry').replace('entrys', 'entries')} whose findings are fixed: run \`obslint baseline --prune\` to drop them\n`,
          );
      },
    );

  program
    .command('init')
    .description("write a starter obslint.yaml from today's code: budgets with headroom, TODOs, wrapper stubs")
    .argument('[paths...]', 'files and directories to analyse', [])
    .option('-o, --output <file>', 'budget file to write', 'obslint.yaml')
    .option('--force', 'overwrite an existing budget file')
    .action(async (paths: string[], options: { output: string; force?: boolean }) => {
      const file = resolve(io.cwd, options.output);
      const shownAs = displayPath(io.cwd, file);
      // Another name the lookup would find in that directory counts as existing too.
      const existing = [file, ...CONFIG_FILE_NAMES.map((n) => join(dirname(file), n))].find((f) => existsSync(f));
      if (existing && !options.force)
        throw new UsageError(
          `${displayPath(io.cwd, existing)} already exists: obslint init never overwrites a budget file without --force`,
        );
      // Today's code under the defaults: an existing budget file would colour the estimates.
      const result = await analyze({ cwd: io.cwd, paths, configFile: false, baseline: false });
      const starter = renderStarterBudget(result, {
        schema: schemaReference(dirname(file), io.cwd),
        defaultMaxSeries: DEFAULTS.maxSeriesPerMetric,
      });
      // What init writes must load: a file the next run refuses would be a poor start.
      parseConfig(starter.text, file, shownAs);
      emit(io, options.output, starter.text);
      const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
      io.stderr(
        `wrote ${shownAs}: ${n(starter.budgets, 'metric budget')}, ${n(starter.todos, 'label')} to bound (TODO), ${n(starter.unbounded, 'unbounded metric')} without a budget, ${n(starter.wrappers, 'wrapper stub')} to check\n`,
      );
    });

  program
    .command('facts')
    .description(
      'analyse one package alone and write its facts for `obslint merge` (a CI matrix job, an Nx or Turborepo task)',
    )
    .argument('<dir>', 'the package directory')
    .option('-c, --config <file>', 'budget file (default: obslint.yaml found from the working directory up)')
    .option('-o, --output <file>', 'write the facts to a file instead of stdout')
    .option('--timing', 'print where the run spent its time (per phase) to stderr')
    .action((dir: string, options: Pick<CommonOptions, 'config' | 'output'> & { timing?: boolean }) => {
      const timer = options.timing ? new PhaseTimer() : PhaseTimer.off();
      const text = packageFacts({ cwd: io.cwd, package: dir, configFile: options.config, timer });
      emit(io, options.output, text);
      if (options.timing) io.stderr(formatTiming(timer));
    });

  reporting(
    common(program.command('merge'))
      .description('report on packages analysed apart as one run: whole-project budgets, one report')
      .argument('<facts...>', 'facts files written by `obslint facts`, from this directory'),
  ).action(async (factsFiles: string[], options: LintOptions) => {
    const result = merge({
      cwd: io.cwd,
      factsFiles,
      configFile: options.config,
      reportUnusedDirectives: options.reportUnusedDisableDirectives,
      requireReason: options.requireReason,
      baseline: options.baseline,
    });
    const reporter = await loadReporter(options.format);
    emit(io, options.output, reporter(result, { color: useColor(io, options), quiet: Boolean(options.quiet) }));
    exitCode = exitCodeOf(result, options);
  });

  cached(common(program.command('catalog')))
    .description('list every metric with its labels, bounds and estimated series')
    .argument('[paths...]', 'files and directories to analyse', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(CATALOG_FORMATS).default('table'))
    .addOption(
      new Option('--lock', `write the catalog to the lockfile (${LOCKFILE_NAME}) to commit`).conflicts('check'),
    )
    .option('--check', 'exit 1 and print the difference when the code no longer matches the lockfile')
    .option('--lockfile <file>', `lockfile to write or check (default: ${LOCKFILE_NAME} in the working directory)`)
    .action(
      async (
        paths: string[],
        options: CommonOptions &
          CacheOptions & { format: CatalogFormat; lock?: boolean; check?: boolean; lockfile?: string },
      ) => {
        const result = await analyzeMetrics(io, paths, options);
        printNotices(io, result);
        if (!options.lock && !options.check) {
          emit(io, options.output, renderCatalog(result, options.format));
          return;
        }
        const file = resolve(io.cwd, options.lockfile ?? LOCKFILE_NAME);
        const shownAs = displayPath(io.cwd, file);
        const current = catalogLock(result);
        const count = Object.keys(current.metrics).length;
        if (options.lock) {
          writeCatalogLock(file, shownAs, current);
          io.stderr(`wrote ${shownAs} (${count} metric${count === 1 ? '' : 's'})\n`);
          return;
        }
        const changes = compareLock(readCatalogLock(file, shownAs), current);
        if (changes.length === 0) {
          emit(io, options.output, `${shownAs}: the ${count} metric${count === 1 ? '' : 's'} match the lockfile\n`);
          return;
        }
        emit(io, options.output, renderLockChanges(changes, shownAs));
        exitCode = 1;
      },
    );

  cached(common(program.command('explain')))
    .description('show how the series estimate of a metric is computed')
    .argument('<metric>', 'metric name')
    .argument('[paths...]', 'files and directories to analyse', [])
    .action(async (metric: string, paths: string[], options: CommonOptions & CacheOptions) => {
      const result = await analyzeMetrics(io, paths, options);
      const text = renderExplain(result, metric);
      if (!text) {
        const names = result.catalog.metrics.map((m) => m.name);
        const close = names.filter((n) => n.includes(metric) || metric.includes(n)).slice(0, 5);
        throw new UsageError(
          `no metric named \`${metric}\` found${close.length ? ` (did you mean ${close.map((n) => `\`${n}\``).join(', ')}?)` : ` (${names.length} metrics found: run \`obslint catalog\`)`}`,
        );
      }
      emit(io, options.output, text);
    });

  common(program.command('diff'))
    .description('compare the metrics of the working tree with a git revision: series delta, breaking changes')
    .requiredOption('--base <ref>', 'revision to compare with (branch, tag, SHA); its merge base with HEAD is used')
    .argument('[paths...]', 'files and directories to analyse', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('stylish'))
    .action(async (paths: string[], options: CommonOptions & { base: string; format: DiffFormat }) => {
      const result = await diff({ cwd: io.cwd, base: options.base, paths, configFile: options.config });
      emit(io, options.output, renderDiff(result, options.format, { color: useColor(io, options) }));
    });

  program
    .command('rules')
    .description('list the rules with their default severity and docs')
    .action(() => {
      const width = Math.max(...rules.map((r) => r.id.length));
      io.stdout(
        rules
          .map(
            (r) =>
              `${r.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(5)}  ${r.meta.description}\n${' '.repeat(width + 9)}${docsUrl(r.id)}`,
          )
          .join('\n') + '\n',
      );
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? 0
        : 2;
    }
    if (error instanceof UserError) {
      io.stderr(`obslint: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `obslint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this with the command you ran.\n`,
    );
    return 2;
  }
}

/** Where editors find the schema from the budget file: the installed package, relative to the file. */
function schemaReference(fileDir: string, cwd: string): string {
  const modules = toPosix(relative(fileDir, join(cwd, 'node_modules')));
  return `${modules.startsWith('.') ? modules : `./${modules}`}/obslint/schema/obslint.schema.json`;
}

interface CacheOptions {
  cache: boolean;
  cacheLocation?: string;
}

/** The cache options, for every command that analyses the project. */
function cached(command: Command): Command {
  return command
    .option('--no-cache', 'analyse every file again instead of reading the cache')
    .option('--cache-location <dir>', 'where the cache lives (default: node_modules/.cache/obslint)');
}

/** For `catalog` and `explain`: about metrics, not findings, so the baseline has nothing to say. */
function analyzeMetrics(io: CliIO, paths: string[], options: CommonOptions & CacheOptions): Promise<RunResult> {
  return analyze({
    cwd: io.cwd,
    paths,
    configFile: options.config,
    baseline: false,
    cacheLocation: cacheLocationOf(io, options),
  });
}

function cacheLocationOf(io: CliIO, options: CacheOptions): string | undefined {
  return options.cache ? resolve(io.cwd, options.cacheLocation ?? defaultCacheLocation(io.cwd)) : undefined;
}

function parseConcurrency(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer or auto');
  return n;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

/** `--color`/`--no-color` win; a report written to a file has none; then NO_COLOR, FORCE_COLOR, and a terminal. */
function useColor(io: CliIO, options: CommonOptions): boolean {
  if (options.color !== undefined) return options.color;
  if (options.output) return false;
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR === '0' || io.env.FORCE_COLOR === 'false') return false;
  if (io.env.FORCE_COLOR) return true;
  return io.isTTY && io.env.TERM !== 'dumb';
}

function emit(io: CliIO, output: string | undefined, text: string): void {
  if (!output) {
    io.stdout(text);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, output), text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function printNotices(io: CliIO, result: RunResult): void {
  for (const n of result.notices)
    io.stderr(`${n.level}: ${n.file ? `${n.file}${n.line ? `:${n.line}:${n.column ?? 1}` : ''}: ` : ''}${n.message}\n`);
}

function exitCodeOf(result: RunResult, options: LintOptions): number {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = options.quiet ? 0 : result.findings.filter((f) => f.severity === 'warn').length;
  if (errors > 0) return 1;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) return 1;
  return 0;
}
