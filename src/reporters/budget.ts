import { stringify } from 'yaml';
import type { Estimate, MetricDef, RunResult, UnreadHelper } from '../types.js';
import { compareStrings } from '../util/paths.js';
import { productText } from '../util/product-text.js';
import { formatNumber } from '../util/numbers.js';

export interface StarterBudgetOptions {
  /** `# yaml-language-server: $schema=…` for editors: a path relative to the file, or a URL. */
  schema: string;
  /** The budget a metric without its own entry gets (`defaults.maxSeriesPerMetric`). */
  defaultMaxSeries: number;
}

export interface StarterBudget {
  text: string;
  /** Metrics given a budget. */
  budgets: number;
  /** Labels left as TODO: obslint could not bound them. */
  todos: number;
  /** Metrics without a budget: their series are unbounded. */
  unbounded: number;
  /** Commented `wrappers:` stubs for helpers obslint could not read. */
  wrappers: number;
}

/** The headroom over today's estimate: growth up to half again passes, more is a reviewed change. */
const HEADROOM = 1.5;

/** Today's estimate with headroom, rounded up to two significant digits (13.5 → 14, 9,720 → 9,800). */
export function withHeadroom(series: number): number {
  const raw = Math.ceil(series * HEADROOM);
  if (raw < 100) return Math.max(1, raw);
  const step = 10 ** (Math.floor(Math.log10(raw)) - 1);
  return Math.ceil(raw / step) * step;
}

/**
 * `obslint init`: a starter obslint.yaml from today's code. Every bounded metric gets a budget
 * with headroom; labels obslint could not bound are TODO comments (an entry would silence
 * unknown-label-bound with a number nobody measured); helpers from packages obslint cannot read
 * are commented `wrappers:` stubs to check. Everything active in it is valid against the schema.
 */
export function renderStarterBudget(result: RunResult, options: StarterBudgetOptions): StarterBudget {
  const estimates = new Map(result.estimates.map((e) => [e.metricId, e]));
  // Definitions sharing a name share the entry: the largest estimate speaks for them.
  const byName = new Map<string, { def: MetricDef; estimate: Estimate }>();
  for (const def of result.catalog.metrics) {
    if (def.nameIsDynamic) continue;
    const estimate = estimates.get(def.id);
    if (!estimate) continue;
    const had = byName.get(def.name);
    if (!had || larger(estimate, had.estimate)) byName.set(def.name, { def, estimate });
  }
  const names = [...byName.keys()].sort(compareStrings);
  const bounded = names.filter((n) => byName.get(n)!.estimate.series !== 'unbounded');
  const unbounded = names.filter((n) => byName.get(n)!.estimate.series === 'unbounded');
  const total = result.estimates.reduce((sum, e) => sum + (e.series === 'unbounded' ? 0 : e.series), 0);

  const lines = [
    `# yaml-language-server: $schema=${options.schema}`,
    `# Written by \`obslint init\` from the code as it was: ${count(names.length, 'metric')}, ${formatNumber(total)} series estimated${unbounded.length > 0 ? ` + ${unbounded.length} unbounded` : ''}.`,
    `# Each budget is today's estimate with headroom (×${HEADROOM}, rounded up): a change that grows a metric`,
    '# past it fails `cardinality-budget`, so that raising it is a reviewed change.',
    'version: 1',
  ];
  if (total > 0) lines.push('total:', `  maxSeries: ${withHeadroom(total)} # estimate ${formatNumber(total)}`);
  let todos = 0;
  if (bounded.length > 0 || unbounded.length > 0) lines.push('metrics:');
  for (const name of bounded) {
    const { estimate } = byName.get(name)!;
    const series = estimate.series as number;
    const over =
      series > options.defaultMaxSeries ? `; over the default budget of ${formatNumber(options.defaultMaxSeries)}` : '';
    lines.push(
      `  ${key(name)}:`,
      `    maxSeries: ${withHeadroom(series)} # estimate ${formatNumber(series)} = ${productText(estimate)}${over}`,
    );
    const unknown = estimate.byLabel.filter(
      (l) => (l.kind === 'unknown' || l.kind === 'unused') && l.count !== 'unbounded',
    );
    for (const l of unknown) {
      todos++;
      lines.push(
        `    # TODO: bound \`${l.label}\`, then uncomment: ${oneLine(l.reason)}`,
        `    # labels: { ${key(l.label)}: ${String(l.count)} }`,
      );
    }
  }
  for (const name of unbounded) {
    const labels = byName
      .get(name)!
      .estimate.byLabel.filter((l) => l.count === 'unbounded')
      .map((l) => `\`${l.label}\``);
    lines.push(
      `  # ${key(name)}: no budget: unbounded through ${labels.join(', ') || 'a label'}; fix it, or record the finding with \`obslint baseline\``,
    );
  }
  const helpers = result.catalog.unreadHelpers;
  if (helpers.length > 0) {
    lines.push(
      '# Metric helpers obslint saw but cannot read (their package is not in the project): check each',
      '# stub (kind, argument positions), then uncomment it so that their metrics are counted.',
      '# wrappers:',
      ...helpers.map((h) => `#   - ${wrapperStub(h)} # ${h.example} at ${h.loc.file}:${h.loc.line}`),
    );
  }
  return {
    text: `${lines.join('\n')}\n`,
    budgets: bounded.length,
    todos,
    unbounded: unbounded.length,
    wrappers: helpers.length,
  };
}

function larger(a: Estimate, b: Estimate): boolean {
  if (a.series === 'unbounded') return b.series !== 'unbounded';
  return b.series !== 'unbounded' && a.series > b.series;
}

function wrapperStub(h: UnreadHelper): string {
  const fields = [
    `callee: ${key(h.callee)}`,
    `kind: ${h.kind ?? 'counter'}`,
    `name: ${key(h.name)}`,
    ...(h.help !== undefined ? [`help: ${key(h.help)}`] : []),
    ...(h.labelNames !== undefined ? [`labelNames: ${key(h.labelNames)}`] : []),
    ...(h.library !== undefined ? [`library: ${h.library}`] : []),
  ];
  return `{ ${fields.join(', ')} }${h.kind ? '' : ' # TODO: the kind'}`;
}

/** A YAML scalar as it must be written (quoted where a plain one would not read back the same). */
function key(value: string | number): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
