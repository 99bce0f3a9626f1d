import { dirname } from 'node:path';
import { ts } from 'ts-morph';
import type {
  Catalog,
  Directive,
  LabelCall,
  Location,
  MetricDef,
  Notice,
  RouteFact,
  SpanFact,
  WrapperSpec,
} from '../types.js';
import { compareLocations, displayPath } from '../util/paths.js';
import { parseDirectives } from './syntax/directives.js';
import { LabelUseCollector } from './facts/label-uses.js';
import { OTEL } from './libraries/opentelemetry.js';
import { NEST_PROMETHEUS } from './libraries/prom-client.js';
import { MetricDefinitions } from './facts/metric-definitions.js';
import { MetricResolver } from './facts/metric-resolver.js';
import { trailLoss } from './facts/metric-reach.js';
import { markDuplicateRegistrations } from './facts/registrations.js';
import { CallGraph } from './flow/call-graph.js';
import { ValueFlow } from './flow/value-flow.js';
import { canonicalModule, WrapperIndex } from './libraries/wrappers.js';
import { METRICS_LIBRARY_IMPORT } from './libraries/injected-statsd.js';
import type { ModuleResolver, WorkspacePackage } from './syntax/module-resolver.js';
import { ProjectIndex } from './syntax/project-index.js';
import { ProvenanceAnalyzer } from './flow/provenance.js';
import { isRouteCall, nestRoutes, routeOf } from './facts/routes.js';
import { propertyKey } from './syntax/scope.js';
import { outboundCalls, tracingByPackage } from './facts/propagation.js';
import { isSpanCall, spanFact } from './facts/spans.js';
import { unreadHelpers } from './facts/unread-helpers.js';
import { PackageIndex } from './facts/workspace-packages.js';
import { viewsIn } from './facts/views.js';
import { parseSource } from './syntax/parse.js';
import { StaticEvaluator } from './flow/static-eval.js';
import { TypeOracle } from './flow/type-oracle.js';
import { forEachDescendant } from './syntax/walk.js';
import { PhaseTimer } from '../util/phase-timer.js';

/** Metric words: libraries, metric classes and holders, label-setting calls. `.set(` alone is not one (every Map has it). */
const METRIC_WORDS =
  /prom-client|nestjs-prometheus|@opentelemetry|startSpan|startActiveSpan|[tT]racer\b|[mM]etric|[mM]eter\b|\.labels\s*\(|\.(inc|dec|observe|startTimer)\s*\(|\b(Counter|Gauge|Histogram|Summary)\b/;
/** Outbound clients, messaging, tracing setup and propagation: what missing-trace-propagation reads. */
const TRACE_WORDS =
  /\bfetch\s*\(|axios|\bgot\b|undici|node-fetch|\bky\b|superagent|https?\.(request|get)\s*\(|kafkajs|amqplib|client-sqs|@google-cloud\/pubsub|bullmq|['"]nats['"]|pg-boss|dd-trace|@sentry\/node|@vercel\/otel|propagation|traceparent|Instrumentation\b|NodeSDK|grpc|_pb['"]|\.pb['"]|@connectrpc|@bufbuild\/connect|jaeger-client|opentracing|newrelic|elastic-apm-node/;
/** Route registrations, which bound route-template labels. */
const ROUTE_WORDS = /\.(get|post|put|patch|delete|all|route)\s*\(\s*(['"`]\/|[A-Z][A-Z0-9_]*\.|\{)|@Controller\s*\(/;
/** Files that define metrics: their importers may create or use metrics through them. */
const DEFINES_METRICS = /prom-client|nestjs-prometheus|@opentelemetry\/api|getMeter\s*\(/;
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
const IMPORT_SPECIFIER = /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"]([^'"]+)['"]/g;
const IMPORT_CLOSURE_DEPTH = 3;

export interface ExtractOptions {
  root: string;
  /** The text of every discovered file that could be read, by absolute path, in discovery order. */
  texts: ReadonlyMap<string, string>;
  statusCodes: number;
  modules: ModuleResolver;
  /** The repository's packages: tracing is decided per package, by its own dependencies and setup. */
  packages: readonly WorkspacePackage[];
  /** Declared metric factories (the budget file's `wrappers:`); presets are added here. */
  wrappers: readonly WrapperSpec[];
  /** Charged with prefilter, parse, index and checker time; the rest of extraction is the caller's. */
  timer?: PhaseTimer;
}

export interface Extraction {
  catalog: Catalog;
  /** Files that did not parse, expressions skipped (the unread helpers' note is the caller's: it sums up a catalog). */
  notices: Notice[];
  directives: Map<string, Directive[]>;
  filesParsed: number;
}

export function extract(options: ExtractOptions): Extraction {
  const { root, texts } = options;
  const timer = options.timer ?? PhaseTimer.off();
  const notices: Notice[] = [];

  const project = new ProjectIndex(root, options.modules);
  const wrappers = new WrapperIndex(options.wrappers);
  const directives = new Map<string, Directive[]>();
  const newExpressions: ts.NewExpression[] = [];
  const callExpressions: ts.CallExpression[] = [];
  const routeCalls: ts.CallExpression[] = [];
  const controllers: ts.ClassDeclaration[] = [];
  const viewNodes: ts.Node[] = [];
  timer.count('discovered', texts.size);
  const candidates = timer.time('prefilter', () =>
    selectCandidates(texts, options.modules, wrappers.modules, (reason, n) => {
      timer.count(`admitted: ${reason}`, n);
    }),
  );
  timer.count('parsed', candidates.files.length);
  // Every file's calls, for the project-wide facts; the ones above leave out files only imported by metric code.
  const allCalls: ts.CallExpression[] = [];
  const allNews: ts.NewExpression[] = [];
  for (const file of candidates.files) {
    const shownAs = displayPath(root, file);
    const parsed = timer.time('parse', () => parseSource(file, texts.get(file)!, shownAs));
    if ('problem' in parsed) {
      notices.push(parsed.problem);
      continue;
    }
    timer.start('index');
    project.add(parsed.sourceFile);
    const found = parseDirectives(texts.get(file)!);
    if (found.length > 0) directives.set(shownAs, found);
    // Files only imported by metric code hold no metric or label code of their own to look for (no
    // metric words), but the project-wide facts do: callers, routes (the route label's domain), views,
    // outbound calls, helpers obslint cannot read.
    const analysed = !candidates.imported.has(file);
    forEachDescendant(parsed.sourceFile, (node) => {
      project.indexNode(node);
      if (
        (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
        propertyKey(node.name) === 'views'
      )
        viewNodes.push(node);
      if (ts.isClassDeclaration(node) && ts.getDecorators(node)) controllers.push(node);
      if (ts.isNewExpression(node)) {
        if (ts.isIdentifier(node.expression) && node.expression.text === 'View') viewNodes.push(node);
        allNews.push(node);
        if (analysed) newExpressions.push(node);
      } else if (ts.isCallExpression(node)) {
        allCalls.push(node);
        if (analysed) callExpressions.push(node);
        if (isRouteCall(node)) routeCalls.push(node);
      }
    });
    timer.stop();
  }

  const evaluator = new StaticEvaluator(project);
  const types = new TypeOracle(project.files, options.modules, timer);
  const packages = new PackageIndex(root, options.packages);
  const calls = new CallGraph(project, types, packages.processGroups(candidates.importers, texts.keys()));
  const flow = new ValueFlow(
    project,
    evaluator,
    types,
    (fn) => calls.callersOf(fn),
    (fn) => calls.callersSettled(fn),
  );
  wrappers.keepImported(candidates.importedWrapperModules);
  const definitions = new MetricDefinitions(project, evaluator, calls, flow, wrappers);
  for (const node of newExpressions)
    guarded(node, notices, root, () => {
      definitions.discover(node);
    });
  for (const call of callExpressions)
    if (isInstrumentCall(call) || isProviderCall(call) || definitions.mayBeWrapper(call))
      guarded(call, notices, root, () => {
        definitions.discover(call);
      });
  // A StatsD client handed over by a framework, in a project that imports no metrics library.
  if (![...texts.values()].some((text) => METRICS_LIBRARY_IMPORT.test(text)))
    for (const call of callExpressions)
      guarded(call, notices, root, () => {
        definitions.discoverInjected(call);
      });
  definitions.finish();
  markDuplicateRegistrations(definitions.registrations, candidates.importers);
  // Every creation has been seen: references can now be resolved (and memoized) for good.
  const resolver = new MetricResolver(definitions, project, evaluator, types, calls, flow);
  for (const [site, def] of [...definitions.sites(), ...definitions.elementSites()]) {
    if (def.trailLost !== undefined) continue;
    const lost = trailLoss(site, def, project, definitions.creationOf(def), flow);
    if (lost) def.trailLost = lost;
  }
  const routes = [
    ...routeCalls.map((call) => routeOf(call, project, evaluator)).filter((r): r is RouteFact => r !== undefined),
    ...controllers.flatMap((cls) => nestRoutes(cls, project, evaluator)),
  ];
  const routeTemplates = [...new Set(routes.map((r) => r.template))].sort();
  // Routers in different files can be mounted under different prefixes: their templates are distinct values.
  const mountedRoutes = new Set(routes.map((r) => `${r.loc.file}\u0000${r.template}`)).size;
  const provenance = new ProvenanceAnalyzer(
    project,
    evaluator,
    calls,
    {
      routeTemplates: () => routeTemplates,
      mountedRoutes: () => mountedRoutes,
      routeRegistrations: () => routes.length,
      statusCodes: options.statusCodes,
    },
    flow,
    types,
  );
  const collector = new LabelUseCollector(project, resolver, definitions, provenance, evaluator, types, flow, calls);
  for (const call of [...callExpressions, ...newExpressions])
    guarded(call, notices, root, () => {
      collector.visit(call);
    });
  attributeKeysAsLabels(definitions.defs, collector.facts.calls);
  const spans: SpanFact[] = [];
  for (const call of callExpressions) {
    if (!isSpanCall(call)) continue;
    guarded(call, notices, root, () => {
      const fact = spanFact(call, project, provenance);
      if (fact) spans.push(fact);
    });
  }

  const everyCall = [...allCalls, ...allNews];
  const outbound = outboundCalls(everyCall, project, packages);
  const tracing = tracingByPackage(everyCall, project.files.values(), project, packages);

  const byLocation = (a: { loc: Location }, b: { loc: Location }): number => compareLocations(a.loc, b.loc);
  const helpers = unreadHelpers(
    allCalls,
    new Set([...definitions.sites()].map(([site]) => site)),
    project,
    flow,
    evaluator,
  ).sort(byLocation);
  return {
    catalog: {
      metrics: [...definitions.defs].sort(byLocation),
      labelUses: collector.facts.uses.sort(byLocation),
      labelCalls: collector.facts.calls.sort(byLocation),
      observations: collector.facts.observations.sort(byLocation),
      routes: routes.sort(byLocation),
      views: viewNodes.flatMap((node) => viewsIn(node, project, evaluator)).sort(byLocation),
      spans: spans.sort(byLocation),
      outbound: outbound.sort(byLocation),
      tracing,
      exporters: newExpressions.some((n) => ts.isIdentifier(n.expression) && n.expression.text === 'PrometheusExporter')
        ? ['prometheus']
        : [],
      unreadHelpers: helpers,
    },
    notices,
    directives,
    filesParsed: project.files.size,
  };
}

/**
 * Runs one step of the analysis; a failure (a construct nested too deep for the stack, a bug) costs
 * that one node, reported with its location, never the run.
 */
/** OpenTelemetry instruments and StatsD metrics declare no label names: they are the keys their uses pass. */
function attributeKeysAsLabels(defs: MetricDef[], calls: LabelCall[]): void {
  const keys = new Map<string, Set<string>>();
  for (const call of calls) {
    let set = keys.get(call.metricId);
    if (!set) keys.set(call.metricId, (set = new Set()));
    call.labels.forEach((l) => set.add(l));
  }
  for (const def of defs) {
    if (def.library === 'prom-client') continue;
    def.labelNames = [...(keys.get(def.id) ?? [])].sort();
    def.labelNamesKnown = !calls.some((c) => c.metricId === def.id && c.form === 'opaque');
  }
}

/** `makeCounterProvider(…)` and its kin (NestJS): checked against their import by `discover`. */
function isProviderCall(call: ts.CallExpression): boolean {
  return ts.isIdentifier(call.expression) && call.expression.text in NEST_PROMETHEUS.providers;
}

function isInstrumentCall(call: ts.CallExpression): boolean {
  const method = ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
  return method !== undefined && method in OTEL.instruments;
}

function guarded(node: ts.Node, notices: Notice[], root: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const why =
      error instanceof RangeError
        ? 'too deeply nested to analyse'
        : `internal error (${error instanceof Error ? error.message : String(error)}), please report it`;
    notices.push({
      level: 'warning',
      file: displayPath(root, sf.fileName),
      line: line + 1,
      column: character + 1,
      message: `skipped this expression: ${why}`,
    });
  }
}

/**
 * The cheap syntactic pass: files that mention metric words; files importing (up to three levels)
 * a file that defines metrics, since those use metrics or wrappers without naming the library; the
 * files those import (types, constants, route tables) up to three levels, where label values come
 * from: parsed, but only for what the analysis of the others reads there.
 */
function selectCandidates(
  texts: ReadonlyMap<string, string>,
  modules: ModuleResolver,
  wrapperModules: ReadonlySet<string>,
  admitted: (reason: string, files: number) => void,
): {
  files: string[];
  /** Of the files, those only imported by metric code: parsed for declarations and callers, not analysed. */
  imported: ReadonlySet<string>;
  importers: ReadonlyMap<string, readonly string[]>;
  /** The metric helper packages (declared wrappers and presets) some file imports. */
  importedWrapperModules: ReadonlySet<string>;
} {
  const importedWrapperModules = new Set<string>();
  // A file importing a metrics helper package defines or uses metrics through it.
  const wrapperImport = (specifiers: RegExpExecArray[]): boolean => {
    const found = specifiers.filter((m) => wrapperModules.has(canonicalModule(m[1])));
    found.forEach((m) => importedWrapperModules.add(canonicalModule(m[1])));
    return found.length > 0;
  };
  const selected = new Set<string>();
  const metricFiles = new Set<string>();
  const routeFiles = new Set<string>();
  const definers = new Set<string>();
  const imports = new Map<string, string[]>();
  const importers = new Map<string, string[]>();
  const resolutions = new Map<string, string | undefined>();
  const exists = (path: string): boolean => texts.has(path);
  for (const [file, text] of texts) {
    // One scan of the text for its imports serves the helper-package check and the import graph.
    const specifiers = [...text.matchAll(IMPORT_SPECIFIER)];
    const helper = wrapperImport(specifiers);
    const reason = METRIC_WORDS.test(text)
      ? 'metric words'
      : TRACE_WORDS.test(text)
        ? 'outbound and tracing words'
        : helper
          ? 'imports a metrics helper package'
          : ROUTE_WORDS.test(text)
            ? 'route words'
            : undefined;
    if (reason) admitted(reason, 1);
    if (reason && reason !== 'route words') metricFiles.add(file);
    else if (reason) routeFiles.add(file);
    if (DEFINES_METRICS.test(text) || helper) definers.add(file);
    const targets: string[] = [];
    const dir = dirname(file);
    for (const match of specifiers) {
      // The same specifier from the same directory resolves alike: resolve it once.
      const key = `${dir}\u0000${match[1]}`;
      if (!resolutions.has(key)) resolutions.set(key, modules.resolve(match[1], file, exists));
      const target = resolutions.get(key);
      if (!target) continue;
      targets.push(target);
      let list = importers.get(target);
      if (!list) importers.set(target, (list = []));
      list.push(file);
    }
    imports.set(file, targets);
  }
  metricFiles.forEach((f) => selected.add(f));
  routeFiles.forEach((f) => selected.add(f));
  // Metric code that listens for an event takes its values from wherever that event is emitted.
  let before = selected.size;
  const step = (reason: string): void => {
    admitted(reason, selected.size - before);
    before = selected.size;
  };
  const eventName = (m: RegExpMatchArray): string => m[2] ?? m[3];
  const events = new Set(
    [...metricFiles]
      .flatMap((f) => [...texts.get(f)!.matchAll(LISTENED_EVENT)].map(eventName))
      .filter((e) => !LIBRARY_EVENTS.has(e)),
  );
  if (events.size > 0) {
    for (const [file, text] of texts) {
      if (
        !selected.has(file) &&
        text.includes('.emit') &&
        [...text.matchAll(EMITTED_EVENT)].some((m) => events.has(eventName(m)))
      )
        selected.add(file);
    }
  }
  step('emits an event metric code listens for');
  closure(definers, importers, selected, IMPORT_CLOSURE_DEPTH);
  step('imports a file that defines metrics (3 levels)');
  // What metric code imports holds label values (types, enums, constants) and calls of its
  // functions: parsed for declarations and callers; no metric code of its own is looked for there.
  const imported = new Set<string>();
  closure(new Set(selected), imports, imported, IMPORT_CLOSURE_DEPTH, (f) => !routeFiles.has(f) || metricFiles.has(f));
  // Route files: their route tables.
  closure(routeFiles, imports, selected, 1);
  step('imported by a route file');
  selected.forEach((f) => imported.delete(f));
  admitted('imported by metric code (3 levels), read for declarations and callers', imported.size);
  // Every file's importers, parsed or not: which files a process loads together.
  return { files: [...selected, ...imported].sort(), imported, importers, importedWrapperModules };
}

function closure(
  start: Set<string>,
  edges: Map<string, string[]>,
  into: Set<string>,
  depth: number,
  from: (file: string) => boolean = () => true,
): void {
  const visited = new Set(start);
  let frontier = new Set([...start].filter(from));
  for (let level = 0; level < depth && frontier.size > 0; level++) {
    const next = new Set<string>();
    for (const file of frontier) {
      for (const neighbour of edges.get(file) ?? []) {
        if (visited.has(neighbour)) continue;
        visited.add(neighbour);
        next.add(neighbour);
        into.add(neighbour);
      }
    }
    frontier = next;
  }
}
