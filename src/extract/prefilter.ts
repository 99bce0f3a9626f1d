import { dirname } from 'node:path';
import { canonicalModule } from './libraries/wrappers.js';
import { UNSUPPORTED_METRICS_IMPORT } from './libraries/unsupported-modules.js';
import type { ModuleResolver } from './syntax/module-resolver.js';
import { MESSAGING_MODULE_NAMES as MESSAGING_MODULES } from './libraries/messaging-modules.js';
import { ownMonitoringPackage, TRACING_SETUP_CALLED } from './libraries/monitoring-packages.js';

/** An OpenTelemetry instrument created (`meter.createHistogram(…)`): metric code, and the metrics API in use. */
const CREATES_INSTRUMENT = /\.create(?:Observable)?(?:Counter|UpDownCounter|Histogram|Gauge)\s*\(/;
/**
 * Metric words: libraries, tracers and spans, metric classes, instrument creation, recording calls.
 * The word "metric" alone is not one (a comment, a config type, a web-vitals callback): a file that
 * records through a metrics object names a library, imports a metrics package or metric code (its
 * type, its factory), calls a factory (`createTimer(…)`) or calls a recording method on it
 * (`metrics.active.set(n)`, `fastify.otel.jobSeconds.record(s)`, `ctx.metrics.increment(name)`).
 * `.set(` alone is not one either (every Map has it).
 */
const METRIC_WORDS = new RegExp(
  [
    /prom-client|nestjs-prometheus|express-prom-bundle|nestjs-otel|@opentelemetry|startSpan|startActiveSpan|[tT]racer\b/,
    /getMeter\s*\(/,
    CREATES_INSTRUMENT,
    // A library obslint does not read: parsed to say so.
    UNSUPPORTED_METRICS_IMPORT,
    // A metric factory of a package obslint may not read (`createTimer(name)` from `@acme/metrics`).
    // The kind first, its verb looked back for: a word's start is tried only where a kind is named.
    /(?:Counter|Gauge|Histogram|Summary|Timer)(?<=\b(?:create|get|make|register|new)[\w$]*(?:Counter|Gauge|Histogram|Summary|Timer))\s*\(/,
    /(?:from\s+|require[\w$]*\s*\(\s*)['"][^'"./][^'"]*(?:metric|statsd|prometheus)[^'"]*['"]/,
    /(?:[mM]etric[\w$]*|\botel|\b[mM]eter)\s*\??\.(?:\s*[\w$]+\s*\??\.)*\s*(?:set|add|record)\s*\(/,
    // A project's meter helper handed in (`meter.increment('jobs_total', labels)`).
    /\b[mM]eter\s*\??\.\s*(?:increment|decrement|gauge|histogram)\s*\(/,
    // A StatsD client by its holder's name: `statsd.increment(`, `global.statsClient.gauge(`, `this.dogstatsd.timing(`,
    // `getStatsD().increment(`,
    // `this.datadogService.increment(` (a loose net: a prefilter only decides what is parsed).
    // The method first, its holder looked back for (three times faster on 16k files than the holder first).
    /(?:increment|decrement|incr|decr|gauge|histogram|distribution|timing|endTiming)(?<=(?:[mM]etrics|[sS]tats[dD]?|[dD]atadog)(?:Client|Service)?(?:\(\s*\))?\s*\??\.\s*(?:increment|decrement|incr|decr|gauge|histogram|distribution|timing|endTiming))\s*\(/,
    /\.labels\s*\(|\.(inc|dec|observe|startTimer)\s*\(|\b(Counter|Gauge|Histogram|Summary)\b/,
    // CloudWatch's embedded metric format, on whatever logger an SDK hands over (`metric.putMetric(`).
    /\.putMetric\s*\(/,
  ]
    .map((r) => r.source)
    .join('|'),
);
/**
 * Outbound clients, messaging, tracing setup and propagation: what missing-trace-propagation reads.
 * `fetch` as a value too (`{ fetch, ...deps }`, `this.send = fetch;`): a class may hold it to call later.
 */
const TRACE_WORDS =
  /\bfetch\s*[(,;}]|axios|\bgot\b|undici|node-fetch|\bky\b|superagent|['"]bent['"]|https?\.(request|get)\s*\(|kafkajs|amqplib|amqp-connection-manager|nestjs-rabbitmq|client-sqs|['"]aws-sdk|@google-cloud\/pubsub|bullmq|['"](?:@nestjs\/)?bull['"]|['"]nats['"]|node-nats-streaming|@nestjs\/microservices|pg-boss|dd-trace|@sentry\/node|@vercel\/otel|@azure\/monitor-opentelemetry|propagation|traceparent|Instrumentation\b|NodeSDK|grpc|_pb['"]|\.pb['"]|@connectrpc|@bufbuild\/connect|jaeger-client|opentracing|newrelic|elastic-apm-node|@google-cloud\/trace-agent|skipOpenTelemetrySetup|opentelemetry-nestjs|nestjs-opentelemetry/;
/**
 * A module that exports its own way to start Sentry (`export const initializeSentry = (app) => {
 * Sentry.init(…) }`): the services that call it trace, whatever their manifests name. A module that
 * only calls `Sentry.init` (an application's `instrument.ts`) traces its own package, as its
 * dependency on the SDK already says: not read for that.
 */
const SENTRY_INIT_WRAPPER =
  /export\s+(?:default\s+)?(?:async\s+)?(?:function|const|let|class)\b[\s\S]*?Sentry\.init\s*\(/;

function sentryInitWrapper(text: string): boolean {
  return text.includes('Sentry.init') && SENTRY_INIT_WRAPPER.test(text);
}

/** A tracing set-up: its importers (a Nest application's `tracing.ts` calling a library's `startTelemetry()`) start it. */
const SETS_UP_TRACING =
  /NodeSDK|NodeTracerProvider|BasicTracerProvider|registerInstrumentations|auto-instrumentations-node|@sentry\/(?:node|nestjs|nextjs)|dd-trace|elastic-apm-node|newrelic|@google-cloud\/trace-agent|@vercel\/otel|@azure\/monitor-opentelemetry|opentelemetry-nestjs|nestjs-opentelemetry/;
/** Route registrations, which bound route-template labels. */
const ROUTE_WORDS = /\.(get|post|put|patch|delete|all|route)\s*\(\s*(['"`]\/|[A-Z][A-Z0-9_]*\.|\{)|@Controller\s*\(/;
/** Files that define metrics: their importers may create or use metrics through them. */
// With the packages that hand prom-client's module to their users (`bundle.promClient.Counter`).
const DEFINES_METRICS =
  /prom-client|nestjs-prometheus|@opentelemetry\/api|getMeter\s*\(|aws-embedded-metrics|@aws-lambda-powertools\/metrics|express-prom-bundle|@promster\/|swagger-stats|@graphprotocol\/common-ts|@snapshot-labs\/snapshot-metrics/;
/** Imports that show the project records metrics through a library obslint reads. */
const METRICS_LIBRARY_IMPORT =
  /(?:from\s+|require[\w$]*\s*\(\s*)['"](?:prom-client|@opentelemetry\/sdk-metrics|@willsoto\/nestjs-prometheus|hot-shots|node-statsd|statsd-client|dd-trace|datadog-metrics|lynx|node-dogstatsd|monitor-dog|aws-embedded-metrics|@aws-lambda-powertools\/metrics)['"]/;
/** OpenTelemetry's API records metrics only where its metrics API is used: a tracing-only import records none. */
const OTEL_API_IMPORT = /(?:from\s+|require\s*\(\s*)['"]@opentelemetry\/api['"]/;
const OTEL_METRICS_USE = new RegExp(`\\bgetMeter\\s*\\(|\\bMeter\\b|${CREATES_INSTRUMENT.source}`);
/** An event name, literal or constant (`'order.placed'`, `Events.ORDER_PLACED`). */
const LISTENED_EVENT =
  /\.(?:on|once|addListener|prependListener)\s*\(\s*(?:(['"`])([^'"`]+)\1|([A-Za-z_$][\w$]*\.[\w$.]+))/g;
const EMITTED_EVENT = /\.emit\s*\(\s*(?:(['"`])([^'"`]+)\1|([A-Za-z_$][\w$]*\.[\w$.]+))/g;
/** Stream and socket events: emitted by libraries, everywhere; no reason to parse more files. */
const LIBRARY_EVENTS = new Set([
  'data',
  'end',
  'error',
  'close',
  'finish',
  'message',
  'connect',
  'connection',
  'drain',
  'readable',
  'exit',
  'ready',
  'listening',
  'request',
  'response',
  'timeout',
  'open',
]);
/** An `import` or `export` statement at the start of a line (not `import(…)`, `importScripts(…)`, `imports.push`). */
const ES_MODULE_STATEMENT = /^[ \t]*(?:import(?:[ \t]+[\w$*{'"]|[ \t]*[{*'"])|export[ \t{*])/m;
/**
 * What a file does beyond declaring: grows an array (`REGIONS.push(x)`) or assigns a member
 * (`config.region = …`). The indexes the analysis asks about such writes hold parsed files only.
 */
const WRITES = /\.(?:push|unshift|splice)\s*\(|\.(?<=[\w$\])]\s*\.)\s*[\w$]+\s*=[^=>]/;
/** Declarations a module makes for every file: globals, other modules' augmentations, a UMD global. */
const OUTSIDE_DECLARATION = /\bdeclare\s+(?:global|module)\b|\bexport\s+as\s+namespace\b/;
/**
 * `from 'x'`, `require('x')`, `import('x')` and the side-effect `import 'x'` (how a tracing set-up is
 * loaded); `requirePeer('x')` too, a `require` made by `createRequire` (an optional peer's).
 */
const IMPORT_SPECIFIER = /(?:from\s+|require[\w$]*\s*\(\s*|\bimport\s*(?:\(\s*)?)['"]([^'"]+)['"]/g;
const IMPORT_CLOSURE_DEPTH = 3;
/** The most importers a barrel may have for the closure to pass through it without counting a level. */
const BARREL_MAX_IMPORTERS = 40;
/** Reverse-proxy middleware: requests it forwards match no route of the app that mounts it. */
const PROXY_MIDDLEWARE = new Set(['http-proxy-middleware', 'express-http-proxy', '@fastify/http-proxy', 'koa-proxies']);
/** Node's HTTP modules: a file importing one may call out without any of the words above. */
const HTTP_MODULES = new Set(['http', 'https', 'node:http', 'node:https']);

/**
 * What the prefilter reads in one file's text, by itself: a function of the text alone, so a run can
 * keep it for a file whose text did not change and never read that file again.
 */
export interface SourceScan {
  /** The words that admit the file by themselves (route words only where no other kind is found). */
  words?: 'metric' | 'trace' | 'route';
  /** Import specifiers, in the order written. */
  specifiers: string[];
  /** Of those, the ones only `import type … from` or `export type … from` name: no code of theirs is loaded. */
  typeOnly: string[];
  definesMetrics: boolean;
  importsMetricsLibrary: boolean;
  /**
   * An ES module that only declares, and only for its importers: no `declare global`, `declare
   * module` or `export as namespace`, no array it grows, no member it assigns. Parsing it can wait
   * until an import leads there (see `Candidates.deferred`).
   */
  moduleScoped: boolean;
  /** Event names the file listens for, other than streams' and sockets' own. */
  listened: string[];
  /** Event names the file emits. */
  emitted: string[];
  /** GraphQL fields the file declares a resolver or a schema line for (see `graphqlFields`). */
  graphqlFields: number;
  /** Mongoose models the file declares (see `mongooseModels`). */
  mongooseModels: number;
  /** A barrel: nothing but `export … from` statements (see `reexportsOnly`). */
  reexportsOnly: boolean;
  /** Names a tracing SDK or set-up (see `SETS_UP_TRACING`). */
  setsUpTracing: boolean;
  /** Calls `Sentry.init(…)`: read where the package's Sentry traces with headers of its own (see `selectCandidates`). */
  startsSentry: boolean;
}

export function scanSource(text: string): SourceScan {
  const specifiers = [...text.matchAll(IMPORT_SPECIFIER)].map((m) => m[1]);
  const words = METRIC_WORDS.test(text)
    ? 'metric'
    : TRACE_WORDS.test(text) ||
        sentryInitWrapper(text) ||
        // A monitoring package of the company's own (`import('@ogcio/o11y-sdk-node')`), or a set-up named
        // for tracing (`initTracing(serviceName)` of an application kit): perhaps its tracing set-up.
        specifiers.some(ownMonitoringPackage) ||
        TRACING_SETUP_CALLED.test(text)
      ? 'trace'
      : ROUTE_WORDS.test(text)
        ? 'route'
        : undefined;
  const eventName = (m: RegExpMatchArray): string => m[2] ?? m[3];
  return {
    ...(words ? { words } : {}),
    specifiers,
    typeOnly: typeOnlySpecifiers(text, specifiers),
    definesMetrics: DEFINES_METRICS.test(text),
    importsMetricsLibrary:
      METRICS_LIBRARY_IMPORT.test(text) || (OTEL_API_IMPORT.test(text) && OTEL_METRICS_USE.test(text)),
    moduleScoped: ES_MODULE_STATEMENT.test(text) && !OUTSIDE_DECLARATION.test(text) && !WRITES.test(text),
    // Every listening call has `.on` or `Listener` in it: most files need no regular expression.
    listened:
      text.includes('.on') || text.includes('Listener')
        ? [...text.matchAll(LISTENED_EVENT)].map(eventName).filter((e) => !LIBRARY_EVENTS.has(e))
        : [],
    emitted: text.includes('.emit') ? [...text.matchAll(EMITTED_EVENT)].map(eventName) : [],
    graphqlFields: GRAPHQL_HINT.test(text) ? graphqlFields(text) : 0,
    mongooseModels: text.includes('mongoose') ? mongooseModels(text) : 0,
    reexportsOnly: reexportsOnly(text),
    setsUpTracing: words === 'metric' || words === 'trace' ? SETS_UP_TRACING.test(text) : false,
    startsSentry: text.includes('Sentry.init') && /\bSentry\.init\s*\(/.test(text),
  };
}

/** `import type { A } from 'x'`, `export type { B } from 'x'`: the module's types only. */
const TYPE_IMPORT = /^[ \t]*(?:import|export)[ \t]+type\b[^'";]*?\bfrom[ \t]*['"]([^'"]+)['"]/gm;

/** The specifiers every import of which is for types only (each type import is one of `specifiers`' matches). */
function typeOnlySpecifiers(text: string, specifiers: readonly string[]): string[] {
  if (!text.includes('import type') && !text.includes('export type')) return [];
  const typeImports = [...text.matchAll(TYPE_IMPORT)].map((m) => m[1]);
  const count = (list: readonly string[], s: string): number => list.filter((x) => x === s).length;
  return [...new Set(typeImports)].filter((s) => count(typeImports, s) === count(specifiers, s));
}

/** One `export * from 'x'`, `export * as ns from 'x'` or `export { a, type B } from 'x'`, with the blanks before it. */
const REEXPORT = /\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^{}]*\})\s*from\s*(['"])[^'"\n]+\1\s*;?/y;
/** Barrels are short: a longer file is not read through. */
const BARREL_MAX_LENGTH = 20_000;

/**
 * Whether a file only re-exports other modules (an `index.ts` barrel): it adds no code of its own,
 * so the import closures pass through it without counting a level.
 */
function reexportsOnly(text: string): boolean {
  if (text.length > BARREL_MAX_LENGTH || !text.includes('export')) return false;
  const code = text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"\w])\/\/[^\n]*/g, '').replace(/^\s*['"]use strict['"];?/, '');
  let end = 0;
  let statements = 0;
  for (REEXPORT.lastIndex = 0; REEXPORT.test(code); end = REEXPORT.lastIndex) statements++;
  return statements > 0 && code.slice(end).trim() === '';
}

/** Where a GraphQL schema or its resolvers may be written: decorators, tagged SDL, `typeDefs`. */
const GRAPHQL_HINT = /@(?:Query|Mutation|Subscription|ResolveField|FieldResolver)\s*\(|\b(?:gql|graphql)\s*`|typeDefs/;
/** NestJS and TypeGraphQL resolver decorators: one field each. */
const RESOLVER_DECORATOR = /@(?:Query|Mutation|Subscription|ResolveField|FieldResolver)\s*\(/g;
/** A type's body in SDL (`type Query { … }`, `extend type Order { … }`, `interface Node { … }`). */
const SDL_TYPE = /\b(?:type|interface)\s+[A-Z]\w*[^{}`]*\{([^{}`]*)\}/g;
/** A field line of an SDL body: `orders(first: Int): [Order!]!`, `id: ID!`. */
const SDL_FIELD = /^\s*[A-Za-z_]\w*\s*(?:\([^)]*\))?\s*:/gm;

/**
 * The GraphQL fields a file declares: resolver decorators (code-first schemas) and the field lines
 * of the SDL types it holds (schema-first ones). `info.fieldName` takes one of them.
 */
function graphqlFields(text: string): number {
  let count = [...text.matchAll(RESOLVER_DECORATOR)].length;
  if (/\b(?:gql|graphql)\s*`|typeDefs/.test(text))
    for (const body of text.matchAll(SDL_TYPE)) count += [...body[1].matchAll(SDL_FIELD)].length;
  return count;
}

/** `@Schema(…)` of `@nestjs/mongoose`: one model (a collection) per decorated class. */
const NEST_SCHEMA = /@Schema\s*\(/g;
/** `mongoose.model('User', schema)`, `model<IUser>('User', …)`, `connection.model('Order', …)`: a model by its name. */
const MODEL_CALL = /\bmodel\s*(?:<[^>()]*>)?\s*\(\s*['"`]/g;

/**
 * The Mongoose models a file declares, each one collection: what a query hook's
 * `this.mongooseCollection.name` or a document's `constructor.modelName` takes.
 */
function mongooseModels(text: string): number {
  const nest = text.includes('@nestjs/mongoose') ? [...text.matchAll(NEST_SCHEMA)].length : 0;
  return nest + [...text.matchAll(MODEL_CALL)].length;
}

/** The files extraction parses, and what it needs to know of the rest. */
export interface Candidates {
  /** Parsed, sorted. */
  files: string[];
  /** Of the files, those only imported by metric code: parsed for declarations and callers, not analysed. */
  imported: ReadonlySet<string>;
  /**
   * Of those, the ones that import no other file of the run and no HTTP module and only declare
   * (`SourceScan.moduleScoped`: constants, enums, types): no call in them reaches a function of the
   * run through an import, they make no outbound call and write nothing the indexes hold, so they
   * are parsed only when an import is followed into them (see `ProjectIndex.defer`).
   */
  deferred: ReadonlySet<string>;
  /** Every file's importers, parsed or not: which files a process loads together. */
  importers: ReadonlyMap<string, readonly string[]>;
  /** Of those, the importers that import a file for its types only: none of its code runs for them. */
  typeImporters: ReadonlyMap<string, readonly string[]>;
  /** The metric helper packages (declared wrappers and presets) some file imports. */
  importedWrapperModules: ReadonlySet<string>;
  /** Some file imports a metrics library obslint reads (else a framework may hand over a StatsD client). */
  metricsLibraryImported: boolean;
  /** The GraphQL fields the project's files declare (resolvers and SDL lines), parsed or not. */
  graphqlFields: number;
  /** The Mongoose models the project's files declare, parsed or not. */
  mongooseModels: number;
  /** The files that import `@nestjs/core` (where an application bootstraps Nest), parsed or not. */
  nestCoreImporters: ReadonlySet<string>;
  /** The files that import a reverse-proxy middleware (`http-proxy-middleware`), parsed or not. */
  proxyImporters: ReadonlySet<string>;
}

/**
 * The cheap syntactic pass, from each file's scan: files that mention metric words; files importing
 * (up to three levels) a file that defines metrics, since those use metrics or wrappers without
 * naming the library; the files those import (types, constants, route tables) up to three levels,
 * where label values come from: parsed, but only for what the analysis of the others reads there.
 */
export function selectCandidates(
  scans: ReadonlyMap<string, SourceScan>,
  /** The project files a file imports (see `importResolver`). */
  importsOf: (file: string) => readonly string[],
  wrapperModules: ReadonlySet<string>,
  admitted: (reason: string, files: number) => void,
  /** The project files a file imports for types only (see `SourceScan.typeOnly`). */
  typeImportsOf: (file: string) => readonly string[] = () => [],
  /**
   * Whether a file's package depends on Sentry 7 or older: its `Sentry.init` call is read, since
   * only its options tell whether it samples traces (with headers of its own, no W3C context).
   */
  onSentry7: (file: string) => boolean = () => false,
): Candidates {
  const importedWrapperModules = new Set<string>();
  // A file importing a metrics helper package defines or uses metrics through it.
  const wrapperImport = (specifiers: string[]): boolean => {
    const found = specifiers.filter((s) => wrapperModules.has(canonicalModule(s)));
    found.forEach((s) => importedWrapperModules.add(canonicalModule(s)));
    return found.length > 0;
  };
  const selected = new Set<string>();
  const metricFiles = new Set<string>();
  const routeFiles = new Set<string>();
  const definers = new Set<string>();
  const imports = new Map<string, readonly string[]>();
  const importers = new Map<string, string[]>();
  const typeImporters = new Map<string, string[]>();
  let metricsLibraryImported = false;
  let graphqlFields = 0;
  let mongooseModels = 0;
  const nestCoreImporters = new Set<string>();
  const proxyImporters = new Set<string>();
  for (const [file, scan] of scans) {
    if (scan.specifiers.some((s) => PROXY_MIDDLEWARE.has(s))) proxyImporters.add(file);
    graphqlFields += scan.graphqlFields;
    mongooseModels += scan.mongooseModels;
    if (scan.specifiers.includes('@nestjs/core')) nestCoreImporters.add(file);
    const helper = wrapperImport(scan.specifiers);
    const reason =
      scan.words === 'metric'
        ? 'metric words'
        : scan.words === 'trace'
          ? 'outbound and tracing words'
          : helper
            ? 'imports a metrics helper package'
            : scan.startsSentry && onSentry7(file)
              ? 'starts Sentry 7'
              : scan.words === 'route'
                ? 'route words'
                : undefined;
    if (reason) admitted(reason, 1);
    if (reason && reason !== 'route words') metricFiles.add(file);
    else if (reason) routeFiles.add(file);
    if (scan.definesMetrics || helper) definers.add(file);
    if (scan.importsMetricsLibrary) metricsLibraryImported = true;
    const targets = importsOf(file);
    for (const target of targets) {
      let list = importers.get(target);
      if (!list) importers.set(target, (list = []));
      list.push(file);
    }
    imports.set(file, targets);
    for (const target of typeImportsOf(file)) {
      let list = typeImporters.get(target);
      if (!list) typeImporters.set(target, (list = []));
      list.push(file);
    }
  }
  metricFiles.forEach((f) => selected.add(f));
  routeFiles.forEach((f) => selected.add(f));
  // Metric code that listens for an event takes its values from wherever that event is emitted.
  let before = selected.size;
  const step = (reason: string): void => {
    admitted(reason, selected.size - before);
    before = selected.size;
  };
  const events = new Set([...metricFiles].flatMap((f) => scans.get(f)!.listened));
  if (events.size > 0)
    for (const [file, scan] of scans)
      if (!selected.has(file) && scan.emitted.some((e) => events.has(e))) selected.add(file);
  step('emits an event metric code listens for');
  // A barrel most of the project imports is a package's public face: its importers use the package, not the metric file.
  const barrel = (file: string): boolean =>
    scans.get(file)?.reexportsOnly === true && (importers.get(file)?.length ?? 0) <= BARREL_MAX_IMPORTERS;
  closure(definers, importers, selected, IMPORT_CLOSURE_DEPTH, undefined, barrel);
  step('imports a file that defines metrics (3 levels)');
  // A module that makes a messaging client (`export const producer = kafka.producer()`): its
  // importers send and consume through it (`producer.send(…)` in an outbox relay).
  const clientMakers = new Set(
    [...scans].filter(([, scan]) => scan.specifiers.some((s) => MESSAGING_MODULES.has(s))).map(([file]) => file),
  );
  closure(clientMakers, importers, selected, 1, undefined, barrel);
  step('imports a file that makes a messaging client');
  // What calls a library's set-up (`startTelemetry()` in an application's `tracing.ts`) starts tracing there.
  const setups = new Set([...scans].filter(([, scan]) => scan.setsUpTracing).map(([file]) => file));
  closure(setups, importers, selected, 1, undefined, barrel);
  step('imports a file that sets up tracing');
  // What metric code imports holds label values (types, enums, constants) and calls of its
  // functions: parsed for declarations and callers; no metric code of its own is looked for there.
  const imported = new Set<string>();
  closure(new Set(selected), imports, imported, IMPORT_CLOSURE_DEPTH, (f) => !routeFiles.has(f) || metricFiles.has(f));
  // Route files: their route tables.
  closure(routeFiles, imports, selected, 1);
  step('imported by a route file');
  selected.forEach((f) => imported.delete(f));
  admitted('imported by metric code (3 levels), read for declarations and callers', imported.size);
  const deferred = new Set(
    [...imported].filter(
      (f) =>
        scans.get(f)!.moduleScoped &&
        !(imports.get(f) ?? []).some((target) => selected.has(target) || imported.has(target)) &&
        !scans.get(f)!.specifiers.some((s) => HTTP_MODULES.has(s)),
    ),
  );
  return {
    files: [...selected, ...imported].sort(),
    imported,
    deferred,
    importers,
    typeImporters,
    importedWrapperModules,
    metricsLibraryImported,
    graphqlFields,
    mongooseModels,
    nestCoreImporters,
    proxyImporters,
  };
}

/**
 * The project files a file's import specifiers name, among `files`: a function of the specifiers,
 * the project's module settings and the file set, so a run can keep it while those hold.
 */
export function importResolver(
  modules: ModuleResolver,
  files: ReadonlySet<string>,
): (file: string, specifiers: readonly string[]) => string[] {
  const resolutions = new Map<string, string | undefined>();
  const exists = (path: string): boolean => files.has(path);
  return (file, specifiers) => {
    const targets: string[] = [];
    const dir = dirname(file);
    for (const specifier of specifiers) {
      // The same specifier from the same directory resolves alike: resolve it once.
      const key = `${dir}\u0000${specifier}`;
      if (!resolutions.has(key)) resolutions.set(key, modules.resolve(specifier, file, exists));
      const target = resolutions.get(key);
      if (target) targets.push(target);
    }
    return targets;
  };
}

function closure(
  start: Set<string>,
  edges: Map<string, readonly string[]>,
  into: Set<string>,
  depth: number,
  from: (file: string) => boolean = () => true,
  /** Files the walk passes through without counting a level (barrels). */
  through: (file: string) => boolean = () => false,
): void {
  const visited = new Set(start);
  let frontier = [...start].filter(from);
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    // A barrel met on this level is walked on this level too: its neighbours are one level on.
    for (let i = 0; i < frontier.length; i++) {
      for (const neighbour of edges.get(frontier[i]) ?? []) {
        if (visited.has(neighbour)) continue;
        visited.add(neighbour);
        into.add(neighbour);
        if (through(neighbour)) frontier.push(neighbour);
        else next.push(neighbour);
      }
    }
    frontier = next;
  }
}
