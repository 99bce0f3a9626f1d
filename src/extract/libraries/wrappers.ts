import type { MetricKind, WrapperSpec } from '../../types.js';

/** Methods of a StatsD client: which metric kind each records. */
export const STATSD_METHODS: readonly (readonly [string, MetricKind])[] = [
  ['increment', 'counter'],
  ['decrement', 'counter'],
  ['incr', 'counter'],
  ['decr', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['distribution', 'histogram'],
  ['timing', 'histogram'],
];

const LYNX_METHODS: readonly (readonly [string, MetricKind])[] = [
  ['increment', 'counter'],
  ['decrement', 'counter'],
  ['count', 'counter'],
  ['gauge', 'gauge'],
  ['set', 'gauge'],
  ['timing', 'histogram'],
  ['createTimer', 'histogram'],
];

function statsd(receiver: string, tagsArgument: number): WrapperSpec[] {
  return STATSD_METHODS.map(([method, kind]) => ({
    callee: `${receiver}${method}`,
    kind,
    name: 0,
    getOrCreate: true,
    labels: `arg:${tagsArgument}`,
    library: 'statsd',
  }));
}

/**
 * CloudWatch's embedded metric format: `putMetric(name, value, unit)` on a metrics logger records a metric
 * per combination of the dimensions set on that logger (`putDimensions({ Service })`).
 */
const EMF_LOGGERS = ['createMetricsLogger().', 'MetricsLogger().', 'metricScope(=>).'];

function cloudwatch(callee: string, dimensionsFrom: WrapperSpec['dimensionsFrom']): WrapperSpec {
  return { callee, kind: 'gauge', name: 0, getOrCreate: true, dimensionsFrom, library: 'cloudwatch' };
}

const CLOUDWATCH_PRESETS: readonly WrapperSpec[] = [
  ...EMF_LOGGERS.map((logger) =>
    cloudwatch(`aws-embedded-metrics#${logger}putMetric`, { records: ['putDimensions', 'setDimensions'], pairs: [] }),
  ),
  // Powertools for AWS Lambda: `addMetric(name, unit, value)` on a `Metrics` instance (or one `singleMetric()` made).
  ...['Metrics().', 'Metrics().singleMetric().'].map((metrics) =>
    cloudwatch(`@aws-lambda-powertools/metrics#${metrics}addMetric`, {
      records: ['addDimensions'],
      pairs: ['addDimension'],
    }),
  ),
];

/** The packages that export well-known-components' `createMetricsComponent` (prom-client underneath). */
const WELL_KNOWN_METRICS = ['@well-known-components/metrics#', '@dcl/metrics#'];

/** How a Mojaloop vNext service reaches the platform's metrics: the interface it is handed, or the singleton. */
const MOJALOOP_PLATFORM_METRICS = [
  '@mojaloop/platform-shared-lib-observability-types-lib#IMetrics().',
  '@mojaloop/platform-shared-lib-observability-client-lib#PrometheusMetrics.getInstance().',
  '@mojaloop/platform-shared-lib-observability-client-lib#PrometheusMetrics().',
];

/** Mojaloop's get-or-create getters, `(name, help, labelNames[, buckets])`, on a receiver. */
function mojaloopGetters(receiver: string, buckets: boolean): WrapperSpec[] {
  return (
    [
      ['getHistogram', 'histogram'],
      ['getCounter', 'counter'],
      ['getGauge', 'gauge'],
      ['getSummary', 'summary'],
    ] as const
  ).map(([method, kind]) => ({
    callee: `${receiver}${method}`,
    kind,
    name: 0,
    help: 1,
    labelNames: 2,
    ...(buckets && kind === 'histogram' ? { buckets: 3 } : {}),
    getOrCreate: true,
  }));
}

/** How a matrix-appservice-bridge project reaches its PrometheusMetrics. */
const MATRIX_BRIDGE_METRICS = ['PrometheusMetrics().', 'Bridge().getPrometheusMetrics().'];

/**
 * Metric helpers many projects share, which obslint cannot read (they live in installed packages)
 * but whose shape is known: each call defines a metric (or gets the one already registered under
 * that name). A budget file's `wrappers:` entries have the same shape and come first.
 */
export const WRAPPER_PRESETS: readonly WrapperSpec[] = [
  // @willsoto/nestjs-prometheus: the get-or-create function behind the make*Provider helpers.
  {
    callee: '@willsoto/nestjs-prometheus#getOrCreateMetric',
    kind: 'arg:0',
    name: '1.name',
    help: '1.help',
    labelNames: '1.labelNames',
    buckets: '1.buckets',
    getOrCreate: true,
  },
  // @promster/metrics (and re-exported by @promster/hapi): get-or-create on the global registry.
  ...(['Counter', 'Gauge', 'Histogram', 'Summary'] as const).flatMap((kind) =>
    ['@promster/metrics', '@promster/hapi'].map((module): WrapperSpec => ({
      callee: `${module}#create${kind}`,
      kind: kind.toLowerCase() as MetricKind,
      name: '0.name',
      help: '0.help',
      labelNames: '0.labelNames',
      buckets: '0.buckets',
      getOrCreate: true,
    })),
  ),
  // matrix-appservice-bridge's PrometheusMetrics (`bridge.getPrometheusMetrics()`): prom-client underneath,
  // each metric named `<namespace or "bridge">_<name>`; `incCounter(name, labels)` and
  // `startTimer(name, labels)` record on the counter or timer added under that name.
  ...MATRIX_BRIDGE_METRICS.flatMap((receiver): WrapperSpec[] => [
    ...(
      [
        ['addCounter', 'counter'],
        ['addGauge', 'gauge'],
        ['addTimer', 'histogram'],
      ] as const
    ).map(([method, kind]): WrapperSpec => ({
      callee: `matrix-appservice-bridge#${receiver}${method}`,
      kind,
      name: '0.name',
      namespace: '0.namespace',
      defaultNamespace: 'bridge',
      help: '0.help',
      labelNames: '0.labels',
      getOrCreate: false,
    })),
    ...(
      [
        ['incCounter', 'counter'],
        ['startTimer', 'histogram'],
      ] as const
    ).map(([method, kind]): WrapperSpec => ({
      callee: `matrix-appservice-bridge#${receiver}${method}`,
      kind,
      name: 0,
      defaultNamespace: 'bridge',
      labels: 'arg:1',
      recordsOnly: true,
    })),
  ]),
  // Decentraland's well-known-components: a metrics component made from a record of declarations
  // (`createMetricsComponent(metricDeclarations, { config })`), recorded on by name
  // (`metrics.increment('deployments_counter', { kind })`), in components handed around typed
  // `IMetricsComponent`.
  ...WELL_KNOWN_METRICS.map((component): WrapperSpec => ({
    callee: `${component}createMetricsComponent`,
    kind: 'counter',
    name: 0,
    declarations: 0,
  })),
  ...[
    ...WELL_KNOWN_METRICS.map((component) => `${component}createMetricsComponent().`),
    '@well-known-components/interfaces#IMetricsComponent().',
  ].flatMap((receiver) =>
    ['increment', 'decrement', 'observe', 'startTimer', 'reset'].map((method): WrapperSpec => ({
      callee: `${receiver}${method}`,
      kind: 'counter',
      name: 0,
      labels: 'arg:1',
      recordsOnly: true,
    })),
  ),
  // Mojaloop's shared metrics helper: get-or-create by name on the default registry.
  ...mojaloopGetters('@mojaloop/central-services-metrics#', false),
  // Mojaloop vNext's platform observability library: `getHistogram(name, help, labelNames, buckets)` and
  // the like, get-or-create by name, on the `IMetrics` a service is handed or on the client's singleton.
  ...MOJALOOP_PLATFORM_METRICS.flatMap((receiver) => mojaloopGetters(receiver, true)),
  // balena's node-metrics-gatherer (prom-client underneath, one registry per process):
  // `metrics.describe.counter(name, help, { labelNames, buckets })` declares; `metrics.counter(name, v,
  // labels)` (and `gauge`, `histogram`, `summary`, `inc`, `dec`) records on what was declared under the name.
  ...(['counter', 'gauge', 'histogram', 'summary'] as const).map((kind): WrapperSpec => ({
    callee: `@balena/node-metrics-gatherer#metrics.describe.${kind}`,
    kind,
    name: 0,
    help: 1,
    labelNames: '2.labelNames',
    buckets: '2.buckets',
    getOrCreate: true,
  })),
  ...['counter', 'gauge', 'histogram', 'summary', 'inc', 'dec', 'reset'].map((method): WrapperSpec => ({
    callee: `@balena/node-metrics-gatherer#metrics.${method}`,
    kind: 'counter',
    name: 0,
    labels: 'arg:2',
    recordsOnly: true,
  })),
  // nestjs-otel's MetricService (injected): OpenTelemetry instruments, get-or-create by name.
  ...(
    [
      ['getCounter', 'counter'],
      ['getUpDownCounter', 'updowncounter'],
      ['getHistogram', 'histogram'],
      ['getGauge', 'gauge'],
      ['getObservableGauge', 'gauge'],
      ['getObservableCounter', 'counter'],
    ] as const
  ).map(([method, kind]): WrapperSpec => ({
    callee: `nestjs-otel#MetricService().${method}`,
    kind,
    name: 0,
    help: '1.description',
    buckets: '1.advice.explicitBucketBoundaries',
    getOrCreate: true,
    library: 'opentelemetry',
  })),
  // DogStatsD / StatsD clients: the call is the definition (by name) and the use; tags are labels.
  ...statsd('hot-shots#StatsD().', 2),
  ...statsd('hot-shots#default().', 2),
  ...statsd('dd-trace#dogstatsd.', 2),
  ...statsd('dd-trace#init().dogstatsd.', 2),
  // `import ddTrace from 'dd-trace'; ddTrace.tracer.init().dogstatsd`: the tracer the module also exports.
  ...statsd('dd-trace#tracer.dogstatsd.', 2),
  ...statsd('dd-trace#tracer.init().dogstatsd.', 2),
  ...statsd('datadog-metrics#', 2),
  ...statsd('node-statsd#default().', 3),
  ...statsd('node-statsd#StatsD().', 3),
  ...statsd('statsd-client#default().', 2),
  // monitor-dog (a DogStatsD wrapper, one client per process): `increment(name, amount, tags)`, and
  // `timer(name, start, tags)`, whose `stop()` sends the time.
  ...statsd('monitor-dog#', 2),
  { callee: 'monitor-dog#timer', kind: 'histogram', name: 0, getOrCreate: true, labels: 'arg:2', library: 'statsd' },
  // lynx (plain StatsD, no tags): `new Lynx(host, port).increment(name)`, `count(name, n)`,
  // `gauge(name, v)`, `set(name, v)`, `timing(name, ms)`, and `createTimer(name)`, whose `stop()` sends.
  ...LYNX_METHODS.map(([method, kind]): WrapperSpec => ({
    callee: `lynx#default().${method}`,
    kind,
    name: 0,
    getOrCreate: true,
    library: 'statsd',
  })),
  ...CLOUDWATCH_PRESETS,
];

/** A StatsD client republished under an organisation's scope (`@farcaster/hot-shots`) is the client it forks. */
export function canonicalModule(module: string): string {
  const fork = /^@[^/]+\/(hot-shots|node-statsd|statsd-client|datadog-metrics)$/.exec(module);
  return fork ? fork[1] : module;
}

/** A wrapper's callee, split: `hot-shots#StatsD().increment` → module `hot-shots`, path `StatsD () increment`. */
export interface CalleePattern {
  module: string;
  path: string[];
}

export function parseCallee(callee: string): CalleePattern | undefined {
  const hash = callee.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const module = callee.slice(0, hash);
  const path = callee
    .slice(hash + 1)
    .split('.')
    .filter((s) => s.length > 0)
    .flatMap((segment) =>
      segment.endsWith('()')
        ? [segment.slice(0, -2), '()'].filter(Boolean)
        : // `metricScope(=>)`: the first parameter of the callback `metricScope` is given.
          segment.endsWith('(=>)')
          ? [segment.slice(0, -4), '=>']
          : [segment],
    );
  // `default` is the module object itself (`import x from 'm'`, `require('m')`).
  return { module, path: path[0] === 'default' ? path.slice(1) : path };
}

/** Wrapper specs by the name of the method or function that is called last, for a cheap first check. */
export class WrapperIndex {
  private readonly byLast = new Map<string, { spec: WrapperSpec; pattern: CalleePattern; declared: boolean }[]>();
  readonly modules = new Set<string>();

  constructor(declared: readonly WrapperSpec[]) {
    for (const [specs, isDeclared] of [
      [declared, true],
      [WRAPPER_PRESETS, false],
    ] as const) {
      for (const spec of specs) {
        const pattern = parseCallee(spec.callee);
        const last = pattern?.path.at(-1);
        if (!pattern || !last || last === '()') continue;
        const list = this.byLast.get(last) ?? [];
        list.push({ spec, pattern, declared: isDeclared });
        this.byLast.set(last, list);
        this.modules.add(pattern.module);
      }
    }
  }

  /**
   * Forget the presets of packages no file imports: their method names (`gauge`, `increment`,
   * `get`) are common, and each call that may be one is followed by value.
   */
  keepImported(imported: ReadonlySet<string>): void {
    for (const [last, list] of this.byLast) {
      const kept = list.filter((w) => w.declared || imported.has(w.pattern.module));
      // (`imported` holds canonical names: see `canonicalModule`.)
      if (kept.length > 0) this.byLast.set(last, kept);
      else this.byLast.delete(last);
    }
  }

  /** Whether some wrapper's callee ends in `name`. */
  mayMatch(name: string): boolean {
    return this.byLast.has(name);
  }

  /** The wrapper a library path is, declared ones first. */
  match(module: string, path: readonly string[]): { spec: WrapperSpec; declared: boolean } | undefined {
    const normalized = path[0] === 'default' ? path.slice(1) : path;
    const candidates = this.byLast.get(normalized.at(-1) ?? '') ?? [];
    return candidates.find(
      (c) =>
        c.pattern.module === canonicalModule(module) &&
        c.pattern.path.length === normalized.length &&
        c.pattern.path.every((s, i) => s === normalized[i]),
    );
  }
}
