import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyze, diff, rules } from '../api.js';
import { defaultCacheLocation } from '../cache/extraction-cache.js';
import { UserError, UsageError } from '../config/errors.js';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../reporters/diff.js';
import { FORMATS, loadReporter, type Format } from '../reporters/index.js';
import type { RunResult } from '../types.js';
import { docsUrl, VERSION } from '../util/package.js';
import { formatTiming, PhaseTimer } from '../util/phase-timer.js';
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
  timing?: boolean;
  cache: boolean;
  cacheLocation?: string;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIO = (): CliIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  // Undefined, not false, when stdout is a pipe, whatever the typings say.
  isTTY: Boolean(process.stdout.isTTY as boolean | undefined),
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

  common(program)
    .argument('[paths...]', 'files and directories to analyse', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', parseInteger, -1)
    .option('--quiet', 'report errors only')
    .option('--report-unused-disable-directives', 'report obslint-disable comments that suppress nothing')
    .option('--timing', 'print where the run spent its time (per phase) to stderr')
    .option('--no-cache', 'analyse every file again instead of reading the cache')
    .option('--cache-location <dir>', 'where the cache lives (default: node_modules/.cache/obslint)')
    .action(async (paths: string[], options: LintOptions) => {
      const timer = options.timing ? new PhaseTimer() : PhaseTimer.off();
      const result = await analyze({
        cwd: io.cwd,
        paths,
        configFile: options.config,
        reportUnusedDirectives: options.reportUnusedDisableDirectives,
        timer,
        cacheLocation: options.cache
          ? resolve(io.cwd, options.cacheLocation ?? defaultCacheLocation(io.cwd))
          : undefined,
      });
      await timer.timeAsync('report', async () => {
        const reporter = await loadReporter(options.format);
        emit(io, options.output, reporter(result, { color: useColor(io, options), quiet: Boolean(options.quiet) }));
      });
      if (options.timing) io.stderr(formatTiming(timer));
      exitCode = exitCodeOf(result, options);
    });

  common(program.command('catalog'))
    .description('list every metric with its labels, bounds and estimated series')
    .argument('[paths...]', 'files and directories to analyse', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(CATALOG_FORMATS).default('table'))
    .action(async (paths: string[], options: CommonOptions & { format: CatalogFormat }) => {
      const result = await analyze({ cwd: io.cwd, paths, configFile: options.config });
      emit(io, options.output, renderCatalog(result, options.format));
      printNotices(io, result);
    });

  common(program.command('explain'))
    .description('show how the series estimate of a metric is computed')
    .argument('<metric>', 'metric name')
    .argument('[paths...]', 'files and directories to analyse', [])
    .action(async (metric: string, paths: string[], options: CommonOptions) => {
      const result = await analyze({ cwd: io.cwd, paths, configFile: options.config });
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
  const warnings = options.quiet ? 0 : result.findings.length - errors;
  if (errors > 0) return 1;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) return 1;
  return 0;
}
