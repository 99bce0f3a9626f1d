import { ts } from 'ts-morph';
import type { Client, LateTracingStart, Location, OutboundCall, TracingFacts } from '../../types.js';
import { calledFunction, callsTo, returnedValues } from '../syntax/functions.js';
import {
  clientCall,
  httpClientNames,
  madeByFactory,
  messagingClientsOf,
  moduleOf,
  pubsubClientWithoutTracing,
  type ClientCall,
} from '../libraries/clients.js';
import { connectTransportOf, GrpcClients, usesGrpc, type GrpcCall } from '../libraries/grpc.js';
import { nestjsTracingStart } from '../libraries/opentelemetry-nestjs.js';
import { ddTraceClients, ddTraceSetup } from '../libraries/dd-trace.js';
import { releasedBy } from '../libraries/releases.js';
import { SENTRY_NODE_SDKS, sentryTraces } from '../libraries/sentry-sdks.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import type { DeployedTracing } from '../syntax/module-resolver.js';
import {
  assignmentsIn,
  constInitializer,
  enclosingClassLike,
  fieldHolders,
  enclosingFunction,
  forEachThisAssignment,
  functionName,
  lookup,
  propertyKey,
  propertyName,
  setTo,
  skipOuter,
} from '../syntax/scope.js';
import { groupBy } from '../../util/group.js';
import { table } from '../../util/table.js';
import { absolutePath, compareStrings, displayPath } from '../../util/paths.js';
import { forEachDescendant } from '../syntax/walk.js';
import { loadedSpecifiers } from '../syntax/module-loads.js';
import type { StaticEvaluator } from '../flow/static-eval.js';
import type { Caller } from '../flow/call-graph.js';
import { carrierField } from './message-carrier.js';
import { builtForBrowser, type PackageIndex, type PackageScope } from './workspace-packages.js';
import { startsWith, tracingStarters } from './tracing-starters.js';
import { hasDirective, importedOnlyByBrowserCode, runsInBrowser } from './browser-code.js';
import { ScheduledQueues, scheduledRun } from './scheduled-jobs.js';
import { detachedDelay } from './job-delays.js';
import { QueueFeeds } from './queue-feeds.js';
import { lateTracingStarts } from './late-tracing-start.js';
import { outboxRelays } from './outbox-relay.js';
import { deliversWebhook } from './webhook-delivery.js';

const HTTP_BASED: Client[] = ['http', 'https', 'axios', 'got', 'node-fetch', 'superagent', 'bent'];
const FETCH_BASED: Client[] = ['fetch', 'undici', 'ky'];
const HTTP_CLIENTS = new Set([...HTTP_BASED, ...FETCH_BASED]);
/** What `@opentelemetry/auto-instrumentations-node` instruments among the clients obslint knows. */
const AUTO: Client[] = [...HTTP_BASED, ...FETCH_BASED, 'kafkajs', 'amqplib', 'sqs', 'grpc'];
/** dd-trace's integrations: the above, Pub/Sub, and HTTP/2 (under Connect's gRPC transport). */
const DD_TRACE: Client[] = [...AUTO, 'pubsub', 'connect'];
/** APM agents started by loading them (`require('newrelic')`, `elastic-apm-node/start`), and what they instrument. */
const AGENTS: { module: RegExp; what: string; covers: Client[] }[] = [
  { module: /^newrelic$/, what: 'newrelic', covers: [...HTTP_BASED, ...FETCH_BASED, 'grpc', 'amqplib'] },
  {
    module: /^elastic-apm-node\/start(?:\.[cm]?js)?$/,
    what: 'elastic-apm-node',
    covers: [...HTTP_BASED, ...FETCH_BASED],
  },
];
/**
 * OpenTracing set-ups: a Jaeger tracer made and registered as the global tracer. They instrument no
 * client; the code injects the context itself (`tracer.inject(span.context(), FORMAT_HTTP_HEADERS, carrier)`).
 */
const OPENTRACING_SETUPS = table<string>({
  initTracerFromEnv: 'jaeger-client',
  initTracer: 'jaeger-client',
  initGlobalTracer: 'opentracing',
});
const OPENTRACING_MODULES = new Set(['jaeger-client', 'opentracing']);

/** Instrumentations and agents, by the class or call that registers them, and the clients they cover. */
const INSTRUMENTATIONS = table<{ covers: Client[]; what: string }>({
  getNodeAutoInstrumentations: { covers: AUTO, what: '@opentelemetry/auto-instrumentations-node' },
  HttpInstrumentation: { covers: HTTP_BASED, what: '@opentelemetry/instrumentation-http' },
  GrpcInstrumentation: { covers: ['grpc'], what: '@opentelemetry/instrumentation-grpc' },
  UndiciInstrumentation: { covers: FETCH_BASED, what: '@opentelemetry/instrumentation-undici' },
  KafkaJsInstrumentation: { covers: ['kafkajs'], what: '@opentelemetry/instrumentation-kafkajs' },
  AmqplibInstrumentation: { covers: ['amqplib'], what: '@opentelemetry/instrumentation-amqplib' },
  AwsInstrumentation: { covers: ['sqs'], what: '@opentelemetry/instrumentation-aws-sdk' },
  registerOTel: { covers: [...HTTP_BASED, ...FETCH_BASED], what: '@vercel/otel' },
  // Azure Monitor's OpenTelemetry distro: by default only its http instrumentation is on.
  useAzureMonitor: { covers: HTTP_BASED, what: '@azure/monitor-opentelemetry' },
  // In the browser: fetch, and XMLHttpRequest under axios and superagent (the web auto-instrumentations: both).
  FetchInstrumentation: { covers: ['fetch', 'ky'], what: '@opentelemetry/instrumentation-fetch' },
  getWebAutoInstrumentations: {
    covers: ['fetch', 'ky', 'axios', 'superagent'],
    what: '@opentelemetry/auto-instrumentations-web',
  },
  XMLHttpRequestInstrumentation: {
    covers: ['axios', 'superagent'],
    what: '@opentelemetry/instrumentation-xml-http-request',
  },
});
/** Exporters that print spans rather than send them anywhere. */
const CONSOLE_EXPORTERS = new Set(['ConsoleSpanExporter']);
/** Set-ups that choose their exporter from the environment (`OTEL_TRACES_EXPORTER`) unless given one. */
const EXPORTS_BY_ENVIRONMENT = new Set(['NodeSDK', 'registerOTel', 'useAzureMonitor', 'initTracerFromEnv']);
const EXPORTER_OPTIONS = ['traceExporter', 'spanProcessor', 'spanProcessors'];

const SETUP_RANK = [
  'NodeSDK',
  'NodeTracerProvider',
  'BasicTracerProvider',
  'WebTracerProvider',
  'registerOTel',
  'useAzureMonitor',
  'registerInstrumentations',
  'getNodeAutoInstrumentations',
  'initTracerFromEnv',
  'initTracer',
  'initGlobalTracer',
  'getTracer',
];

const FARO = '@grafana/faro-web-tracing';

const SKIPS_SENTRY_TRACING = /\bskipOpenTelemetrySetup\s*:\s*true\b/;
/** `tracesSampleRate: 0` (`0.0`): no trace is ever sampled, so none is carried. */
const SAMPLES_NO_TRACE = /\btracesSampleRate\s*:\s*0(?:\.0*)?\s*(?:[,}\n]|\/[/*]|$)/;
/** A sample rate or sampler that may sample a trace: anything but a literal zero (a variable, `{ tracesSampleRate }`). */
const SAMPLES_TRACES =
  /\btracesSampleRate\s*(?::(?!\s*0(?:\.0*)?\s*(?:[,}\n]|\/[/*]|$))|[,}\n]|\/[/*])|\btracesSampler\b/;

/** Whether a package's Sentry set-up captures errors only: no OpenTelemetry set-up, or no trace ever sampled. */
function sentryErrorsOnly(files: Iterable<ts.SourceFile>): boolean {
  let zeroRate = false;
  let samples = false;
  for (const file of files) {
    if (SKIPS_SENTRY_TRACING.test(file.text)) return true;
    samples ||= SAMPLES_TRACES.test(file.text);
    zeroRate ||= SAMPLES_NO_TRACE.test(file.text);
  }
  return zeroRate && !samples;
}

/** `node -r <module>`, `--require=<module>`, `--import <module>`, quoted or not. */
const PRELOAD = /(?:--require|--import|-r)[ =]+['"]?([^\s'"]+)/g;
/**
 * Modules whose preload starts an OpenTelemetry distribution with the Node auto-instrumentations
 * (HTTP, undici, Kafka, AMQP, AWS): the process is traced before any of its code runs.
 */
const PRELOADED_DISTRIBUTIONS = [
  '@opentelemetry/auto-instrumentations-node/register',
  '@hyperdx/node-opentelemetry',
  '@splunk/otel/instrument',
  '@elastic/opentelemetry-node',
];

interface ManifestFacts {
  /** `scripts` of the package.json, for `--require …/register` style setups. */
  scripts: string[];
  /** Declared dependencies with their ranges (for agents whose tracing depends on the major). */
  dependencies: Record<string, string>;
  /** What its deploy files start (a Dockerfile's preload, an operator's injected instrumentation). */
  deployed: DeployedTracing[];
  /** The dependencies of the packages above it (a workspace root), which it resolves when it names none itself. */
  inheritedDependencies: () => Record<string, string>;
}

/**
 * Tracing per workspace package: what each sets up itself (in its files, scripts and
 * dependencies), merged over the packages that share its processes.
 */
export function tracingByPackage(
  calls: (ts.CallExpression | ts.NewExpression)[],
  files: Iterable<ts.SourceFile>,
  project: ProjectIndex,
  packages: PackageIndex,
  /** Every file's importers: a package whose code imports a file that sets up tracing as it loads runs that set-up. */
  importers: ReadonlyMap<string, readonly string[]>,
  /** The packages to describe (a process group's, when groups are extracted apart); every one when omitted. */
  describe?: ReadonlySet<string>,
): Record<string, TracingFacts> {
  const callsOf = new Map<string, (ts.CallExpression | ts.NewExpression)[]>();
  const filesOf = new Map<string, ts.SourceFile[]>();
  const add = <T>(into: Map<string, T[]>, key: string, item: T): void => {
    const list = into.get(key);
    if (list) list.push(item);
    else into.set(key, [item]);
  };
  for (const call of calls) add(callsOf, packages.of(call.getSourceFile().fileName).key, call);
  for (const file of files) add(filesOf, packages.of(file.fileName).key, file);
  const own = new Map<string, TracingFacts>();
  for (const scope of packages.all())
    own.set(
      scope.key,
      tracingFacts(callsOf.get(scope.key) ?? [], filesOf.get(scope.key) ?? [], project, {
        scripts: scope.manifest?.scripts ?? [],
        dependencies: scope.manifest?.dependencies ?? {},
        deployed: scope.manifest?.deployed ?? [],
        inheritedDependencies: () => dependenciesAbove(scope, packages),
      }),
    );
  const setups = calls.filter((call) => startsTracing(call, project));
  const starters = tracingStarters(setups, project, packages, importers);
  const loadedSetups = setupsLoadedByImport(setups, importers, packages, project);
  const importingPackages = packagesImporting(importers, packages);
  // The packages whose set-up functions `scope`'s code calls (`initializeSentry('scheduler')` through an alias).
  const setupsCalledBy = (scope: PackageScope): PackageScope[] =>
    [...starters]
      .filter(([owner, from]) => owner !== scope.key && from.has(scope.key))
      .map(([owner]) => packages.all().find((s) => s.key === owner))
      .filter((s): s is PackageScope => s !== undefined);
  const lateStarts = new Map<string, LateTracingStart>();
  for (const late of lateTracingStarts(
    [...filesOf.values()].flat(),
    project,
    importers,
    (file) =>
      /\.m[jt]s$/.test(file.fileName) ||
      (!/\.c[jt]s$/.test(file.fileName) && packages.of(file.fileName).manifest?.esm === true),
  )) {
    const key = packages.of(absolutePath(project.root, late.loc.file)).key;
    if (!lateStarts.has(key)) lateStarts.set(key, late);
  }
  const out: Record<string, TracingFacts> = {};
  for (const scope of packages.all()) {
    if (describe && !describe.has(scope.key)) continue;
    const related = packages.related(scope);
    for (const loaded of loadedSetups.get(scope.key) ?? []) if (!related.includes(loaded)) related.push(loaded);
    // A library the services import through a path alias, without declaring it, runs in their
    // processes; a package with a set-up of its own (a test harness beside the SDK) runs in its own.
    if (!own.get(scope.key)!.setup)
      for (const user of importingPackages.get(scope) ?? []) if (!related.includes(user)) related.push(user);
    // A package whose set-up this one calls (through an alias, without depending on it) runs in its
    // processes; so does one whose set-up a service loading this one calls or loads (a library the
    // services import through an alias, traced by the shared `startTracing()` or `otelSDK.start()` of
    // each service's entry).
    for (const running of [...related])
      for (const starting of [...setupsCalledBy(running), ...(loadedSetups.get(running.key) ?? [])])
        if (!related.includes(starting)) related.push(starting);
    related.sort((a, b) => (a === scope ? -1 : b === scope ? 1 : compareStrings(a.key, b.key)));
    const [self, ...others] = related.map((s) =>
      startsWith(starters, s, related) ? own.get(s.key)! : notStarted(own.get(s.key)!),
    );
    // A library that only asks for a tracer (`trace.getTracer`) starts nothing: it makes the processes
    // that load it traced no more than they already are, and they make it traced only by starting an SDK.
    // `new NodeClient({ skipOpenTelemetrySetup: true })` in an application (a private package): Sentry
    // reports its errors and instruments nothing in its processes, whatever a library beside it
    // depends on. A published library's own text (Sentry's SDKs name the option) decides no process.
    const sentryOff =
      scope.manifest?.private === true &&
      sentryIn(scope.manifest?.dependencies ?? {}) !== undefined &&
      sentryErrorsOnly(filesOf.get(scope.key) ?? []);
    const merged = mergeTracing([
      self,
      ...others.map(startedTracing).map((part) => (sentryOff ? withoutSentry(part) : part)),
    ]);
    // Traced, but not by what its own processes start: only where packages that load it run it.
    const alone = [...packages.ownProcess(scope), ...(loadedSetups.get(scope.key) ?? [])];
    for (const starting of setupsCalledBy(scope)) if (!alone.includes(starting)) alone.push(starting);
    const startsAlone = alone.some((s) => {
      const setup = own.get(s.key)!.setup;
      return setup !== undefined && !apiOnly(setup) && startsWith(starters, s, alone);
    });
    if (merged.setup && !apiOnly(merged.setup) && !startsAlone) merged.loadersOnly = true;
    // A start after the clients it instruments are loaded, where the package's process runs it,
    // unless a script preloads a module first.
    const preloads = (scope.manifest?.scripts ?? []).some((script) => [...script.matchAll(PRELOAD)].length > 0);
    const late = merged.setup && !preloads ? lateStarts.get(scope.key) : undefined;
    if (late) merged.lateStart = late;
    const name = scope.manifest?.name;
    out[scope.key] = name && !name.startsWith('(unnamed:') ? { name, ...merged } : merged;
  }
  return out;
}

/** The Sentry server SDK whose tracing a package's dependencies start (major 8 on), if any. */
function sentryIn(dependencies: Readonly<Record<string, string>>): string | undefined {
  return SENTRY_NODE_SDKS.find((sdk) => sentryTraces(dependencies[sdk]));
}

/** The Sentry server SDK a package's own `Sentry.init` call starts, installed (a tracing major) by a package above it. */
function sentryStartedHere(
  calls: readonly (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  inherited: () => Readonly<Record<string, string>>,
): string | undefined {
  for (const call of calls) {
    const sdk = ts.isCallExpression(call) ? sentryInit(call, project) : undefined;
    if (sdk && sentryTraces(inherited()[sdk])) return sdk;
  }
  return undefined;
}

/** The dependencies of the packages whose directories hold `scope`'s; the nearest one's range wins. */
function dependenciesAbove(scope: PackageScope, packages: PackageIndex): Record<string, string> {
  const dependencies: Record<string, string> = {};
  const above = packages
    .all()
    .filter((s) => s !== scope && (s.key === '.' || scope.key.startsWith(`${s.key}/`)))
    .sort((a, b) => a.key.length - b.key.length);
  for (const s of above) Object.assign(dependencies, s.manifest?.dependencies);
  return dependencies;
}

/**
 * The messaging clients Sentry's Node SDK instruments by default once it traces (its kafkajs and
 * amqplib integrations, OpenTelemetry's instrumentations underneath), from the release that added each.
 */
const SENTRY_MESSAGING: readonly (readonly [Client, string])[] = [
  ['kafkajs', '8.30.0'],
  ['amqplib', '8.32.0'],
];

/** What a Sentry SDK's coverage is named by in `TracingFacts.instrumented`. */
function sentryCoverage(sdk: string): string {
  return `${sdk} 8+`;
}

const SENTRY_COVERAGE = new Set(SENTRY_NODE_SDKS.map(sentryCoverage));

/** A related package's tracing without what a Sentry SDK would instrument. */
function withoutSentry(facts: TracingFacts): TracingFacts {
  const instrumented = Object.fromEntries(
    Object.entries(facts.instrumented).filter(([, what]) => !SENTRY_COVERAGE.has(what)),
  );
  const kept: TracingFacts = { ...facts, instrumented };
  if (kept.setup && SENTRY_NODE_SDKS.includes(kept.setup.what)) delete kept.setup;
  return kept;
}

/** Per package, the other packages whose files import its files (declared as dependencies or not). */
function packagesImporting(
  importers: ReadonlyMap<string, readonly string[]>,
  packages: PackageIndex,
): Map<PackageScope, PackageScope[]> {
  const users = new Map<PackageScope, Set<PackageScope>>();
  for (const [file, by] of importers) {
    const owner = packages.of(file);
    for (const importer of by) {
      const user = packages.of(importer);
      if (user === owner) continue;
      let set = users.get(owner);
      if (!set) users.set(owner, (set = new Set()));
      set.add(user);
    }
  }
  return new Map([...users].map(([owner, set]) => [owner, [...set].sort((a, b) => compareStrings(a.key, b.key))]));
}

/**
 * `import '@td/tracer'` in a service whose manifest does not depend on the tracer (a path alias into a
 * library with no manifest of its own): the packages of files that set up tracing as they load (outside
 * any function), or that load such a file from their own package (`index.ts` doing `import './sdk'`),
 * by the packages whose files import them. An import of types only loads nothing.
 */
function setupsLoadedByImport(
  setups: readonly (ts.CallExpression | ts.NewExpression)[],
  importers: ReadonlyMap<string, readonly string[]>,
  packages: PackageIndex,
  project: ProjectIndex,
): Map<string, PackageScope[]> {
  const loaded = new Map<string, PackageScope[]>();
  const loads = (importer: string, target: string): boolean => {
    const file = project.files.get(importer);
    // A file obslint did not parse is taken at its word (the prefilter's scan of its imports).
    return file === undefined || valueImports(file, project).has(target);
  };
  const starts = setups.filter((call) => enclosingFunction(call) === undefined);
  for (const start of new Set(starts.map((call) => call.getSourceFile().fileName))) {
    const owner = packages.of(start);
    // The owner package's files that load the set-up, a few imports up.
    const loading = new Set([start]);
    let frontier = [start];
    for (let level = 0; level < IMPORT_LEVELS && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const file of frontier)
        for (const importer of importers.get(file) ?? []) {
          if (loading.has(importer) || !loads(importer, file)) continue;
          const by = packages.of(importer);
          if (by === owner) {
            loading.add(importer);
            next.push(importer);
            continue;
          }
          const list = loaded.get(by.key) ?? [];
          if (!list.includes(owner)) list.push(owner);
          loaded.set(by.key, list);
        }
      frontier = next;
    }
  }
  return loaded;
}

const IMPORT_LEVELS = 3;
const valueImportsByFile = new WeakMap<ts.SourceFile, Set<string>>();

/** The files a parsed file loads: its imports but for `import type`, and its top-level `require`s. */
function valueImports(file: ts.SourceFile, project: ProjectIndex): Set<string> {
  let found = valueImportsByFile.get(file);
  if (found) return found;
  found = new Set<string>();
  for (const specifier of file.statements.flatMap(loadedSpecifiers)) {
    const target = project.resolvedPath(specifier, file.fileName);
    if (target) found.add(target);
  }
  valueImportsByFile.set(file, found);
  return found;
}

/** How a NestJS tracing library's start is named: `Tracing.init`, `OpenTelemetryModule.forRoot`. */
function nestjsSetup(call: ts.CallExpression): string {
  const method = propertyName(skipOuter(call.expression));
  return method?.startsWith('forRoot') ? `OpenTelemetryModule.${method}` : 'Tracing.init';
}

/** A call that sets up tracing or an instrumentation (not one that only asks for a tracer). */
function startsTracing(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): boolean {
  if (ts.isCallExpression(call) && (nestjsTracingStart(call) || sentryInit(call, project) !== undefined)) return true;
  const name = calleeName(skipOuter(call.expression));
  if (name === 'use') return ts.isCallExpression(call) && injectingAxiosInterceptor(call, project);
  if (name !== undefined && OPENTRACING_SETUPS[name]) return openTracingModule(call, project) !== undefined;
  return (
    name !== undefined && name !== 'getTracer' && (SETUP_RANK.includes(name) || INSTRUMENTATIONS[name] !== undefined)
  );
}

/**
 * The SDK of a `Sentry.init(…)` call of a Sentry server SDK (`import * as Sentry from '@sentry/nestjs'`,
 * or `init` imported by name): what its package's dependency on the SDK traces starts there, in the
 * processes that run it (`initializeSentry('backend')` of a shared library, called by a service
 * whose own manifest names no SDK).
 */
function sentryInit(call: ts.CallExpression, project: ProjectIndex): string | undefined {
  const module = calleeName(skipOuter(call.expression)) === 'init' ? calleeModule(call, project) : undefined;
  return module !== undefined && SENTRY_NODE_SDKS.includes(module) ? module : undefined;
}

/** `jaeger-client` or `opentracing`, when the called function (or its namespace) is imported from one (`initTracer` is a common name). */
function openTracingModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  const module = calleeModule(call, project);
  return module && OPENTRACING_MODULES.has(module) ? module : undefined;
}

/** The package a called function, or the namespace it is called on (`Sentry.init`), is imported from. */
function calleeModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  const callee = skipOuter(call.expression);
  const id = ts.isIdentifier(callee)
    ? callee
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(skipOuter(callee.expression))
      ? (skipOuter(callee.expression) as ts.Identifier)
      : undefined;
  return id && moduleOf(id, project);
}

/**
 * A package of the company's own that says it monitors or traces (`@snapshot-labs/snapshot-sentry`,
 * `@acme/otel-setup`), neither one obslint knows nor one of the repository: what it sets up is
 * beyond sight.
 */
const MONITORING_PACKAGE =
  /sentry|opentelemetry|otel|tracing|tracer|telemetry|\bapm\b|datadog|newrelic|honeycomb|instana|observability/i;
/** What such a package's set-up is called (`initLogger`, `setupTracing`, `startTelemetry`). */
const SETUP_CALL = /^(?:init|setup|start|configure|register|instrument|bootstrap)(?:[A-Z_]|$)/;

/** The module of a call of a set-up function from a monitoring package obslint does not read. */
function unreadSetupModule(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const name = calleeName(skipOuter(call.expression));
  const module = name !== undefined && SETUP_CALL.test(name) ? calleeModule(call, project) : undefined;
  if (module === undefined || module.startsWith('.') || !MONITORING_PACKAGE.test(module)) return undefined;
  // Known SDKs are read by what they are; the repository's own packages by their code.
  if (
    /^@(?:sentry|opentelemetry)\/|^dd-trace(?:\/|$)/.test(module) ||
    PRELOADED_DISTRIBUTIONS.some((known) => known.startsWith(module))
  )
    return undefined;
  return project.resolvedPath(module, call.getSourceFile().fileName) === undefined ? module : undefined;
}

/** A module whose name says it sets up tracing (`./ee/otel.js`, `./tracing`, `../instrumentation`). */
const TRACING_MODULE =
  /(?:^|[/._-])(?:otel|opentelemetry|tracing|tracer|telemetry|instrumentation)(?:[._-](?:setup|init|config|node|server))?$/i;

/**
 * A module of the project's own, named for tracing, that the package loads but obslint cannot read
 * (`await import('./ee/otel.js')` of a file the repository leaves out, a licensed edition's): the
 * specifier, where it is loaded.
 */
function missingTracingModule(
  calls: readonly (ts.CallExpression | ts.NewExpression)[],
  files: readonly ts.SourceFile[],
  project: ProjectIndex,
): ts.StringLiteralLike | undefined {
  const unreadable = (specifier: ts.Expression | undefined, from: ts.SourceFile): specifier is ts.StringLiteralLike =>
    specifier !== undefined &&
    ts.isStringLiteralLike(specifier) &&
    specifier.text.startsWith('.') &&
    TRACING_MODULE.test(specifier.text.replace(/\.[cm]?[jt]sx?$/, '')) &&
    project.resolvedPath(specifier.text, from.fileName) === undefined;
  for (const call of calls) {
    const loads =
      ts.isCallExpression(call) &&
      (call.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(call.expression) && call.expression.text === 'require'));
    if (loads && unreadable(call.arguments[0], call.getSourceFile())) return call.arguments[0];
  }
  // `import './tracing'`: loaded for what it does, not for a binding (a type, a constant).
  for (const file of files)
    for (const statement of file.statements)
      if (ts.isImportDeclaration(statement) && !statement.importClause && unreadable(statement.moduleSpecifier, file))
        return statement.moduleSpecifier;
  return undefined;
}

/** A set-up that only asks for a tracer: it traces its own package, not the processes that load it. */
function apiOnly(setup: TracingFacts['setup']): boolean {
  return setup?.what === 'trace.getTracer' || setup?.what === 'opentracing.globalTracer';
}

/** A package whose set-up runs in other processes than these: only its own tracer calls remain. */
function notStarted(facts: TracingFacts): TracingFacts {
  const kept: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  if (apiOnly(facts.setup)) kept.setup = facts.setup;
  if (facts.web) kept.web = true;
  if (facts.webInstrumented) kept.webInstrumented = facts.webInstrumented;
  return kept;
}

/** What another package contributes to a process's tracing: its SDK set-up, not its own tracer calls. */
function startedTracing(facts: TracingFacts): TracingFacts {
  if (!apiOnly(facts.setup)) return facts;
  const { setup: _apiOnly, ...rest } = facts;
  return rest;
}

/** The tracing of code that runs with all of these packages: the first setup, every instrumentation. */
function mergeTracing(parts: TracingFacts[]): TracingFacts {
  const merged: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  const hosts = new Map<string, { host: string; clients: Client[] }>();
  for (const part of parts) {
    merged.setup ??= part.setup;
    merged.outgoingOff ??= part.outgoingOff;
    for (const [client, off] of Object.entries(part.pluginsOff ?? {}) as [Client, { what: string; loc: Location }][])
      (merged.pluginsOff ??= {})[client] ??= off;
    for (const [client, release] of Object.entries(part.upgrade ?? {}) as [Client, string][])
      (merged.upgrade ??= {})[client] ??= release;
    merged.legacy ??= part.legacy;
    merged.unreadSetup ??= part.unreadSetup;
    if (part.web) merged.web = true;
    for (const [client, what] of Object.entries(part.instrumented) as [Client, string][])
      merged.instrumented[client] ??= what;
    for (const [client, what] of Object.entries(part.webInstrumented ?? {}) as [Client, string][])
      (merged.webInstrumented ??= {})[client] ??= what;
    for (const ignored of part.ignoredHosts) hosts.set(`${ignored.host}\u0000${ignored.clients.join()}`, ignored);
  }
  merged.ignoredHosts = [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  if (!merged.setup) delete merged.setup;
  // A tracer that reads W3C context runs beside it: what is left untraced is not Sentry 7's to explain.
  if (merged.setup || !merged.legacy) delete merged.legacy;
  if (merged.setup || merged.legacy || !merged.unreadSetup) delete merged.unreadSetup;
  // Another part's instrumentation covers the client: no upgrade to name.
  const upgrades = Object.entries(merged.upgrade ?? {}).filter(([client]) => !merged.instrumented[client as Client]);
  if (upgrades.length > 0) merged.upgrade = Object.fromEntries(upgrades);
  else delete merged.upgrade;
  // Printed only when every set-up that runs prints only.
  const started = parts.filter((part) => part.setup && !apiOnly(part.setup));
  if (started.length > 0 && started.every((part) => part.consoleOnly)) merged.consoleOnly = started[0].consoleOnly;
  return merged;
}

/** Whether a package sets up tracing, and which clients its instrumentation covers. */
function tracingFacts(
  calls: (ts.CallExpression | ts.NewExpression)[],
  files: readonly ts.SourceFile[],
  project: ProjectIndex,
  manifests: ManifestFacts,
): TracingFacts {
  const facts: TracingFacts = { instrumented: {}, ignoredHosts: [] };
  let setupRank = -1;
  // Where spans go: a console exporter, any other exporter, or an SDK that picks its exporter from
  // the environment (OTLP unless told otherwise).
  let consoleExporter: ts.NewExpression | undefined;
  let elsewhere = false;
  const cover = (clients: Client[], what: string): void => {
    for (const c of clients) facts.instrumented[c] ??= what;
  };
  // dd-trace instruments every client it has a plugin for, but those its set-up switches off.
  let ddTrace: ReturnType<typeof ddTraceSetup> | undefined;
  const coverDdTrace = (what: string, at?: ts.Node): void => {
    const release = ddTraceClients(DD_TRACE, manifests.dependencies);
    ddTrace ??= ddTraceSetup(files, release.clients);
    const setupAt = ddTrace.init ?? at;
    facts.setup ??= setupAt ? { what: 'dd-trace', loc: project.location(setupAt) } : { what: 'dd-trace' };
    for (const [client, { what: plugin, call }] of ddTrace.off)
      (facts.pluginsOff ??= {})[client] ??= { what: `dd-trace's ${plugin}`, loc: project.location(call) };
    cover(
      release.clients.filter((client) => !ddTrace!.off.has(client)),
      what,
    );
    for (const [client, since] of Object.entries(release.upgrade) as [Client, string][])
      if (!facts.instrumented[client]) (facts.upgrade ??= {})[client] ??= since;
  };
  // `new NodeSDK({ instrumentations: [new WinstonInstrumentation()] })`, `registerInstrumentations({
  // instrumentations: [] })`: the instrumentations chosen by hand.
  let listed: { names: string[]; at: ts.Node } | undefined;
  for (const call of calls) {
    // `Tracing.init(config)` of opentelemetry-nestjs: a NodeSDK, started by the library.
    const nestjs = ts.isCallExpression(call) ? nestjsTracingStart(call) : undefined;
    const name = nestjs ? 'NodeSDK' : calleeName(skipOuter(call.expression));
    if (!name) continue;
    const openTracing =
      OPENTRACING_SETUPS[name] || name === 'globalTracer' ? openTracingModule(call, project) : undefined;
    if ((OPENTRACING_SETUPS[name] || name === 'globalTracer') && !openTracing) continue;
    // The setup named in messages: an SDK or provider before an instrumentation list before a tracer.
    const rank = SETUP_RANK.indexOf(name === 'globalTracer' ? 'getTracer' : name);
    if (rank >= 0 && (setupRank < 0 || rank < setupRank)) {
      setupRank = rank;
      const loc = project.location(call);
      facts.setup = openTracing
        ? {
            what: name === 'globalTracer' ? 'opentracing.globalTracer' : OPENTRACING_SETUPS[name],
            loc,
            api: 'opentracing',
          }
        : {
            what: nestjs ? nestjsSetup(call as ts.CallExpression) : name === 'getTracer' ? 'trace.getTracer' : name,
            loc,
          };
    }
    if (nestjs === 'auto') cover(AUTO, `${nestjsSetup(call as ts.CallExpression)} (its default instrumentations)`);
    if ((name === 'NodeSDK' && !nestjs) || name === 'registerInstrumentations') listed ??= instrumentationList(call);
    if (name === 'WebTracerProvider') facts.web = true;
    const instrumentation = INSTRUMENTATIONS[name];
    const options = call.arguments?.[0] && skipOuter(call.arguments[0]);
    const optionsLiteral = options && ts.isObjectLiteralExpression(options) ? options : undefined;
    if (ts.isNewExpression(call) && CONSOLE_EXPORTERS.has(name)) consoleExporter ??= call;
    else if (ts.isNewExpression(call) && /(?:Span|Trace)Exporter$/.test(name)) elsewhere = true;
    else if (
      EXPORTS_BY_ENVIRONMENT.has(name) &&
      !(
        optionsLiteral &&
        optionsLiteral.properties.some(
          (p) => p.name !== undefined && EXPORTER_OPTIONS.includes(propertyKey(p.name) ?? ''),
        )
      )
    )
      elsewhere = true;
    // A tracing wrapper (a company's `new Tracing({ autoInstrumentationsConfigMap: {…} })`) handed
    // the auto-instrumentations' config map starts them with it, as `getNodeAutoInstrumentations` would.
    const configMap = !instrumentation && optionsLiteral ? autoInstrumentationsConfig(optionsLiteral) : undefined;
    const autoRank = SETUP_RANK.indexOf('getNodeAutoInstrumentations');
    if (configMap && (setupRank < 0 || autoRank < setupRank)) {
      setupRank = autoRank;
      facts.setup = { what: name, loc: project.location(call) };
    }
    if (name === 'getNodeAutoInstrumentations' || configMap) {
      const autoConfig = configMap ?? optionsLiteral;
      // `{ '@opentelemetry/instrumentation-undici': { enabled: false } }` switches one part off.
      for (const [module, clients] of Object.entries(AUTO_PARTS)) {
        const part = autoConfig && objectProperty(autoConfig, module);
        if (part && module.endsWith('-http') && ignoresAllOutgoing(part))
          facts.outgoingOff ??= { what: `\`${module}\` ${outgoingSwitch(part)}`, loc: project.location(part) };
        if (part && (disabled(part) || (module.endsWith('-http') && ignoresAllOutgoing(part)))) continue;
        cover(clients, INSTRUMENTATIONS.getNodeAutoInstrumentations.what);
        if (part) ignore(facts, ignoredHostsOf(part), clients);
      }
    } else if (instrumentation) {
      if (optionsLiteral && name === 'HttpInstrumentation' && ignoresAllOutgoing(optionsLiteral))
        facts.outgoingOff ??= {
          what: `\`HttpInstrumentation\` ${outgoingSwitch(optionsLiteral)}`,
          loc: project.location(call),
        };
      if (
        optionsLiteral &&
        (disabled(optionsLiteral) || (name === 'HttpInstrumentation' && ignoresAllOutgoing(optionsLiteral)))
      )
        continue;
      const covers = name === 'registerOTel' ? vercelOtelCovers(optionsLiteral) : instrumentation.covers;
      cover(covers, instrumentation.what);
      if (optionsLiteral) ignore(facts, ignoredHostsOf(optionsLiteral), covers);
    }
    // `axios.interceptors.request.use(inject)` on the default instance, wherever it is registered (a
    // shared SDK's set-up): every default-axios call of the process carries the context it injects.
    if (name === 'use' && ts.isCallExpression(call) && injectingAxiosInterceptor(call, project))
      cover(['axios'], 'an axios request interceptor that injects trace context');
    // `new PubSub({ enableOpenTelemetryTracing: true })`, BullMQ `{ telemetry: … }`.
    if (ts.isNewExpression(call) && (name === 'PubSub' || name === 'Queue' || name === 'Worker')) {
      const options = [...(call.arguments ?? [])].map(skipOuter).find(ts.isObjectLiteralExpression);
      const keys = options?.properties.map((p) => (p.name ? propertyKey(p.name) : undefined)) ?? [];
      if (name === 'PubSub' && keys.includes('enableOpenTelemetryTracing'))
        cover(['pubsub'], 'enableOpenTelemetryTracing');
      if (name !== 'PubSub' && keys.includes('telemetry')) cover(['bullmq'], 'BullMQ telemetry');
    }
  }
  for (const file of files) {
    for (const statement of file.statements) {
      const module =
        ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (module === 'dd-trace' || module === 'dd-trace/init') {
        coverDdTrace('dd-trace', statement);
      }
    }
    if (/require\(\s*['"]dd-trace(\/init)?['"]\s*\)/.test(file.text)) {
      coverDdTrace('dd-trace');
    }
    for (const agent of AGENTS) {
      if (!loadsAgent(file, agent.module)) continue;
      cover(agent.covers, agent.what);
      facts.setup ??= { what: agent.what };
    }
  }
  const preloaded = (module: string, from: string): void => {
    const distribution = PRELOADED_DISTRIBUTIONS.find((d) => module.startsWith(d));
    if (distribution) {
      cover(AUTO, `--require ${distribution} (${from})`);
      facts.setup ??= { what: distribution.replace(/^@opentelemetry\//, '') };
    }
    if (/^dd-trace\/init/.test(module)) {
      coverDdTrace(`dd-trace/init (${from})`);
    }
    for (const agent of AGENTS) {
      if (!agent.module.test(module)) continue;
      cover(agent.covers, `--require ${module} (${from})`);
      facts.setup ??= { what: agent.what };
    }
  };
  for (const script of manifests.scripts)
    for (const preload of script.matchAll(PRELOAD)) preloaded(preload[1], 'package.json');
  // A Dockerfile's `NODE_OPTIONS`, an operator or platform that injects the Node auto-instrumentations
  // into the pod: the process is traced before any of its code runs, however the code looks.
  for (const deployed of manifests.deployed) {
    if ('preload' in deployed) preloaded(deployed.preload, deployed.file);
    else {
      cover(AUTO, `${deployed.injected} (${deployed.file})`);
      facts.setup ??= { what: deployed.injected };
    }
  }
  // A list of instrumentations none of which traces a request or a message (only the logger's, to
  // stamp trace ids on log lines): the service traces its own work, not its requests, by that choice.
  // With no instrumentation at all, spans made active by hand (`startActiveSpan`) are a trace that
  // outbound calls continue only if they carry it: those calls are still checked.
  if (
    listed &&
    (listed.names.length > 0 || !files.some((file) => ACTIVATES_SPANS.test(file.text))) &&
    !HTTP_BASED.some((client) => facts.instrumented[client]) &&
    !facts.outgoingOff
  )
    facts.outgoingOff = {
      what:
        listed.names.length === 0
          ? ts.isArrayLiteralExpression(listed.at)
            ? 'its `instrumentations` list is empty: it traces no request or message'
            : 'its NodeSDK is given no `instrumentations` and registers none by default: it traces no request or message'
          : `its \`instrumentations\` list (${listed.names.join(', ')}) traces no request or message`,
      loc: project.location(listed.at),
    };
  // Spans printed and nowhere else: tracing to debug one process, no distributed trace to break.
  if (facts.setup && !facts.setup.api && consoleExporter && !elsewhere)
    facts.consoleOnly = {
      what: calleeName(skipOuter(consoleExporter.expression)) ?? 'ConsoleSpanExporter',
      loc: project.location(consoleExporter),
    };
  if (manifests.dependencies['@opentelemetry/sdk-trace-web'] !== undefined) facts.web = true;
  // Grafana Faro's TracingInstrumentation (or a subclass of it) runs OpenTelemetry's fetch and
  // XMLHttpRequest instrumentations in the page, with trace headers to its own origin.
  if (manifests.dependencies[FARO] !== undefined) {
    facts.web = true;
    facts.webInstrumented = { fetch: FARO, ky: FARO, axios: FARO, superagent: FARO };
  }
  // An application whose own manifest names no SDK but whose code starts one the repository's root
  // installs (an Nx workspace's `apps/api/src/instrument.ts` calling `Sentry.init`).
  const sentry = sentryIn(manifests.dependencies) ?? sentryStartedHere(calls, project, manifests.inheritedDependencies);
  // `Sentry.init({ skipOpenTelemetrySetup: true })` or `({ tracesSampleRate: 0 })` captures errors only.
  if (sentry && !sentryErrorsOnly(files)) {
    cover([...HTTP_BASED, ...FETCH_BASED], sentryCoverage(sentry));
    const range = manifests.dependencies[sentry] ?? manifests.inheritedDependencies()[sentry];
    for (const [client, since] of SENTRY_MESSAGING)
      if (releasedBy(range, since)) cover([client], sentryCoverage(sentry));
      else (facts.upgrade ??= {})[client] ??= `${sentry} ${since}`;
    facts.setup ??= { what: sentry };
  }
  // Sentry 7 samples traces of its own (`Sentry.init({ tracesSampleRate })`): no W3C context leaves them.
  const legacy = SENTRY_NODE_SDKS.find((sdk) => {
    const range = manifests.dependencies[sdk];
    return range !== undefined && !sentryTraces(range);
  });
  if (
    !facts.setup &&
    legacy &&
    calls.some((call) => ts.isCallExpression(call) && sentryInit(call, project) !== undefined) &&
    files.some((file) => SAMPLES_TRACES.test(file.text))
  )
    facts.legacy = { what: `\`${legacy}\` ${manifests.dependencies[legacy]}` };
  if (!facts.setup && !facts.legacy) {
    const unread = calls
      .map((call) => ({ call, module: unreadSetupModule(call, project) }))
      .find(({ module }) => module !== undefined);
    const missing = unread ? undefined : missingTracingModule(calls, files, project);
    if (unread)
      facts.unreadSetup = {
        what: `\`${calleeName(skipOuter(unread.call.expression))}\` of \`${unread.module}\``,
        loc: project.location(unread.call),
      };
    else if (missing) facts.unreadSetup = { what: `\`${missing.text}\``, loc: project.location(missing) };
  }
  facts.ignoredHosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return facts;
}

/**
 * A file that starts an agent by loading it: `import 'newrelic'`, `require('elastic-apm-node/start')`,
 * or `require('elastic-apm-node').start()` (Elastic's agent starts only when told to).
 */
function loadsAgent(file: ts.SourceFile, module: RegExp): boolean {
  for (const statement of file.statements) {
    const specifier =
      ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (specifier && module.test(specifier)) return true;
  }
  const required = [...file.text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  if (required.some((r) => module.test(r))) return true;
  // `apm.start()` on the agent imported as a whole.
  return (
    module.test('elastic-apm-node/start') &&
    /['"]elastic-apm-node['"]/.test(file.text) &&
    /\.start\s*\(/.test(file.text)
  );
}

/** The parts of the auto-instrumentations bundle obslint's clients depend on, by package name. */
/** The property of a wrapper's options holding a config map keyed by instrumentation packages. */
function autoInstrumentationsConfig(options: ts.ObjectLiteralExpression): ts.ObjectLiteralExpression | undefined {
  for (const p of options.properties) {
    const value = ts.isPropertyAssignment(p) ? skipOuter(p.initializer) : undefined;
    if (
      value &&
      ts.isObjectLiteralExpression(value) &&
      value.properties.some((q) => q.name && propertyKey(q.name)?.startsWith('@opentelemetry/instrumentation-'))
    )
      return value;
  }
  return undefined;
}

const AUTO_PARTS: Record<string, Client[]> = {
  '@opentelemetry/instrumentation-http': HTTP_BASED,
  '@opentelemetry/instrumentation-undici': FETCH_BASED,
  '@opentelemetry/instrumentation-kafkajs': ['kafkajs'],
  '@opentelemetry/instrumentation-amqplib': ['amqplib'],
  '@opentelemetry/instrumentation-aws-sdk': ['sqs'],
  '@opentelemetry/instrumentation-grpc': ['grpc'],
};

function ignore(facts: TracingFacts, hosts: string[], clients: Client[]): void {
  for (const host of hosts) facts.ignoredHosts.push({ host, clients });
}

/**
 * What `registerOTel(…)` of `@vercel/otel` instruments itself: its `fetch` instrumentation by
 * default; given an `instrumentations` list, only what the list names (`'fetch'`, `'auto'`); the
 * instrumentation objects in the list (`new HttpInstrumentation()`) count where they are made.
 */
function vercelOtelCovers(options: ts.ObjectLiteralExpression | undefined): Client[] {
  const defaults = INSTRUMENTATIONS.registerOTel.covers;
  const property = options?.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'instrumentations',
  );
  const list = property && skipOuter(property.initializer);
  if (!list || !ts.isArrayLiteralExpression(list)) return defaults;
  const named = list.elements.flatMap((e) => (ts.isStringLiteralLike(e) ? [e.text] : []));
  if (named.includes('auto')) return defaults;
  return named.includes('fetch') ? FETCH_BASED : [];
}

function objectProperty(literal: ts.ObjectLiteralExpression, key: string): ts.ObjectLiteralExpression | undefined {
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop) || propertyKey(prop.name) !== key) continue;
    const value = skipOuter(prop.initializer);
    return ts.isObjectLiteralExpression(value) ? value : undefined;
  }
  return undefined;
}

function disabled(options: ts.ObjectLiteralExpression): boolean {
  return setTo(options, 'enabled', ts.SyntaxKind.FalseKeyword);
}

/** How the options switch outbound tracing off, for messages. */
function outgoingSwitch(options: ts.ObjectLiteralExpression): string {
  return switchesOutgoingOff(options)
    ? 'with `disableOutgoingRequestInstrumentation: true`'
    : 'with an `ignoreOutgoingRequestHook` that ignores every request';
}

/** `{ disableOutgoingRequestInstrumentation: true }`: the HTTP instrumentation does not patch outbound calls. */
function switchesOutgoingOff(options: ts.ObjectLiteralExpression): boolean {
  return setTo(options, 'disableOutgoingRequestInstrumentation', ts.SyntaxKind.TrueKeyword);
}

/**
 * `{ ignoreOutgoingRequestHook: () => true }` or `{ disableOutgoingRequestInstrumentation: true }`:
 * the HTTP instrumentation traces nothing outbound.
 */
function ignoresAllOutgoing(options: ts.ObjectLiteralExpression): boolean {
  if (switchesOutgoingOff(options)) return true;
  const hook = hookOf(options);
  if (
    !hook ||
    !(ts.isArrowFunction(hook) || ts.isFunctionExpression(hook) || ts.isMethodDeclaration(hook)) ||
    !hook.body
  )
    return false;
  const body = hook.body;
  return (
    body.kind === ts.SyntaxKind.TrueKeyword ||
    (ts.isBlock(body) &&
      body.statements.length === 1 &&
      ts.isReturnStatement(body.statements[0]) &&
      body.statements[0].expression?.kind === ts.SyntaxKind.TrueKeyword)
  );
}

/** Hosts named in an ignore hook: calls to them are not traced, by the project's choice. */
function ignoredHostsOf(options: ts.ObjectLiteralExpression): string[] {
  const hook = hookOf(options);
  const hosts: string[] = [];
  if (hook)
    forEachDescendant(hook, (n) => {
      if (ts.isStringLiteralLike(n) && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(n.text)) hosts.push(n.text.toLowerCase());
    });
  return hosts;
}

const IGNORE_HOOKS = new Set(['ignoreOutgoingRequestHook', 'ignoreRequestHook']);

function hookOf(options: ts.ObjectLiteralExpression): ts.Node | undefined {
  for (const prop of options.properties) {
    if (ts.isPropertyAssignment(prop) && IGNORE_HOOKS.has(propertyKey(prop.name) ?? ''))
      return skipOuter(prop.initializer);
    if (ts.isMethodDeclaration(prop) && IGNORE_HOOKS.has(propertyKey(prop.name) ?? '')) return prop;
  }
  return undefined;
}

/**
 * Developer tooling at the top of a package (`scripts/`, `tools/`, `examples/`, `benchmarks/`,
 * `e2e/`; `scripts/` and `bin/` also in `src/`, unless the start script runs them): each file runs
 * as a process of its own, started by hand, which loads none of the service's tracing set-up and
 * has no request trace to pass on. Deeper down such a name is the
 * product's own (`nodes/tools/` of an agent builder).
 */
// `prisma/scripts/`, `db/script/`: one-off data scripts beside the schema, run by hand like the package's own `scripts/`.
const TOOLING_DIRECTORY =
  /^((?:prisma|db|database)\/scripts?|(?:src\/)?(?:scripts?|bin)|tools|examples?|benchmarks?|bench|e2e|__[\w-]+__)\//;

/** A demo or example program beside the code it shows (`src/demo.ts`): run by hand, like tooling. */
const DEMO_FILE = /(?:^|\/)(?:demo|examples?)\.[cm]?[jt]sx?$/;

/** A workspace package of test support (`packages/test-utils`, `testing/`): loaded by test runs, not services. */
const TEST_SUPPORT_PACKAGE = /(?:^|\/)(?:test-?utils?|test-?helpers|test-?kit|testing)$/i;

function isTooling(file: string, packageKey: string, start: string | undefined): boolean {
  const inPackage =
    packageKey === '.' ? file : file.startsWith(`${packageKey}/`) ? file.slice(packageKey.length + 1) : file;
  const tooling = TOOLING_DIRECTORY.exec(inPackage);
  // `"start": "node scripts/bin/server"`: the service itself lives there (its sources beside its build).
  // (`src/bin` is built to `dist/bin`.)
  const directory = tooling?.[1].replace(/^src\//, '');
  const serves =
    directory !== undefined && start !== undefined && new RegExp(`(?:^|[\\s/.'"=])${directory}/`).test(start);
  return (tooling !== null && !serves) || DEMO_FILE.test(inPackage) || TEST_SUPPORT_PACKAGE.test(packageKey);
}

/**
 * `fetch(url, { unix: socketPath })` (Bun), `http.request({ socketPath: '/var/run/docker.sock' })`: a
 * local daemon's API over a Unix socket (Docker, a VMM, containerd), not a service that continues a trace.
 */
function overUnixSocket(call: ts.CallExpression | ts.NewExpression): boolean {
  return (call.arguments ?? []).some((arg) => {
    let options = skipOuter(arg);
    if (ts.isIdentifier(options)) {
      const decl = lookup(options.text, options);
      const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
      if (init) options = skipOuter(init);
    }
    return (
      ts.isObjectLiteralExpression(options) &&
      options.properties.some((p) => p.name !== undefined && UNIX_SOCKET_OPTIONS.has(propertyKey(p.name) ?? ''))
    );
  });
}

const UNIX_SOCKET_OPTIONS = new Set(['socketPath', 'unix']);

function scheduledOnly(call: ts.CallExpression | ts.NewExpression, queues: ScheduledQueues): boolean {
  return ts.isNewExpression(call) ? queues.onlyScheduled(call) : queues.scheduledOnly(call);
}

/** Every outbound call and message consumer in the parsed files, with its propagation evidence. */
export function outboundCalls(
  calls: (ts.CallExpression | ts.NewExpression)[],
  project: ProjectIndex,
  packages: PackageIndex,
  evaluator: StaticEvaluator,
  /** The calls of a function, for a queue's wrapper (`addJob(job, opts)`) called with delays or only from scripts. */
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  /** The files that import a file, parsed or not. */
  importersOf: (fileName: string) => readonly string[],
  /** Told of each outbound call's node (see `UnreachedCodeFinder.recordsIn`). */
  onCall: (call: ts.Node) => void = () => undefined,
): OutboundCall[] {
  const grpc = usesGrpc(project.files.values()) ? new GrpcClients(project, ownPackages(packages)) : undefined;
  const requires = groupBy((project.callsByName.get('require') ?? []).filter(ts.isCallExpression), (call) =>
    call.getSourceFile(),
  );
  const clientNames = new Map<ts.SourceFile, ReadonlySet<string>>();
  const clientNamesOf = (file: ts.SourceFile): ReadonlySet<string> => {
    let names = clientNames.get(file);
    if (!names) clientNames.set(file, (names = httpClientNames(file, requires.get(file) ?? [])));
    return names;
  };
  const clientCalls = calls.flatMap((call): { call: typeof call; client: ClientCall; rpc?: GrpcCall }[] => {
    const file = call.getSourceFile();
    const client = clientCall(call, project, messagingClientsOf(file), clientNamesOf(file));
    if (client) return [{ call, client }];
    const rpc = grpc && ts.isCallExpression(call) ? grpc.callOf(call) : undefined;
    return rpc ? [{ call, client: { client: rpc.client, direction: 'send' }, rpc }] : [];
  });
  const injectedAtBinding = grpc ? servicesBuiltInjecting(grpc, project) : new Map<string, string>();
  // Every `x.add(…)`: a queue's producers include calls whose receiver obslint cannot tie to BullMQ.
  const queues = new ScheduledQueues(calls.filter(ts.isCallExpression));
  // Each send's timer, read once: its queue's feeds and its own evidence both need it.
  const schedules = new Map<ts.Node, string | undefined>();
  const scheduleOf = (call: ts.CallExpression | ts.NewExpression): string | undefined => {
    if (!schedules.has(call)) schedules.set(call, scheduledRun(call));
    return schedules.get(call);
  };
  const scriptPath = (fileName: string): string | undefined => {
    const scope = packages.of(fileName);
    const file = displayPath(project.root, fileName);
    return isTooling(file, scope.key, scope.manifest?.start) ? file : undefined;
  };
  const scripts: ProducerScripts = {
    scriptOf: (node) => scriptPath(node.getSourceFile().fileName),
    callersOf,
    unseenScripts: (file, naming) => {
      const found: string[] = [];
      for (const importer of importersOf(file.fileName)) {
        const parsed = project.files.get(importer);
        if (parsed && (naming === undefined || !parsed.text.includes(naming))) continue;
        const script = scriptPath(importer);
        if (!script) return undefined;
        found.push(script);
      }
      return found.sort(compareStrings);
    },
  };
  const producers = clientCalls.flatMap(({ call, client }) =>
    (client.client === 'bullmq' || client.client === 'bull') && client.direction === 'send' && ts.isCallExpression(call)
      ? [
          {
            call,
            // A repeatable job, or one a timer's run adds (`@Cron`): no request trace reaches the queue from it.
            scheduled: queues.scheduledOnly(call) || scheduleOf(call) !== undefined,
            delay: detachedDelay(call, evaluator, callersOf),
            scripted: scriptedCall(call, scripts),
          },
        ]
      : [],
  );
  // Each producer's delay and scripts, read once: its queue's feeds and its own evidence both need them.
  const producerOf = new Map<ts.Node, (typeof producers)[number]>(producers.map((p) => [p.call, p]));
  const consumers = clientCalls.flatMap(({ call, client }) =>
    (client.client === 'bullmq' || client.client === 'bull') && client.direction === 'receive'
      ? [{ call, handler: client.handler }]
      : [],
  );
  const feeds = new QueueFeeds(producers, consumers, evaluator, project);
  const out: OutboundCall[] = [];
  for (const { call, client: found, rpc } of clientCalls) {
    const file = call.getSourceFile();
    const loc = project.location(call.expression);
    const scope = packages.of(file.fileName);
    if (isTooling(loc.file, scope.key, scope.manifest?.start) || overUnixSocket(call)) continue;
    const outbound: OutboundCall = {
      client: found.client,
      direction: found.direction,
      loc,
      host: rpc ? rpcHost(rpc) : hostOf(call, project),
      package: scope.key,
    };
    if (rpc) outbound.service = rpc.service;
    if (found.client === 'bullmq' || found.client === 'bull') {
      const queue = feeds.queueOfCall(call, found.direction, found.handler);
      if (queue !== undefined) outbound.queue = queue;
    }
    const factory =
      found.client === 'bullmq' && found.direction === 'send' ? madeByFactory(call, 'bullmq', project) : undefined;
    if (factory && factory.getSourceFile() !== file) outbound.madeIn = project.location(factory);
    const transport = rpc && found.client === 'connect' ? connectTransportOf(rpc, project) : undefined;
    if (transport) outbound.madeIn = project.location(transport);
    const bare =
      found.client === 'pubsub' && ts.isCallExpression(call) ? pubsubClientWithoutTracing(call, project) : undefined;
    if (bare)
      outbound.uninstrumented = {
        what: '`enableOpenTelemetryTracing`',
        loc: project.location(bare),
      };
    const url = call.arguments?.[0];
    if (!rpc && found.direction === 'send' && url && readsOnly(call) && isProbe(url, project, 0)) outbound.probe = true;
    if (
      !rpc &&
      found.direction === 'send' &&
      outbound.host === undefined &&
      HTTP_CLIENTS.has(found.client) &&
      deliversWebhook(call)
    )
      outbound.webhook = true;
    // A React Server Components `'use client'` module runs in the browser.
    if (
      hasDirective(file, 'use client') ||
      builtForBrowser(scope.manifest) ||
      runsInBrowser(call, scope) ||
      importedOnlyByBrowserCode(file, importersOf, (name) => project.files.get(name))
    )
      outbound.browser = true;
    const schedule = found.direction === 'send' ? scheduleOf(call) : undefined;
    const bull = found.client === 'bullmq' || found.client === 'bull';
    const producer = bull ? producerOf.get(call) : undefined;
    const delayed = producer?.delay?.text;
    const scripted = producer?.scripted;
    const unfed = bull && found.direction === 'receive' ? feeds.unfed(call, found.handler) : undefined;
    const selfFed =
      bull && found.direction === 'send' && ts.isCallExpression(call) ? feeds.feedsOnlyItself(call) : undefined;
    const evidence =
      bull && (scheduledOnly(call, queues) || unfed?.by === 'schedule')
        ? 'a repeatable job the application schedules itself (no request trace to carry)'
        : unfed?.by === 'itself'
          ? `only its own worker adds jobs to queue \`${unfed.queue}\` (no request trace to restore)`
          : selfFed
            ? `adds to queue \`${selfFed}\` from that queue's own worker, which nothing else feeds (no request trace to carry)`
            : unfed?.by === 'delay'
              ? `every job added to queue \`${unfed.queue}\` is delayed (${unfed.delay}): it runs apart from the request that queued it`
              : unfed?.by === 'script'
                ? `only the project's scripts add jobs to queue \`${unfed.queue}\` (no request trace to restore)`
                : unfed
                  ? `nothing in the project adds jobs to queue \`${unfed.queue}\` (no trace to restore)`
                  : delayed
                    ? `a job delayed ${delayed.startsWith('until') ? delayed : `by ${delayed}`}: it runs apart from the request that queued it`
                    : scripted
                      ? `only scripts run it (\`${scripted}\`): no request trace to carry`
                      : schedule
                        ? `runs on a schedule (${schedule}) and starts no span: no request trace to carry`
                        : found.direction === 'send'
                          ? (injected(call, project, callersOf) ??
                            (rpc &&
                              (clientInjects(rpc, project) ??
                                (rpc.origin ? undefined : injectedAtBinding.get(serviceKey(rpc))))))
                          : extracted(found.handler, project, callersOf);
    if (evidence) outbound.evidence = evidence;
    const relays =
      found.direction === 'send' && RELAYED_CLIENTS.has(found.client) ? outboxRelays(call, scheduleOf, callersOf) : [];
    if (relays.length > 0)
      outbound.outboxRelays = relays.map((r) => ({ schedule: r.schedule, loc: project.location(r.at.expression) }));
    out.push(outbound);
    onCall(call);
  }
  return out;
}

/** The messaging clients an outbox relay publishes with. */
const RELAYED_CLIENTS = new Set<Client>(['kafkajs', 'amqplib', 'sqs', 'pubsub', 'nats', 'bullmq', 'bull']);

/** How many functions deep the callers of a producer are followed to the scripts that call them. */
const SCRIPT_HOPS = 2;

interface ProducerScripts {
  /** The script (a tooling file) a node is in. */
  scriptOf: (node: ts.Node) => string | undefined;
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[];
  /**
   * The files importing this one that obslint did not parse (and, given a name, the parsed ones
   * that name it: their calls of it obslint could not tie to it), when all of them are scripts
   * (calls there are out of its sight); undefined when one is not.
   */
  unseenScripts: (file: ts.SourceFile, naming?: string) => string[] | undefined;
}

/**
 * The script a producer runs from: its file is tooling (`scripts/backfill.ts`), or every call of the
 * function around it is made in tooling (`src/bin/delete-user.ts` calling `queue.addJob(…)`), two
 * functions deep; a function no parsed file calls, when the files importing its module that obslint
 * did not parse are all scripts, is called by them. A script run by hand starts no request trace,
 * so the job carries none.
 */
function scriptedCall(node: ts.Node, scripts: ProducerScripts, hops = 0): string | undefined {
  const script = scripts.scriptOf(node);
  if (script) return script;
  const fn = hops < SCRIPT_HOPS ? enclosingFunction(node) : undefined;
  const unseen = fn && scripts.unseenScripts(fn.getSourceFile());
  if (!fn || !unseen) return undefined;
  const callers = scripts.callersOf(fn);
  // Called nowhere obslint can see: by the scripts that import its module (and name its class or
  // function), when only scripts do.
  if (callers.length === 0) {
    const cls = ts.isMethodDeclaration(fn) ? enclosingClassLike(fn) : undefined;
    const name = cls ? cls.name?.text : functionName(fn);
    return name === undefined ? unseen[0] : scripts.unseenScripts(fn.getSourceFile(), name)?.[0];
  }
  let first: string | undefined;
  for (const caller of callers) {
    const callerScript = scriptedCall(caller, scripts, hops + 1);
    if (!callerScript) return undefined;
    first ??= callerScript;
  }
  return first;
}

/**
 * The host of a literal absolute URL the call sends to: among the arguments
 * (`https://api.stripe.com/v1/…`, `{ hostname: 'api.github.com' }`), the one its URL starts with,
 * followed through constants, imports, readonly fields and URL objects (`fetch(IMDS_URI)`,
 * `` fetch(`${this.apiUrl}?page=${page}`) ``, `fetch(url.toString())` of `new URL(path, 'https://api.vercel.com')`),
 * or the base URL of the instance called (`axios.create({ baseURL })`, `got.extend({ prefixUrl })`).
 */
function hostOf(call: ts.CallExpression | ts.NewExpression, project: ProjectIndex): string | undefined {
  let host: string | undefined;
  for (const arg of call.arguments ?? []) {
    forEachDescendant(arg, (n) => {
      if (host) return false;
      host = literalHost(n);
      if (!host && ts.isPropertyAssignment(n) && ['host', 'hostname'].includes(propertyKey(n.name) ?? '')) {
        const value = skipOuter(n.initializer);
        if (ts.isStringLiteralLike(value) && /^[a-z0-9.-]+(:\d+)?$/i.test(value.text))
          host = value.text.replace(/:\d+$/, '').toLowerCase();
      }
    });
  }
  const first = call.arguments?.[0];
  return host ?? hostIn(first && urlStart(first, project, 0)) ?? instanceHost(call);
}

/** The literal text a URL expression starts with, where constants say it. */
function urlStart(expr: ts.Expression, project: ProjectIndex, depth: number): string | undefined {
  if (depth > 6) return undefined;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e))
    return e.head.text !== '' ? e.head.text : urlStart(e.templateSpans[0].expression, project, depth + 1);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return urlStart(e.left, project, depth + 1);
  // `new URL(path, base)`: the path where it is absolute, else the base.
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL') {
    const [path, base] = e.arguments ?? [];
    const start = path && urlStart(path, project, depth + 1);
    return start !== undefined && hostIn(start) !== undefined ? start : base && urlStart(base, project, depth + 1);
  }
  // `url.toString()`, `url.href` of a URL built from constants.
  if (
    ts.isCallExpression(e) &&
    propertyName(e.expression) === 'toString' &&
    ts.isPropertyAccessExpression(e.expression)
  )
    return urlStart(e.expression.expression, project, depth + 1);
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'href') return urlStart(e.expression, project, depth + 1);
  if (ts.isIdentifier(e)) {
    const decl = project.declarationOf(e);
    return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
      ? urlStart(decl.node.initializer, project, depth + 1)
      : undefined;
  }
  // `this.SO_API_URL`: a field the class initializes with a constant and never assigns again.
  if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClassLike(e);
    const field = cls?.members.find(
      (m): m is ts.PropertyDeclaration =>
        ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.name.text,
    );
    const readonly = field?.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
    if (field?.initializer) return readonly ? urlStart(field.initializer, project, depth + 1) : undefined;
    // `this.endpoint = \`https://builder.io/api/v1/write/${model}\`` in the constructor: the host
    // every assignment gives the field.
    const starts: (string | undefined)[] = [];
    if (cls)
      forEachThisAssignment(cls, e.name.text, (value) => {
        starts.push(urlStart(value, project, depth + 1));
      });
    return sameHost(starts);
  }
  // `cond ? 'https://sandbox.example.com/' : 'https://api.example.com/'`.
  if (ts.isConditionalExpression(e))
    return sameHost([urlStart(e.whenTrue, project, depth + 1), urlStart(e.whenFalse, project, depth + 1)], true);
  // `new URL('transactions', this.getBaseUrl())`: what the project function returns.
  if (ts.isCallExpression(e)) {
    const fn = calledFunction(e.expression, project);
    return fn
      ? sameHost(
          returnedValues(fn).map((r) => urlStart(r, project, depth + 1)),
          true,
        )
      : undefined;
  }
  return undefined;
}

/**
 * The URL start of several values where each is an absolute URL: with one host, or (`anyHost`, a
 * choice between environments such as a sandbox and production) whatever hosts they name.
 */
function sameHost(starts: readonly (string | undefined)[], anyHost = false): string | undefined {
  const hosts = new Set(starts.map(hostIn));
  if (starts.length === 0 || hosts.has(undefined) || (!anyHost && hosts.size > 1)) return undefined;
  return starts[0];
}

/** The last path segment of a health or readiness endpoint: `/health`, `/healthz`, `/readyz`, `/ping`. */
const PROBE_PATH =
  /\/(?:health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|ping)\/?(?:[?#].*)?$/i;
/** A variable or property named for a probe's URL: `readinessUrl`, `HEALTH_CHECK_URL`, `healthEndpoint`. */
const PROBE_NAME = /^(?:health|readiness|liveness)[\w$]*?(?:url|uri|endpoint|path)$/i;

/** HTTP methods that change something: a `POST …/ready` reports readiness, it does not probe it. */
const WRITING_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Whether a request only reads: no writing method named by the call (`axios.post`) or its options (`method: 'POST'`). */
function readsOnly(call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = propertyName(call.expression);
  if (callee !== undefined && WRITING_METHODS.has(callee.toLowerCase())) return false;
  return !(call.arguments ?? []).some(
    (arg) =>
      ts.isObjectLiteralExpression(arg) &&
      arg.properties.some((p) => {
        if (!ts.isPropertyAssignment(p) || propertyKey(p.name) !== 'method') return false;
        const value = skipOuter(p.initializer);
        return !ts.isStringLiteralLike(value) || WRITING_METHODS.has(value.text.toLowerCase());
      }),
  );
}

/**
 * Whether a URL expression is a health or readiness probe's: the literal text it ends with
 * (`` `${baseUrl}/health` ``, `base + '/readyz'`), or the name of the variable or property that
 * holds it (`cfg.readinessUrl`), followed through `const`s.
 */
function isProbe(expr: ts.Expression, project: ProjectIndex, depth: number): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return PROBE_PATH.test(e.text);
  if (ts.isTemplateExpression(e)) {
    const tail = e.templateSpans[e.templateSpans.length - 1].literal.text;
    return tail === ''
      ? isProbe(e.templateSpans[e.templateSpans.length - 1].expression, project, depth + 1)
      : PROBE_PATH.test(tail);
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return isProbe(e.right, project, depth + 1);
  if (ts.isPropertyAccessExpression(e)) return PROBE_NAME.test(e.name.text);
  if (!ts.isIdentifier(e)) return false;
  if (PROBE_NAME.test(e.text)) return true;
  const decl = project.declarationOf(e);
  return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer !== undefined
    ? isProbe(decl.node.initializer, project, depth + 1)
    : false;
}

function literalHost(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  return hostIn(ts.isStringLiteralLike(node) ? node.text : ts.isTemplateExpression(node) ? node.head.text : undefined);
}

/** The host an absolute URL's text starts with. */
function hostIn(text: string | undefined): string | undefined {
  const match = text && /^https?:\/\/([^/:?#$]+)/i.exec(text);
  return match ? match[1].toLowerCase() : undefined;
}

const BASE_URL_OPTIONS = new Set(['baseURL', 'baseUrl', 'prefixUrl', 'prefixURL']);

/** `const github = axios.create({ baseURL: 'https://api.github.com' }); github.get(…)` (or a class field so made). */
function instanceHost(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = skipOuter(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  // `const github = axios.create(…)`, or a class's `private axiosInstance = axios.create(…)`.
  const init = receiver && (ts.isIdentifier(receiver) ? constInitializer(receiver) : fieldInitializer(receiver));
  if (!init || !ts.isCallExpression(init) || !['create', 'extend'].includes(propertyName(init.expression) ?? ''))
    return undefined;
  const options = init.arguments[0] && skipOuter(init.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const prop of options.properties)
    if (ts.isPropertyAssignment(prop) && BASE_URL_OPTIONS.has(propertyKey(prop.name) ?? ''))
      return literalHost(skipOuter(prop.initializer));
  return undefined;
}

/**
 * Trace context reaching an outbound call: a `traceparent` key in what it sends, a carrier that
 * `propagation.inject` filled in the same function, a helper (or axios interceptor) that injects.
 */
function injected(
  call: ts.CallExpression | ts.NewExpression,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): string | undefined {
  const args = [...(call.arguments ?? [])];
  if (args.some((a) => mentionsTraceparent(a))) return 'traceparent header';
  const carriers = injectedCarriers(outerFunction(call) ?? call.getSourceFile());
  if (args.some((a) => mentionsAny(a, carriers))) return 'propagation.inject';
  if (args.some((a) => callsInjectingHelper(a, project))) return 'propagation.inject (helper)';
  const field = carrierField(args, project);
  if (field) return `a trace carrier in the message (\`${field}\`)`;
  if (injectedByCallers(call, args, project, callersOf)) return 'propagation.inject (by the callers)';
  const receiver = ts.isPropertyAccessExpression(skipOuter(call.expression))
    ? skipOuter((skipOuter(call.expression) as ts.PropertyAccessExpression).expression)
    : undefined;
  if (receiver && interceptorInjects(receiver)) return 'axios interceptor';
  return undefined;
}

/**
 * A NodeSDK's or `registerInstrumentations`' `instrumentations` written as a list of instrumentations
 * of the process's own work only, or as an empty one (every other commented out), or a NodeSDK's
 * options without one (it registers none by default): their names, and where the list is.
 */
function instrumentationList(call: ts.CallExpression | ts.NewExpression): { names: string[]; at: ts.Node } | undefined {
  const options = call.arguments?.[0] && skipOuter(call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  const property = options.properties.find((p) => p.name !== undefined && propertyKey(p.name) === 'instrumentations');
  if (!property)
    return options.properties.some(ts.isSpreadAssignment) || calleeName(skipOuter(call.expression)) !== 'NodeSDK'
      ? undefined
      : { names: [], at: options };
  const list = ts.isPropertyAssignment(property) ? skipOuter(property.initializer) : undefined;
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const names = list.elements.map((e) => {
    const made = skipOuter(e);
    return ts.isNewExpression(made) ? calleeName(skipOuter(made.expression)) : undefined;
  });
  return names.every((name) => name !== undefined && LOCAL_INSTRUMENTATIONS.has(name))
    ? { names: names as string[], at: list }
    : undefined;
}

/** A span made the active context, which calls made inside it would carry: `startActiveSpan`, `context.with`. */
const ACTIVATES_SPANS = /\.startActiveSpan\s*[<(]|\bcontext\.with\s*\(|\bwithActiveSpan\s*\(|\bwithSpan\s*\(/;

/** Instrumentations of the process's own work (log lines, the runtime, files, lookups): no request or message. */
const LOCAL_INSTRUMENTATIONS = new Set([
  'WinstonInstrumentation',
  'PinoInstrumentation',
  'BunyanInstrumentation',
  'RuntimeNodeInstrumentation',
  'FsInstrumentation',
  'DnsInstrumentation',
]);

/**
 * `_enqueue(message) { topic.publishMessage({ json: message }) }` where every call of `_enqueue`
 * passes a message holding a carrier its function filled (`this._enqueue({ ...message, traceContext:
 * carrier })` after `propagation.inject(context.active(), carrier)`): the callers inject it.
 */
function injectedByCallers(
  call: ts.CallExpression | ts.NewExpression,
  args: readonly ts.Expression[],
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): boolean {
  const fn = enclosingFunction(call);
  const name = fn && functionName(fn);
  if (!fn || !name) return false;
  const sent = fn.parameters.flatMap((p, i) =>
    ts.isIdentifier(p.name) && args.some((a) => isOrMentions(a, new Set([(p.name as ts.Identifier).text]))) ? [i] : [],
  );
  if (sent.length === 0) return false;
  // A call with fewer arguments than the method requires calls another method of that name
  // (`queue.send(message)` on the wrapper, not the client's `send(message, headers)`), in TypeScript.
  const required = /\.[cm]?tsx?$/.test(fn.getSourceFile().fileName)
    ? fn.parameters.filter((p) => !p.questionToken && !p.initializer && !p.dotDotDotToken).length
    : 0;
  const callers = callsOfFunction(fn, name, project, callersOf).filter((c) => (c.arguments?.length ?? 0) >= required);
  return (
    callers.length > 0 &&
    callers.every((caller) => {
      const carriers = injectedCarriers(outerFunction(caller) ?? caller.getSourceFile());
      return sent.some((i) => caller.arguments?.[i] !== undefined && isOrMentions(caller.arguments[i], carriers));
    })
  );
}

/** Whether an expression is, or mentions, one of the names. */
function isOrMentions(node: ts.Expression, of: Set<string>): boolean {
  const e = skipOuter(node);
  return (ts.isIdentifier(e) && of.has(e.text)) || mentionsAny(e, of);
}

/**
 * The function a call's carrier is filled in: the outermost of the functions around it (a callback
 * passed to `new Promise` sends what its enclosing function filled), a few levels up.
 */
function outerFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  let outer = enclosingFunction(node);
  for (let hops = 0, fn = outer && enclosingFunction(outer); fn && hops < 3; fn = enclosingFunction(fn), hops++)
    outer = fn;
  return outer;
}

/**
 * A consumer's handler that extracts the context from the message it receives: itself, through
 * helpers (`startChildSpan(job.data.otel_carrier)` → `extractSpan` → `propagation.extract`), or, for
 * a factory's parameter (`createWorker(name, processor)`), in the handlers the factory's callers pass.
 */
function extracted(
  handler: ts.Node | undefined,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  seen = new Set<ts.Node>(),
): string | undefined {
  if (!handler || seen.has(handler) || seen.size > 8) return undefined;
  seen.add(handler);
  let fn: ts.Node | undefined = ts.isExpression(handler) ? skipOuter(handler) : handler;
  if (ts.isIdentifier(fn)) {
    // The factory's callers restore the context in their handlers (the ones that do not are cron and
    // maintenance jobs): the fix, where one is missing, is in that handler, not in the factory.
    const passed = handlersPassedFor(fn, project, callersOf);
    if (passed)
      return passed.some((h) => extracted(h, project, callersOf, seen))
        ? 'propagation.extract (in the handlers passed)'
        : undefined;
    fn = calledFunction(fn, project);
  }
  return (
    fn &&
    (extractsIn(fn, project, new Set()) ??
      dispatchedByLookup(fn, project) ??
      callsPassedHandler(fn, project, callersOf, seen))
  );
}

/**
 * `eachMessage: async ({ message }) => { await callback(message) }` where `callback` is the
 * parameter of the `subscribe(callback)` around it: the handlers `subscribe`'s callers pass (a traced
 * wrapper's `instrumentedCallback`, which extracts the context and runs the callback in it).
 */
function callsPassedHandler(
  fn: ts.Node,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  seen: Set<ts.Node>,
): string | undefined {
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || !ts.isIdentifier(skipOuter(n.expression))) return;
    const passed = handlersPassedFor(skipOuter(n.expression) as ts.Identifier, project, callersOf);
    if (passed?.some((h) => extracted(h, project, callersOf, seen)))
      found = 'propagation.extract (in the handlers passed)';
  });
  return found;
}

/**
 * A handler that hands each message to a function it looks up at run time (`jobFn =
 * registry.get(job.name); await jobFn(args, context)`, `handlers[job.type](job.data)`): read where
 * the lookup is a constant map of the project's functions (`{ created: onCreated }`), else beyond
 * reading, so no claim is made about the consumer.
 */
function dispatchedByLookup(fn: ts.Node, project: ProjectIndex): string | undefined {
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || calledFunction(n.expression, project)) return;
    const callee = skipOuter(n.expression);
    let lookups = [callee];
    if (ts.isIdentifier(callee)) {
      const decl = lookup(callee.text, callee);
      if (decl?.kind !== 'variable' || decl.path.length !== 0) return;
      lookups = [
        ...(decl.node.initializer ? [decl.node.initializer] : []),
        ...assignmentsIn(fn, callee.text, decl.node).map((a) => a.right),
      ];
    }
    for (const at of lookups.map(skipOuter).filter(isRunTimeLookup)) {
      const held = ts.isElementAccessExpression(at) ? constantHandlers(at.expression, project) : undefined;
      if (!held)
        found = `hands each message to a function looked up at run time (\`${at.getText()}\`), beyond obslint's reading`;
      else if (held.some((h) => extractsIn(h, project, new Set())))
        found = 'propagation.extract (in the handlers a map holds)';
      if (found) return;
    }
  });
  return found;
}

/** `handlers[job.type]`, `registry.get(job.name)`: a value chosen by a key known only at run time. */
function isRunTimeLookup(e: ts.Expression): e is ts.ElementAccessExpression | ts.CallExpression {
  if (ts.isElementAccessExpression(e)) return !ts.isStringLiteralLike(skipOuter(e.argumentExpression));
  return (
    ts.isCallExpression(e) &&
    propertyName(skipOuter(e.expression)) === 'get' &&
    e.arguments.length === 1 &&
    !ts.isStringLiteralLike(skipOuter(e.arguments[0]))
  );
}

/** `this.providerMap` of a class that declares `private providerMap = { … }`: the field's initializer. */
function fieldInitializer(e: ts.Expression): ts.Expression | undefined {
  const init = ts.isPropertyAccessExpression(e)
    ? fieldHolders(e).find(ts.isPropertyDeclaration)?.initializer
    : undefined;
  return init && skipOuter(init);
}

/**
 * `const handlers = { created: onCreated, deleted: (job) => … }` (or a class field so initialized):
 * the functions a constant map of handlers holds, when each is one the project declares; else undefined.
 */
function constantHandlers(map: ts.Expression, project: ProjectIndex): ts.SignatureDeclaration[] | undefined {
  const holder = skipOuter(map);
  const init = ts.isIdentifier(holder) ? constInitializer(holder) : fieldInitializer(holder);
  if (!init || !ts.isObjectLiteralExpression(init)) return undefined;
  const fns: ts.SignatureDeclaration[] = [];
  for (const property of init.properties) {
    if (ts.isMethodDeclaration(property)) {
      fns.push(property);
      continue;
    }
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : undefined;
    const held = value && calledFunction(value, project);
    if (!held) return undefined;
    fns.push(held);
  }
  return fns;
}

/** Whether code extracts trace context, itself or through the project's helpers (a few calls deep). */
function extractsIn(fn: ts.Node, project: ProjectIndex, seen: Set<ts.Node>): string | undefined {
  seen.add(fn);
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n)) return;
    if (propertyName(skipOuter(n.expression)) === 'extract' && /propagation/.test(n.expression.getText())) {
      found = seen.size === 1 ? 'propagation.extract' : 'propagation.extract (helper)';
      return;
    }
    if (continuesSentryTrace(n, project)) {
      found = seen.size === 1 ? 'Sentry.continueTrace' : 'Sentry.continueTrace (helper)';
      return;
    }
    const helper = calledFunction(n.expression, project);
    if (helper && !seen.has(helper) && seen.size < 4 && extractsIn(helper, project, seen))
      found = 'propagation.extract (helper)';
  });
  return found;
}

/**
 * `new Worker(name, processor)` where `processor` is a parameter of the function around it: the
 * handlers that function's callers pass. Undefined when the handler is no such parameter.
 */
function handlersPassedFor(
  id: ts.Identifier,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): ts.Expression[] | undefined {
  const decl = lookup(id.text, id);
  if (decl?.kind !== 'parameter' || decl.path.length !== 0) return undefined;
  const name = functionName(decl.fn);
  if (!name) return undefined;
  return callsOfFunction(decl.fn, name, project, callersOf).flatMap((call) => call.arguments?.[decl.index] ?? []);
}

/**
 * A function's calls: by name and import, else through the call graph (a method called through a
 * field declared as the project's interface, `this.inner.send(message, headers)`).
 */
function callsOfFunction(
  fn: ts.SignatureDeclaration,
  name: string,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): readonly Caller[] {
  const named = callsTo(fn, name, project);
  return named.length > 0 ? named : callersOf(fn);
}

/** W3C's header, Jaeger's (what jaeger-client injects unless told to use W3C) and Sentry's (what `Sentry.continueTrace` reads). */
const TRACE_HEADERS = new Set(['traceparent', 'uber-trace-id', 'sentry-trace']);

function mentionsTraceparent(node: ts.Node): boolean {
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if ((ts.isStringLiteralLike(n) || ts.isIdentifier(n)) && TRACE_HEADERS.has(n.text.toLowerCase())) found = true;
    else if (ts.isCallExpression(n) && isSentryTraceData(n)) found = true;
  });
  return found;
}

/** `Sentry.getTraceData()`: the active trace's `sentry-trace` and `baggage` (and `traceparent`), to send by hand. */
function isSentryTraceData(call: ts.CallExpression): boolean {
  return calleeName(skipOuter(call.expression)) === 'getTraceData';
}

/** `Sentry.continueTrace({ sentryTrace, baggage }, callback)`: a consumer restoring what a producer sent. */
function continuesSentryTrace(call: ts.CallExpression, project: ProjectIndex): boolean {
  if (calleeName(skipOuter(call.expression)) !== 'continueTrace') return false;
  return calleeModule(call, project)?.startsWith('@sentry/') === true;
}

function mentionsAny(node: ts.Node, names: Set<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if (ts.isIdentifier(n) && names.has(n.text)) found = true;
  });
  return found;
}

/** Names of the carriers `propagation.inject(ctx, carrier)` fills in this scope. */
function injectedCarriers(scope: ts.Node): Set<string> {
  const names = new Set<string>();
  forEachDescendant(scope, (n) => {
    // `const trace = Sentry.getTraceData()`: the carrier filled by Sentry.
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const init = skipOuter(n.initializer);
      if (ts.isCallExpression(init) && isSentryTraceData(init)) names.add(n.name.text);
    } else if (
      ts.isCallExpression(n) &&
      propertyName(skipOuter(n.expression)) === 'inject' &&
      /propagation/.test(n.expression.getText())
    )
      addCarrier(names, n.arguments[1]);
    // OpenTracing: `tracer.inject(span.context(), FORMAT_HTTP_HEADERS, carrier)`.
    else if (
      ts.isCallExpression(n) &&
      propertyName(skipOuter(n.expression)) === 'inject' &&
      n.arguments.length >= 3 &&
      OPENTRACING_FORMAT.test(n.arguments[1].getText())
    )
      addCarrier(names, n.arguments[2]);
  });
  // `headers.traceparent = traceparent`, `headers['traceparent'] = …`: the header set by hand.
  forEachDescendant(scope, (n) => {
    if (!ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const left = skipOuter(n.left);
    const key = ts.isPropertyAccessExpression(left)
      ? left.name.text
      : ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)
        ? left.argumentExpression.text
        : undefined;
    const target = key && TRACE_HEADERS.has(key.toLowerCase()) && skipOuter((left as ts.AccessExpression).expression);
    if (target && ts.isIdentifier(target)) names.add(target.text);
  });
  // Metadata or headers the context is copied into: `metadata.set('traceparent', …)`,
  // `metadata.set(k, carrier[k])`, `hdrs.set(k, v)` in a loop over `Object.entries(carrier)`.
  forEachDescendant(scope, (n) => {
    if (!ts.isCallExpression(n) || !['set', 'add', 'append'].includes(propertyName(skipOuter(n.expression)) ?? ''))
      return;
    const target = skipOuter((skipOuter(n.expression) as ts.PropertyAccessExpression).expression);
    if (!ts.isIdentifier(target) || names.has(target.text)) return;
    if (n.arguments.some((a) => mentionsTraceparent(a) || mentionsAny(a, names)) || inLoopOver(n, names))
      names.add(target.text);
  });
  return names;
}

/** Whether a node is inside a `for … of` over one of the carriers (`Object.entries(carrier)`). */
function inLoopOver(node: ts.Node, carriers: Set<string>): boolean {
  for (let at = node.parent; at && !ts.isFunctionLike(at); at = at.parent)
    if (ts.isForOfStatement(at) || ts.isForInStatement(at)) return mentionsAny(at.expression, carriers);
  return false;
}

function addCarrier(names: Set<string>, arg: ts.Expression | undefined): void {
  const carrier = arg && skipOuter(arg);
  if (carrier && ts.isIdentifier(carrier)) names.add(carrier.text);
  if (carrier && ts.isPropertyAccessExpression(carrier)) names.add(carrier.name.text);
}

function callsInjectingHelper(node: ts.Node, project: ProjectIndex): boolean {
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if (ts.isCallExpression(n)) {
      const helper = calledFunction(n.expression, project);
      if (helper && INJECTS.test(helper.getText())) found = true;
    }
  });
  return found;
}

/**
 * Code that puts trace context into what it sends: OpenTelemetry's `propagation.inject`, an
 * OpenTracing `tracer.inject(span, FORMAT_HTTP_HEADERS | FORMAT_TEXT_MAP, carrier)`, a
 * `traceparent`, Jaeger `uber-trace-id` or `sentry-trace` key, Sentry's `getTraceData()`,
 * nice-grpc's OpenTelemetry client middleware.
 */
const INJECTS =
  /propagation\s*\.\s*inject\s*\(|traceparent|uber-trace-id|sentry-trace|getTraceData\s*\(|\.inject\s*\([^;]*FORMAT_(?:HTTP_HEADERS|TEXT_MAP)|openTelemetryClientMiddleware/i;
const OPENTRACING_FORMAT = /FORMAT_(?:HTTP_HEADERS|TEXT_MAP)$|^['"](?:http_headers|text_map)['"]$/;

/**
 * A gRPC client built with an interceptor or middleware that injects (`interceptors: [tracing]`,
 * `createClientFactory().use(openTelemetryClientMiddleware())`): every call on it carries the context.
 */
function clientInjects(rpc: GrpcCall, project: ProjectIndex): string | undefined {
  if (!rpc.origin) return undefined;
  let found: string | undefined;
  forEachDescendant(rpc.origin, (n) => {
    if (found) return false;
    if (!ts.isIdentifier(n)) return;
    if (n.text === 'openTelemetryClientMiddleware') found = 'nice-grpc-opentelemetry middleware';
    else if (ts.isCallExpression(n.parent) && n.parent.expression === n) {
      const helper = calledFunction(n, project);
      if (helper && INJECTS.test(helper.getText())) found = 'client interceptor';
    } else {
      let decl = lookup(n.text, n);
      if (decl?.kind === 'import') decl = project.followImport(decl);
      const value =
        decl?.kind === 'function' ? decl.node : decl?.kind === 'variable' ? decl.node.initializer : undefined;
      if (value && INJECTS.test(value.getText())) found = 'client interceptor';
    }
  });
  return found;
}

const serviceKey = (rpc: GrpcCall): string => `${rpc.client}:${rpc.service}`;

/**
 * Services whose every client the project builds carries the context (an injecting interceptor or
 * middleware at each `new`, `createClient` or factory): a client known only by its type (injected
 * into a constructor) is one of those. A service also built without one may be that one.
 */
function servicesBuiltInjecting(grpc: GrpcClients, project: ProjectIndex): Map<string, string> {
  const verdicts = new Map<string, string | undefined>();
  for (const built of grpc.constructions()) {
    const key = serviceKey(built);
    const how = clientInjects(built, project);
    const where =
      how &&
      `${how} where it is built (${project.location(built.origin!).file}:${project.location(built.origin!).line})`;
    verdicts.set(key, verdicts.has(key) && verdicts.get(key) === undefined ? undefined : where);
  }
  const out = new Map<string, string>();
  for (const [key, how] of verdicts) if (how) out.set(key, how);
  return out;
}

/** The address of a client built with a literal one (`new InventoryClient('inventory:50051', creds)`). */
function rpcHost(rpc: GrpcCall): string | undefined {
  const args =
    rpc.origin && (ts.isCallExpression(rpc.origin) || ts.isNewExpression(rpc.origin))
      ? rpc.origin.arguments
      : undefined;
  let host: string | undefined;
  for (const arg of args ?? [])
    forEachDescendant(arg, (n) => {
      if (host) return false;
      if (!ts.isStringLiteralLike(n)) return;
      const match = /^(?:dns:\/{0,3}|https?:\/\/)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::\d+)?\/?$/i.exec(n.text);
      if (match && (/:\d+\/?$/.test(n.text) || /^(?:dns|https?):/.test(n.text))) host = match[1].toLowerCase();
    });
  return host;
}

/** Whether a bare specifier is a package of the organisation: a workspace package, or one in its npm scope. */
function ownPackages(packages: PackageIndex): (specifier: string) => boolean {
  const names: string[] = [];
  const scopes = new Set<string>();
  for (const scope of packages.all()) {
    const name = scope.manifest?.name;
    if (!name || name.startsWith('(unnamed:')) continue;
    names.push(name);
    if (name.startsWith('@')) scopes.add(name.split('/')[0]);
  }
  return (specifier) =>
    names.some((n) => specifier === n || specifier.startsWith(`${n}/`)) ||
    (specifier.startsWith('@') && scopes.has(specifier.split('/')[0]));
}

/** `client.interceptors.request.use((config) => { propagation.inject(…, config.headers) … })` anywhere in the file. */
/** `axios.interceptors.request.use(fn)` on the default axios whose interceptor injects trace context (itself or through a helper). */
function injectingAxiosInterceptor(call: ts.CallExpression, project: ProjectIndex): boolean {
  const callee = skipOuter(call.expression);
  if (!/^axios\s*\.\s*interceptors\s*\.\s*request\s*\.\s*use$/.test(callee.getText())) return false;
  const axios = lookup('axios', callee);
  if (axios?.kind !== 'import' || axios.module !== 'axios') return false;
  return call.arguments.some((a) => INJECTS.test(a.getText()) || callsInjectingHelper(a, project));
}

function interceptorInjects(receiver: ts.Expression): boolean {
  const name = ts.isIdentifier(receiver) ? receiver.text : propertyName(receiver);
  if (!name) return false;
  const decl = ts.isIdentifier(receiver) ? lookup(name, receiver) : undefined;
  let found = false;
  forEachDescendant(receiver.getSourceFile(), (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || propertyName(n.expression) !== 'use') return;
    const text = n.expression.getText();
    if (!new RegExp(`\\b${name}\\s*\\.\\s*interceptors\\s*\\.\\s*request\\s*\\.\\s*use$`).test(text)) return;
    const base = n.expression.getText().split('.')[0].trim();
    if (decl && base === name && lookup(name, n) !== decl && lookup(name, n)?.kind !== decl.kind) return;
    if (INJECTS.test(n.getText())) found = true;
  });
  return found;
}
