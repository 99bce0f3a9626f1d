import { ts } from 'ts-morph';
import type { Library, MetricKind, UnreadHelper } from '../../types.js';
import { libraryPaths } from '../flow/library-path.js';
import { scalarText, type StaticEvaluator } from '../flow/static-eval.js';
import type { ValueFlow } from '../flow/value-flow.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { propertyKey, skipOuter } from '../syntax/scope.js';
import { STRING_AND_ARRAY_METHODS } from '../syntax/builtin-calls.js';

/** Called names that promise a metric: `createTimer`, `getCounter`, `histogram`, `registerGauge`. */
const FACTORY_WORD = /(counter|gauge|histogram|summary|timer|metric)/i;
/** Tracing and logging helpers of an observability package take names too; they define no metric. */
const TRACING_WORD = /(span|trace|log|event)/i;
const KIND_OF_WORD: [RegExp, MetricKind][] = [
  [/counter/i, 'counter'],
  [/gauge/i, 'gauge'],
  [/histogram|timer/i, 'histogram'],
  [/summary/i, 'summary'],
];
/**
 * Methods that record under the name they are given, in the APIs they are named after: CloudWatch's
 * embedded metric format (`metric.putMetric(name, value, unit)`) and StatsD (`stats.timing(name, ms)`);
 * not `gauge`/`histogram`, which registries name their factories too (`registry.gauge({ name })`).
 */
const RECORDING_METHODS: Readonly<Record<string, { kind: MetricKind; library: Library }>> = {
  putMetric: { kind: 'gauge', library: 'cloudwatch' },
  increment: { kind: 'counter', library: 'statsd' },
  incr: { kind: 'counter', library: 'statsd' },
  timing: { kind: 'histogram', library: 'statsd' },
  distribution: { kind: 'histogram', library: 'statsd' },
};
/** Packages obslint reads itself (or knows the helpers of): their calls are never unread helpers. */
const KNOWN_PACKAGE =
  /^(prom-client|@opentelemetry\/|hot-shots|node-statsd|statsd-client|node:|@willsoto\/nestjs-prometheus)/;
/** What a Prometheus or OpenTelemetry metric name looks like, with at least one separator. */
const METRIC_NAME = /^[a-zA-Z][a-zA-Z0-9]*([_.:][a-zA-Z0-9]+)+$/;

/**
 * Calls of a helper in an installed package that look like they define a metric (a factory word in
 * the call or in what it is called on, a metric-like name as an argument) but that obslint cannot
 * read: `createTimer('ledger_sync_seconds')` from `@acme/telemetry`, `ServiceMetrics.count(NAME, 1)`.
 * They become `wrappers:` stubs in `obslint init`, and a run says that their metrics are not counted.
 */
export function unreadHelpers(
  calls: readonly ts.CallExpression[],
  defined: ReadonlySet<ts.Node>,
  project: ProjectIndex,
  flow: ValueFlow,
  evaluator: StaticEvaluator,
): UnreadHelper[] {
  const found = new Map<string, UnreadHelper>();
  for (const call of calls) {
    if (defined.has(call)) continue;
    const word = calleeName(skipOuter(call.expression));
    // `metricData.metric.replaceAll('dataset_id', id)`: a string's method, whatever holds the string.
    if (word === undefined || TRACING_WORD.test(word) || STRING_AND_ARRAY_METHODS.has(word)) continue;
    // Following the callee to its package costs: only for a call whose text promises a metric.
    if (!FACTORY_WORD.test(word) && !FACTORY_WORD.test(skipOuter(call.expression).getText())) continue;
    const shape = argumentShape(call, evaluator);
    if (!shape) continue;
    const path = libraryPaths(call.expression, flow).find((p) => !KNOWN_PACKAGE.test(p.module) && p.path.length > 0);
    // The call's own name promises a metric (`getCounter`), or what it is called on does (`ServiceMetrics.count`).
    if (!path || !(FACTORY_WORD.test(word) || path.path.slice(0, -1).some((part) => FACTORY_WORD.test(part)))) continue;
    const callee = `${path.module}#${path.path.join('.').replace(/\.\(\)/g, '()')}`;
    if (found.has(callee)) continue;
    const recorded = RECORDING_METHODS[word];
    found.set(callee, {
      callee,
      kind: recorded?.kind ?? KIND_OF_WORD.find(([re]) => re.test(word))?.[1],
      ...(recorded ? { library: recorded.library } : {}),
      ...shape,
      loc: project.location(call),
    });
  }
  return [...found.values()];
}

/** Where the name, help and label names are: positional arguments, or the options object's keys. */
function argumentShape(
  call: ts.CallExpression,
  evaluator: StaticEvaluator,
): Pick<UnreadHelper, 'name' | 'example' | 'help' | 'labelNames'> | undefined {
  const args = call.arguments.map((a) => skipOuter(a));
  const first = args[0];
  if (first === undefined) return undefined;
  if (ts.isObjectLiteralExpression(first)) {
    const prop = (key: string): ts.Expression | undefined => {
      const p = first.properties.find((q) => ts.isPropertyAssignment(q) && propertyKey(q.name) === key);
      return p && ts.isPropertyAssignment(p) ? p.initializer : undefined;
    };
    const nameExpr = prop('name');
    const example = nameExpr ? scalarText(evaluator.eval(nameExpr)) : undefined;
    if (example === undefined || !METRIC_NAME.test(example)) return undefined;
    return {
      name: '0.name',
      example,
      ...(prop('help') ? { help: '0.help' } : {}),
      ...(prop('labelNames') ? { labelNames: '0.labelNames' } : {}),
    };
  }
  const example = scalarText(evaluator.eval(first));
  if (example === undefined || !METRIC_NAME.test(example)) return undefined;
  const shape: Pick<UnreadHelper, 'name' | 'example' | 'help' | 'labelNames'> = { name: 0, example };
  const help = args.findIndex((a, i) => i > 0 && ts.isStringLiteralLike(a));
  if (help > 0) shape.help = help;
  const labels = args.findIndex(
    (a, i) => i > 0 && ts.isArrayLiteralExpression(a) && a.elements.every((e) => ts.isStringLiteralLike(e)),
  );
  if (labels > 0) shape.labelNames = labels;
  return shape;
}
