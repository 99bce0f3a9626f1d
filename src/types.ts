/** The neutral, serializable catalog and result model shared by every front end. */

export interface Location {
  /** Posix path relative to the run's root. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  endLine: number;
  /** 1-based, exclusive. */
  endColumn: number;
}

/** One step of a value's journey from where it enters the program to the label that uses it. */
export interface FlowStep {
  loc: Location;
  message: string;
  /** The value crosses into a called function here (an argument, an emitted event); not reported. */
  call?: true;
}

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary' | 'updowncounter';
/** `cloudwatch`: CloudWatch's embedded metric format, one metric per dimension combination. */
export type Library = 'prom-client' | 'opentelemetry' | 'statsd' | 'cloudwatch';

/** Where an argument of a wrapper call holds something: its index, or `index.option.path`. */
export type ArgumentPath = number | string;

/**
 * A metric factory obslint cannot read or infer (a helper in an installed package, a DI container),
 * declared under `wrappers:` in the budget file or built in as a preset.
 */
export interface WrapperSpec {
  /** `module#export.path`; `()` after a segment is the result of calling or constructing it. */
  callee: string;
  /** The metric kind, or `arg:N` (`arg:N.key`) for an argument (a property of one) naming it (`'Gauge'`). */
  kind: MetricKind | `arg:${number}` | `arg:${number}.${string}`;
  name: ArgumentPath;
  help?: ArgumentPath;
  labelNames?: ArgumentPath;
  buckets?: ArgumentPath;
  /** Calls with the same name get one metric (registered once) instead of defining another. */
  getOrCreate?: boolean;
  /** `arg:N`: the label values (a record, or `"key:value"` strings) are passed at this call. */
  labels?: `arg:${number}`;
  /** The metric is named `<namespace>_<name>`: where the namespace is, and the one used when it is left out. */
  namespace?: ArgumentPath;
  defaultNamespace?: string;
  /** The call records on the metric another call registered under this name (`incCounter(name, labels)`); it defines none. */
  recordsOnly?: boolean;
  /**
   * (Presets only.) The label values are set by other calls on the same receiver: methods given a
   * record of values (`logger.putDimensions({ Service })`) and methods given one name and its value
   * (`metrics.addDimension('Service', name)`).
   */
  dimensionsFrom?: { records: readonly string[]; pairs: readonly string[] };
  /**
   * (Presets only.) The argument at this path is a record of declarations, metric name → `{ type,
   * help, labelNames, buckets }` (`createMetricsComponent(metricDeclarations)`): each entry defines
   * a metric where its key is written; `kind` is a placeholder, each entry's `type` gives its kind.
   */
  declarations?: ArgumentPath;
  /** (Presets only.) The library registers the name (and label names) with every non-word character made `_`. */
  normalizesNames?: true;
  library?: Library;
}

/** Why a label can or cannot be bounded. `count` is the number of distinct values it can take. */
export type Bound =
  | { kind: 'finite'; values: string[]; reason: string; together?: PassedTogether }
  | { kind: 'bounded'; count: number; reason: string; parts: BoundPart[]; values: string[] }
  | {
      kind: 'unbounded';
      category: UnboundedCategory;
      reason: string;
      source: string;
      flow: FlowStep[];
      also?: UnboundedSource[];
      origin?: string;
      fallback?: RouteFallback;
    }
  | {
      kind: 'unknown';
      reason: string;
      source: string;
      flow: FlowStep[];
      /** The elements of a list the deployment configures: how many is unknown, but not the traffic's choice. */
      setting?: true;
    };

/**
 * The value each call site of one function passes for a parameter (`mountRoute(app, route)` and
 * `route.path`, `route.method`): labels passed by the same call sites take their values in tuples,
 * one per site, not every value of one with every value of the other.
 */
export interface PassedTogether {
  /** The function whose call sites pass the values: the same for every label read from its parameters. */
  by: string;
  /** Per call site (its location), the one value it passes, or null where it passes several. */
  perCall: [site: string, value: string | null][];
}

/** A further unbounded source of the same value (a parameter fed `req.body.note` here and `err.message` there). */
export interface UnboundedSource {
  category: UnboundedCategory;
  reason: string;
  source: string;
  flow: FlowStep[];
  /** For a value built from parts (a template string): the unbounded part it was built from. */
  origin?: string;
  /**
   * A raw URL read as the fallback of a route template (`req.route?.path || req.path`): read before
   * the middleware calls `next()`, where no route has matched yet (`before-routing`), or for the
   * requests no route matched (`unmatched`).
   */
  fallback?: RouteFallback;
}

export type RouteFallback = 'before-routing' | 'unmatched' | 'proxied';

/** A bounded source (HTTP method, status code, route template, …); the same source counts once. */
export interface BoundPart {
  source: string;
  count: number;
  reason: string;
  /** Literal values this source already counts (a literal `'GET'` beside `req.method` adds nothing). */
  domain?: string[];
  /** Pattern of the values this source already counts, when they are not listed. */
  pattern?: string;
  /** A default that an explicit literal replaces (the "no route matched" value beside `?? 'unmatched'`). */
  replaceable?: boolean;
  /** For route templates (mounted or not): the workspace packages whose routes they are (a service counts its own). */
  packages?: string[];
  /** For status codes: read only where the request succeeded (an interceptor's `tap`), one per route. */
  successOnly?: boolean;
}

export type UnboundedCategory =
  | 'raw-url'
  | 'request-input'
  | 'id'
  | 'email'
  | 'user-name'
  | 'credential'
  | 'uuid'
  | 'timestamp'
  | 'sequence'
  | 'count'
  | 'hash'
  | 'error-message'
  | 'serialized'
  | 'random'
  | 'literal-path';

export interface MetricDef {
  /** Stable within a run: file + line + column of the creation site. */
  id: string;
  name: string;
  /** The workspace package the definition is in: its directory relative to the root (`.` for the root). */
  package?: string;
  /** True when the name could not be evaluated statically; `name` is then the source text. */
  nameIsDynamic: boolean;
  /** For a dynamic name, what it is built from (`update.action.${update.action}.count`): each value is a metric of its own. */
  nameBound?: Bound;
  kind: MetricKind;
  library: Library;
  help?: string;
  /** OpenTelemetry's `unit` option (`s`, `ms`, `By` …). */
  unit?: string;
  /** The call that creates it, for OpenTelemetry (`createObservableGauge` …). */
  instrument?: string;
  /** OpenTelemetry: the name of the meter that creates it, when readable. */
  meter?: string;
  /** prom-client: the declared `labelNames`; OpenTelemetry: the attribute keys seen at its uses. */
  labelNames: string[];
  /** Label domains a generic type argument declares (`register.gauge<{ topic: GossipType }>`). */
  labelTypes?: Record<string, string[]>;
  /** False when `labelNames` is not a literal list obslint could read. */
  labelNamesKnown: boolean;
  /** The metric declares no label names and takes any (a project's own class): they are the keys its uses pass. */
  labelsFromUses?: true;
  /** Histogram bucket count (finite boundaries, excluding +Inf). */
  buckets?: number;
  bucketValues?: number[];
  bucketsReason?: string;
  /** Summary quantile count. */
  quantiles?: number;
  /**
   * Over what a summary's quantiles are computed: `sliding` (a `maxAgeSeconds` window), `lifetime`
   * (a config obslint reads without one: prom-client's default, the whole life of the process).
   */
  quantileWindow?: 'sliding' | 'lifetime';
  loc: Location;
  /** Where the name is written (the literal or template a change to the name touches), when obslint sees it. */
  nameLoc?: Location;
  /** Where each declared label name is written (its `labelNames` entry), where obslint sees it. */
  labelLocs?: Record<string, Location>;
  /** Where buckets (`buckets`, `advice.explicitBucketBoundaries`) or percentiles are set, if they are. */
  childrenLoc?: Location;
  /** Where the metric is created on each call (wrapper call site) rather than once. */
  createdIn: 'module' | 'class' | 'factory' | 'function' | 'loop' | 'callback';
  /** Set when this definition is an instance of a project wrapper function. */
  via?: { wrapper: string; loc: Location };
  /** Further call sites of a get-or-create helper that get this same metric by name. */
  alsoAt?: Location[];
  /**
   * Those of them that ask for it with another kind or help text (the registry ignores theirs), or
   * with label names it does not have (`extra`: recording a value for one throws).
   */
  alsoAtDiffers?: { loc: Location; differs: 'kind' | 'help text' | 'label names'; extra?: string[] }[];
  /**
   * Where obslint stops following the metric object (exported, passed on, injected), if it does.
   * `readAt`: it is stored in a container under a key built at run time, and the container is
   * read there with keys obslint cannot match to this metric's name (so it may well be used).
   */
  trailLost?: { how: string; loc: Location; readAt?: Location };
  /**
   * prom-client: the other definitions that register this name (or, for names built at run time, a
   * name with the same constant parts) in the same registry, in files that load together: the
   * second registration throws. `name` is the other definition's name as obslint reads it;
   * `uncertain`: both names are built at run time from different expressions, equal only if their values are.
   */
  registeredAlsoAt?: { name: string; loc: Location; uncertain?: boolean }[];
}

export interface LabelUse {
  metricId: string;
  label: string;
  /** Source text of the value expression. */
  expression: string;
  bound: Bound;
  loc: Location;
  /** The call feeds several metrics (an injected metrics object built in several places). */
  shared?: true;
}

/** A call that passes labels, with the names it passes (used for label-set checks). */
export interface LabelCall {
  metricId: string;
  method: string;
  /** `none`: a call that passes no labels (`c.inc()`), which leaves every label empty. */
  form: 'object' | 'positional' | 'opaque' | 'none';
  labels: string[];
  loc: Location;
  /** The call feeds several metrics: which labels object goes with which metric is not known. */
  shared?: true;
  /**
   * Positional values named after another declared label (`labels(chainId, owner, handler)` for
   * `['chain_id', 'handler', 'owner']`): each value, the label it lands on, the label it names.
   */
  misplaced?: { value: string; at: string; names: string; loc: Location }[];
}

/** An observation whose unit can be inferred from the value expression. */
export interface Observation {
  metricId: string;
  expression: string;
  unit: 'milliseconds' | 'seconds' | 'microseconds' | 'nanoseconds' | 'unknown';
  evidence: string;
  loc: Location;
}

/** An OpenTelemetry View: what it selects and how it changes the exported series. */
export interface ViewFact {
  instrumentName: string;
  /** Only instruments of this meter are selected. */
  meterName?: string;
  /** Only instruments of this kind (`HISTOGRAM`, `COUNTER` …) are selected. */
  instrumentType?: string;
  cardinalityLimit?: number;
  /** Attribute allow-list: other attributes are dropped before aggregation. */
  attributeKeys?: string[];
  /** Explicit bucket boundaries replacing the instrument's. */
  boundaries?: number;
  /** A drop aggregation: the selected instruments export nothing. */
  drop?: boolean;
  loc: Location;
}

/** A span, tracer or meter name, and for started spans whether they are ended on every path. */
export interface SpanFact {
  call: 'startSpan' | 'startActiveSpan' | 'updateName' | 'setTag' | 'getTracer' | 'getMeter';
  /** Source text of the name expression. */
  name: string;
  bound: Bound;
  loc: Location;
  lifecycle?: SpanLifecycle;
  /**
   * A Sentry span named after a request by design (an `http.*` op, or a declared `sentry.source`):
   * Sentry parametrizes such names itself (URL-sourced transactions are clustered, HTTP spans
   * grouped by their normalized URL), so URL parts in them are no hazard.
   */
  sentryUrlName?: true;
}

export interface SpanLifecycle {
  /** `escapes`: returned or handed elsewhere, so obslint cannot tell. */
  status: 'ended' | 'escapes' | 'never' | 'early-exit' | 'try-without-finally';
  variable?: string;
  /** Where the span leaks: the early exit, or the catch that does not end it. */
  loc?: Location;
  exit?: 'return' | 'throw' | 'catch' | 'try';
}

export type Client =
  | 'fetch'
  | 'undici'
  | 'http'
  | 'https'
  | 'axios'
  | 'got'
  | 'node-fetch'
  | 'ky'
  | 'superagent'
  | 'bent'
  | 'kafkajs'
  | 'amqplib'
  | 'sqs'
  | 'pubsub'
  | 'bullmq'
  | 'bull'
  | 'nats'
  | 'nats-streaming'
  | 'pg-boss'
  | 'grpc'
  | 'connect'
  | 'nest-tcp';

/** An outbound request or message (send), or a message consumer (receive). */
export interface OutboundCall {
  client: Client;
  direction: 'send' | 'receive';
  loc: Location;
  /** Host of a literal absolute URL, when there is one. */
  host?: string;
  /** The gRPC service called (`UsageService`), for `grpc` and `connect` calls. */
  service?: string;
  /** The BullMQ or Bull queue a job is added to or taken from, when obslint can name it. */
  queue?: string;
  /** A health or readiness probe (`` `${base}/health` ``, `cfg.readinessUrl`): polled, no request trace to carry. */
  probe?: true;
  /** A webhook delivery: its URL is a subscriber's endpoint read from data (`webhook.url`), a third party's. */
  webhook?: true;
  /**
   * Where what carries the call is made, whose options every call on it shares: for a BullMQ send,
   * the queue a project factory makes in another file (`getQueue(name)` returning its `new Queue(…)`,
   * where BullMQ's `telemetry` goes); for a Connect call, its client's transport
   * (`createGrpcTransport(…)`, where an interceptor goes).
   */
  madeIn?: Location;
  /** How trace context reaches it (`propagation.inject`, a `traceparent` header …), when it does. */
  evidence?: string;
  /** The workspace package the call is in: its directory relative to the root (`.` for the root). */
  package: string;
  /** Browser code (a `'use client'` file, a package built for the browser). */
  browser?: true;
  /**
   * In a library traced only by the services that load it: the packages that load this call's
   * module, none of which traces (`import { policy } from '@acme/tools'` does not load its sync client).
   */
  loadedOnlyUntracedBy?: string[];
  /** Of those, its own package because a handler an exported wrapper makes runs the call (a Cloud Function). */
  runByEntryPoint?: true;
  /**
   * Published by a transactional outbox's relay on a timer (`@Interval` reading the pending rows),
   * which restores no trace context from the rows: each relay's schedule, and its call.
   */
  outboxRelays?: { schedule: string; loc: Location }[];
  /** It runs inside a span the code makes active by hand (`startActiveSpan`'s callback, or a function called from one). */
  inHandSpan?: true;
  /** Its client object is made without the option that instruments it (`new PubSub(…)` without `enableOpenTelemetryTracing`): the option, and where the client is made. */
  uninstrumented?: { what: string; loc: Location };
}

/** Where tracing starts too late, and the instrumented libraries loaded before it (and where). */
export interface LateTracingStart {
  loc: Location;
  /** The call that starts it, in code quotes (`startTracing()`). */
  what: string;
  /** The instrumented libraries loaded before it, where, and the client of those that carry trace context. */
  loaded: { module: string; loc: Location; client?: Client }[];
}

/**
 * Whether a workspace package's code runs traced, and which clients registered instrumentation
 * covers: its own setup, that of the packages it depends on, and that of the packages that depend
 * on it (its code runs in their processes).
 */
export interface TracingFacts {
  /** The package's name (package.json `name`), when it has one. */
  name?: string;
  /**
   * Its tracing starts after the process has loaded clients the SDK instruments (`startTracing()`
   * below `import { createServer } from './app'`): those run unpatched.
   */
  lateStart?: LateTracingStart;
  /**
   * `api: 'opentracing'`: an OpenTracing tracer (jaeger-client), which instruments no client: every
   * hop is propagated by hand (`tracer.inject`).
   */
  setup?: { what: string; loc?: Location; api?: 'opentracing' };
  /** It sets up web tracing (`@opentelemetry/sdk-trace-web`): its browser code is in scope. */
  web?: true;
  /** Client → what instruments it in the page only (Grafana Faro's tracing): for browser code. */
  webInstrumented?: Partial<Record<Client, string>>;
  /** Client → what instruments it (`@opentelemetry/auto-instrumentations-node` …). */
  instrumented: Partial<Record<Client, string>>;
  /** Hosts an instrumentation's ignore hook names, and the clients that instrumentation covers. */
  ignoredHosts: { host: string; clients: Client[] }[];
  /**
   * The tracing setup switches outbound HTTP tracing off on purpose (`new HttpInstrumentation({
   * ignoreOutgoingRequestHook: () => true })`, `disableOutgoingRequestInstrumentation: true`): the
   * package chose to send no trace context with its HTTP calls.
   */
  outgoingOff?: { what: string; loc: Location };
  /**
   * Client → the switch that turns its instrumentation off on purpose (dd-trace's
   * `tracer.use('amqplib', { enabled: false })`): the package chose to send no trace context with it.
   */
  pluginsOff?: Partial<Record<Client, { what: string; loc: Location }>>;
  /**
   * It registers no instrumentation and traces only the spans its code makes active by hand
   * (`startActiveSpan`): a call outside them has no trace to carry (see `OutboundCall.inHandSpan`).
   */
  handSpansOnly?: { what: string; loc: Location };
  /** Its spans go to the console (`ConsoleSpanExporter`) and nowhere else: tracing to debug one process. */
  consoleOnly?: { what: string; loc: Location };
  /**
   * It traces with a tracer whose own headers are no W3C trace context (Sentry 7: `sentry-trace`,
   * `baggage`; Google's Cloud Trace agent: `x-cloud-trace-context`): its traces end where it calls
   * out, and a W3C-traced service starts a new one. `headers` names them, Sentry's when omitted.
   */
  legacy?: { what: string; headers?: string };
  /**
   * It sets up nothing obslint reads, but calls a set-up of a monitoring package obslint does not
   * read (`initLogger` of `@snapshot-labs/snapshot-sentry`): whether that traces is beyond sight.
   */
  unreadSetup?: { what: string; loc: Location };
  /**
   * It asks for a tracer (`trace.getTracer`) and nothing in its processes starts an SDK obslint
   * sees: its spans go nowhere, unless something outside the code (a preload, an operator) starts one.
   */
  tracerWithoutSdk?: { what: string; loc: Location };
  /**
   * It traces only in the processes of packages that load it: its own (itself and what it loads)
   * start no tracing. A module of it those packages never load runs untraced.
   */
  loadersOnly?: true;
  /** Client → the releases that instrument it where the declared ones are older (`dd-trace 5.82.0 and bullmq 5.66.0`). */
  upgrade?: Partial<Record<Client, string>>;
  /**
   * A library published for other repositories' applications to load (not private nor an application,
   * declaring its exports, or its types beside its `main`): where it sets up nothing, its calls run
   * under those applications' tracing.
   */
  published?: true;
}

export interface RouteFact {
  template: string;
  loc: Location;
  /** The HTTP method it serves (`GET`); absent where it serves any (`app.all`, `@All()`, a fastify route with several). */
  method?: string;
  /** The workspace package it is registered in: its directory relative to the root (`.` for the root). */
  package?: string;
}

/**
 * A call of a helper in an installed package that seems to define a metric but that obslint cannot
 * read (`createTimer('ledger_sync_seconds', …)` from `@acme/telemetry`): a `wrappers:` entry would teach it.
 */
export interface UnreadHelper {
  /** `module#export.path`, as a `wrappers:` entry names it. */
  callee: string;
  /** Guessed from the called name (`createTimer` → histogram), when it names one. */
  kind?: MetricKind;
  /** Guessed from the called name too: CloudWatch's `putMetric`, StatsD's `increment`, `timing` …. */
  library?: Library;
  name: ArgumentPath;
  help?: ArgumentPath;
  labelNames?: ArgumentPath;
  /** The metric name at the first call seen. */
  example: string;
  loc: Location;
}

export interface Catalog {
  metrics: MetricDef[];
  labelUses: LabelUse[];
  labelCalls: LabelCall[];
  observations: Observation[];
  routes: RouteFact[];
  views: ViewFact[];
  spans: SpanFact[];
  outbound: OutboundCall[];
  /** By workspace package directory (`OutboundCall.package`). */
  tracing: Record<string, TracingFacts>;
  /** OpenTelemetry metric exporters the project sets up (`prometheus` for `new PrometheusExporter()`). */
  exporters: string[];
  /** Helpers from installed packages that seem to define metrics obslint cannot read (first call of each). */
  unreadHelpers: UnreadHelper[];
  /** Functions that record metrics or start spans and that nothing in the project calls. */
  unreached: UnreachedCode[];
}

/** A function nothing in the project calls (see `extract/facts/unreached-code.ts`): findings in it are notes. */
export interface UnreachedCode {
  name: string;
  /** The whole declaration. */
  loc: Location;
  /** A class nothing loads (no module imports its file), rather than a function nothing calls. */
  unloaded?: boolean;
  /** The code that never runs which makes the only calls of this function. */
  calledOnlyBy?: string;
}

export interface LabelEstimate {
  label: string;
  /** Number of distinct values, or 'unbounded'. */
  count: number | 'unbounded';
  /** `unused`: the metric has no call obslint can see; `never-set`: calls exist but none sets this label. */
  kind: Bound['kind'] | 'budget' | 'unused' | 'never-set' | 'dropped';
  reason: string;
  values?: string[];
}

export interface Estimate {
  metricId: string;
  metric: string;
  series: number | 'unbounded';
  seriesPerChild: number;
  seriesPerChildReason: string;
  replicas: number;
  byLabel: LabelEstimate[];
  /** A cap on attribute sets (OpenTelemetry `aggregationCardinalityLimit`) that the product hit. */
  cap?: { limit: number; reason: string };
  /**
   * The label groups the calls set, where they set different ones (`inc({ method, objectType })`
   * here, `inc({ method, edgeName })` there): the series are the sum of each group's product.
   */
  groups?: string[][];
  /** The OpenTelemetry View whose explicit boundaries replace the histogram's own. */
  rebucketedBy?: Location;
}

export type Severity = 'error' | 'warn';

/** `obslint-disable…` comments, honoured by the engine for every front end alike. */
export interface Directive {
  kind: 'disable-next-line' | 'disable-line' | 'disable' | 'enable';
  /** Empty means every rule. */
  rules: string[];
  line: number;
  column: number;
  /** The text after `--` (without a leading `until <date>`). */
  reason?: string;
  /** `-- until 2027-03-01 …`: the date as written; the suppression ends after that day (UTC). */
  until?: string;
}

/** The pseudo-rule under which `--report-unused-disable-directives` reports. */
export const UNUSED_DIRECTIVE_RULE_ID = 'unused-disable-directive';

/** The pseudo-rule under which `--require-reason` reports a suppression that gives no reason. */
export const MISSING_REASON_RULE_ID = 'missing-disable-reason';

/** A place a finding refers to besides its own location (the metric definition of a budget finding). */
export interface RelatedLocation {
  loc: Location;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  messageId: string;
  message: string;
  loc: Location;
  metric?: string;
  label?: string;
  flow?: FlowStep[];
  /** Places the finding refers to (SARIF `relatedLocations`). */
  related?: RelatedLocation[];
  /** Stable across line moves: rule, file, metric, label and the cause. */
  fingerprint: string;
}

/**
 * `obslint-baseline.json`: the findings a project had when it adopted obslint, so that only new ones
 * fail. ESLint's bulk-suppressions model: counted per file and rule (and, for findings about a
 * metric, per metric and label), never per line, so that moving code within a file keeps it valid.
 */
export interface Baseline {
  version: 1;
  /** Keyed by posix path relative to the baseline file's directory. */
  files: Record<string, BaselineEntry[]>;
}

export interface BaselineEntry {
  rule: string;
  metric?: string;
  label?: string;
  /** How many such findings the file may have. */
  count: number;
}

/** An entry that now matches fewer findings than it allows: fixed findings that could come back unnoticed. */
export interface StaleEntry extends BaselineEntry {
  file: string;
  found: number;
}

/** `obslint-catalog.lock.json`: the metrics a project commits to, written by `obslint catalog --lock`. */
export interface CatalogLock {
  version: 1;
  /** Keyed by metric name, sorted. */
  metrics: Record<string, LockedMetric>;
}

export interface LockedMetric {
  kind: MetricKind;
  /** Sorted label names (attribute keys for OpenTelemetry). */
  labels: string[];
  /** False when some label names could not be read: label changes are then not claimed. */
  labelsComplete?: false;
  /** Histogram bucket boundaries, when obslint could read them. */
  buckets?: number[];
  /** Histogram bucket count, when only the count is known. */
  bucketCount?: number;
  quantiles?: number;
  /** The estimate's band: `0-1`, `2-10`, `11-100`, … or `unbounded`. */
  series: string;
}

export interface Notice {
  level: 'warning' | 'note';
  message: string;
  /** The rule that notes it (what a rule did not check and why), for a rule's note. */
  ruleId?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface RunStats {
  filesDiscovered: number;
  filesParsed: number;
  metrics: number;
}

export interface RunResult {
  schemaVersion: 1;
  tool: { name: 'obslint'; version: string };
  root: string;
  findings: Finding[];
  notices: Notice[];
  catalog: Catalog;
  estimates: Estimate[];
  stats: RunStats;
  rules: RuleSummary[];
  /** The baseline the run applied, when it found one: how many findings it hid, and its stale entries. */
  baseline?: { file: string; suppressed: number; stale: StaleEntry[] };
}

export interface RuleSummary {
  id: string;
  description: string;
  severity: Severity | 'off';
  docsUrl: string;
}

/** One revision's view of a metric in `obslint diff` (definitions sharing a name are summed). */
export interface MetricSide {
  kind: MetricKind;
  library: Library;
  /** Sorted label names (prom-client `labelNames`, OpenTelemetry attribute keys). */
  labels: string[];
  /** False when some definition's label names could not be read: label changes are then not claimed. */
  labelsKnown: boolean;
  series: number | 'unbounded';
  /** A `cardinality-budget` finding names this metric. */
  overBudget: boolean;
  /** The first definition, relative to that revision's working directory. */
  loc: Location;
}

export interface MetricDiff {
  metric: string;
  change: 'added' | 'removed' | 'renamed' | 'changed';
  before?: MetricSide;
  after?: MetricSide;
  /** For `renamed`: the name at the base revision. */
  renamedFrom?: string;
  labelsAdded: string[];
  labelsRemoved: string[];
  /** Series after minus before (an absent side counts 0); null when either side is unbounded. */
  delta: number | null;
}

/** A change that breaks the dashboards, alerts and recording rules that query a metric. */
export interface BreakingChange {
  kind: 'metric-removed' | 'metric-renamed' | 'label-removed' | 'kind-changed';
  metric: string;
  label?: string;
  /** The new name (`metric-renamed`) or kind (`kind-changed`). */
  to?: string;
  message: string;
  /** Where the metric was defined at the base revision. */
  loc: Location;
}

/** Series over every bounded metric, and how many metrics are unbounded or over budget. */
export interface SeriesTotal {
  series: number;
  metrics: number;
  unbounded: number;
  overBudget: number;
  /** A `total.maxSeries` finding. */
  totalOverBudget: boolean;
}

/** `obslint diff`: the catalog at a base revision against the working tree. */
export interface RunDiff {
  schemaVersion: 1;
  tool: { name: 'obslint'; version: string };
  /** `ref` as given; `commit` the one compared with (the merge base of `ref` and HEAD, as `git diff ref...`). */
  base: { ref: string; commit: string };
  /** Changed metrics: the largest growth first, then by name. */
  metrics: MetricDiff[];
  unchanged: number;
  total: { before: SeriesTotal; after: SeriesTotal; delta: number };
  breaking: BreakingChange[];
}
