import { ts } from 'ts-morph';
import { basename, dirname, relative, sep } from 'node:path';
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
import { isServiceRunnerMakeMetric } from './libraries/service-runner.js';
import { absolutePath, compareLocations, compareStrings, displayPath } from '../util/paths.js';
import { parseDirectives } from './syntax/directives.js';
import { LabelUseCollector } from './facts/label-uses.js';
import { OTEL } from './libraries/opentelemetry.js';
import { NEST_PROMETHEUS } from './libraries/prom-client.js';
import { MetricDefinitions } from './facts/metric-definitions.js';
import { MetricResolver } from './facts/metric-resolver.js';
import { trailLoss } from './facts/metric-reach.js';
import { markDuplicateRegistrations } from './facts/registrations.js';
import { CallGraph } from './flow/call-graph.js';
import { isInjected, ValueFlow, type Origin } from './flow/value-flow.js';
import { WrapperIndex } from './libraries/wrappers.js';
import type { Candidates } from './prefilter.js';
import type { ModuleResolver, WorkspacePackage } from './syntax/module-resolver.js';
import { ProjectIndex } from './syntax/project-index.js';
import { ProvenanceAnalyzer } from './flow/provenance.js';
import { isRouteCall, nestRoutes, routeOf } from './facts/routes.js';
import { propertyKey } from './syntax/scope.js';
import { outboundCalls } from './facts/outbound-calls.js';
import { tracingByPackage } from './facts/tracing-setup.js';
import { markCallsOnlyUntracedUsersLoad } from './facts/library-users.js';
import { routesInScope } from './facts/routes-in-scope.js';
import { bundledRequestMetric } from './libraries/express-prom-bundle.js';
import { nestjsOtelApiMetrics } from './libraries/nestjs-otel-api-metrics.js';
import { isSpanCall, spanFact } from './facts/spans.js';
import { madeByProxy } from './facts/proxied-tracers.js';
import { unreadHelpers } from './facts/unread-helpers.js';
import { UnreachedCodeFinder } from './facts/unreached-code.js';
import { PackageIndex, packagesImporting } from './facts/workspace-packages.js';
import { viewsIn } from './facts/views.js';
import { parseSource } from './syntax/parse.js';
import { unsupportedMetricsImport } from './libraries/unsupported.js';
import { StaticEvaluator } from './flow/static-eval.js';
import { TypeOracle } from './flow/type-oracle.js';
import { forEachDescendant } from './syntax/walk.js';
import { PhaseTimer } from '../util/phase-timer.js';

export interface ExtractOptions {
  root: string;
  /** The text of every file the prefilter selected (`candidates.files`), by absolute path. */
  texts: ReadonlyMap<string, string>;
  /** Every discovered file that could be read, in discovery order: which packages have code. */
  files: readonly string[];
  /** What the prefilter (`prefilter.ts`) selected from every file's scan. */
  candidates: Candidates;
  /** The packages whose tracing to describe (see `process-partition.ts`); every one when omitted. */
  describe?: ReadonlySet<string>;
  /**
   * The candidates are one process group already (a part of `partitionByProcess`): no call needs
   * telling apart by group, and grouping every import edge of the project again, per part, was the cost.
   */
  oneProcessGroup?: boolean;
  statusCodes: number;
  modules: ModuleResolver;
  /** The repository's packages: tracing is decided per package, by its own dependencies and setup. */
  packages: readonly WorkspacePackage[];
  /** Which packages each package with code loads at run time (see `packageLoads`); the declared dependencies when omitted. */
  packageLoads?: Record<string, string[]>;
  /** Declared metric factories (the budget file's `wrappers:`); presets are added here. */
  wrappers: readonly WrapperSpec[];
  /** Charged with parse, index and checker time; the rest of extraction is the caller's. */
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
  const { candidates } = options;
  if (candidates.deferred.size > 0)
    timer.count('deferred: declarations only, parsed where an import leads', candidates.deferred.size);
  // Every file's calls, for the project-wide facts; the ones above leave out files only imported by metric code.
  const allCalls: ts.CallExpression[] = [];
  const allNews: ts.NewExpression[] = [];
  const lateProblems: Notice[] = [];
  /** Where each metrics library obslint does not read is first imported. */
  const unsupported = new Map<string, { what: string; node: ts.Node }>();
  for (const file of candidates.files) {
    const shownAs = displayPath(root, file);
    if (candidates.deferred.has(file)) {
      // Its suppressions count without a parse: a finding can still sit where a value enters there.
      const found = parseDirectives(texts.get(file)!);
      if (found.length > 0) directives.set(shownAs, found);
      project.defer(file, () => {
        const late = timer.time('parse', () => parseOrSkip(file, texts.get(file)!, shownAs));
        if ('sourceFile' in late) return late.sourceFile;
        lateProblems.push(late.problem);
        return undefined;
      });
      continue;
    }
    const parsed = timer.time('parse', () => parseOrSkip(file, texts.get(file)!, shownAs));
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
      if (ts.isImportDeclaration(node) || ts.isCallExpression(node)) {
        const library = unsupportedMetricsImport(node);
        if (library && !unsupported.has(library.module)) unsupported.set(library.module, { what: library.what, node });
      }
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
  const types = new TypeOracle(project.files, options.modules, timer, project);
  const packages = new PackageIndex(root, options.packages);
  if (options.packageLoads) packages.knowLoads(options.packageLoads);
  const calls = new CallGraph(
    project,
    types,
    options.oneProcessGroup ? undefined : packages.processGroups(candidates.importers, options.files),
    packages.runBeside(candidates.importers),
  );
  const flow = new ValueFlow(
    project,
    evaluator,
    types,
    (fn) => calls.callersOf(fn),
    (fn) => calls.callersSettled(fn),
    (from, to) => packages.reaches(from, to),
  );
  calls.followReceiversWith((receiver) => {
    const found = flow.origins(receiver).filter((source): source is Origin => !isInjected(source));
    return flow.wasCut() ? undefined : found;
  });
  wrappers.keepImported(candidates.importedWrapperModules);
  const definitions = new MetricDefinitions(project, evaluator, calls, flow, wrappers);
  for (const node of newExpressions)
    guarded(node, notices, root, () => {
      definitions.discover(node);
    });
  for (const call of callExpressions)
    if (
      isInstrumentCall(call) ||
      isProviderCall(call) ||
      definitions.mayBeWrapper(call) ||
      isServiceRunnerMakeMetric(call)
    )
      guarded(call, notices, root, () => {
        definitions.discover(call);
      });
  // A StatsD client handed over by a framework, in a project that imports no metrics library.
  if (!candidates.metricsLibraryImported)
    for (const call of callExpressions)
      guarded(call, notices, root, () => {
        definitions.discoverInjected(call);
      });
  definitions.finish();
  markDuplicateRegistrations(
    definitions.registrations,
    candidates.importers,
    (file) => folderBarrel(file, project, packages),
    (cls) =>
      cls.name
        ? (project.callsByName.get(cls.name.text) ?? []).filter(
            (call) =>
              ts.isNewExpression(call) &&
              ts.isIdentifier(call.expression) &&
              project.declarationOf(call.expression)?.node === cls,
          )
        : [],
  );
  // Every creation has been seen: references can now be resolved (and memoized) for good.
  const resolver = new MetricResolver(definitions, project, evaluator, types, calls, flow, (from, to) =>
    packages.reaches(from, to),
  );
  for (const [site, def] of [...definitions.sites(), ...definitions.elementSites(), ...definitions.sharedSites()]) {
    if (def.trailLost !== undefined) continue;
    const lost = trailLoss(
      site,
      def,
      project,
      definitions.creationOf(def),
      flow,
      (file) => candidates.importers.get(file) ?? [],
    );
    if (lost) def.trailLost = lost;
  }
  const routes = [
    ...routeCalls.map((call) => routeOf(call, project, evaluator)).filter((r): r is RouteFact => r !== undefined),
    ...controllers.flatMap((cls) => nestRoutes(cls, project, evaluator)),
  ].map((route) => ({ ...route, package: packages.of(absolutePath(root, route.loc.file)).key }));
  const proxyPackages = new Set([...candidates.proxyImporters].map((file) => packages.of(file).key));
  const provenance = new ProvenanceAnalyzer(
    project,
    evaluator,
    calls,
    {
      ...routesInScope(routes, packages),
      proxied: (at) => packages.related(packages.of(at.getSourceFile().fileName)).some((s) => proxyPackages.has(s.key)),
      graphqlFields: candidates.graphqlFields,
      mongooseModels: candidates.mongooseModels,
      statusCodes: options.statusCodes,
    },
    flow,
    types,
  );
  // A name built from values (StatsD's `update.action.${action}.count`): each value is a metric of its own.
  for (const [def, { name, env }] of definitions.dynamicNames)
    guarded(name, notices, root, () => {
      def.nameBound = provenance.ofName(name, env);
    });
  const collector = new LabelUseCollector(project, resolver, definitions, provenance, evaluator, types, flow, calls);
  const nestPackages = new Set([...candidates.nestCoreImporters].map((file) => packages.of(file).key));
  const importing = packagesImporting(candidates.importers, packages);
  const uncalled = new UnreachedCodeFinder(
    project,
    candidates.importers,
    (file) => nestPackages.has(packages.of(file).key),
    (file) => packages.unpublished(packages.of(file)),
    (file) => packages.of(file).key,
    // A package's code may call another's it imports by a relative path, without depending on it.
    (from, to) => packages.reaches(from, to) || importing.get(packages.of(to))?.includes(packages.of(from)) === true,
  );
  const { facts } = collector;
  for (const call of [...callExpressions, ...newExpressions]) {
    const before = facts.uses.length + facts.calls.length + facts.observations.length;
    guarded(call, notices, root, () => {
      collector.visit(call);
    });
    if (facts.uses.length + facts.calls.length + facts.observations.length > before) uncalled.recordsIn(call);
  }
  // Metrics a middleware registers and records itself (express-prom-bundle's request histogram).
  for (const call of callExpressions)
    guarded(call, notices, root, () => {
      const bundled = bundledRequestMetric(call, project, evaluator, options.statusCodes, (value) =>
        provenance.of(value),
      );
      const made = bundled
        ? [bundled]
        : nestjsOtelApiMetrics(
            call,
            project,
            evaluator,
            options.statusCodes,
            (file) => packages.dependencyRange(file, 'nestjs-otel'),
            (node) => provenance.routeTemplate(node),
            (file) => packages.of(file).key,
          );
      for (const metric of made) {
        definitions.defs.push(metric.def);
        facts.uses.push(...metric.uses);
        facts.calls.push(metric.call);
      }
    });
  attributeKeysAsLabels(definitions.defs, collector.facts.calls);
  const spans: SpanFact[] = [];
  for (const call of callExpressions) {
    if (!isSpanCall(call)) continue;
    guarded(call, notices, root, () => {
      const fact = spanFact(
        call,
        project,
        provenance,
        (callee) => implementedInProject(types.declarations(callee)) || madeByProxy(callee, flow, project),
      );
      if (fact) {
        spans.push(fact);
        uncalled.recordsIn(call);
      }
    });
  }

  const everyCall = [...allCalls, ...allNews];
  const outboundNodes: ts.Node[] = [];
  // Whole-project analyses: one that fails is a warning, and the other rules' results still stand.
  const outbound = phase(
    notices,
    'outbound calls and messages',
    () =>
      outboundCalls(
        everyCall,
        project,
        packages,
        evaluator,
        (fn) => calls.confirmedCallersOf(fn),
        (file) => candidates.importers.get(file) ?? [],
        (call) => {
          outboundNodes.push(call);
          uncalled.recordsIn(call);
        },
        (node, step) => {
          guarded(node, notices, root, step);
        },
      ),
    [],
  );
  const tracing = phase(
    notices,
    'tracing set-ups',
    () =>
      tracingByPackage(everyCall, project.files.values(), project, packages, candidates.importers, options.describe),
    {},
  );
  phase(
    notices,
    'libraries only untraced packages load',
    () => {
      markCallsOnlyUntracedUsersLoad(outbound, outboundNodes, tracing, project, packages, candidates.importers, (fn) =>
        calls.callersOf(fn),
      );
    },
    undefined,
  );

  uncalled.callersOfRecorders(project.callsByName);
  const byLocation = (a: { loc: Location }, b: { loc: Location }): number => compareLocations(a.loc, b.loc);
  const helpers = unreadHelpers(
    allCalls,
    new Set([...definitions.sites()].map(([site]) => site)),
    project,
    flow,
    evaluator,
  ).sort(byLocation);
  notices.push(...lateProblems.sort((a, b) => compareStrings(a.file ?? '', b.file ?? '')));
  for (const [module, { what, node }] of unsupported) {
    const loc = project.location(node);
    notices.push({
      level: 'note',
      file: loc.file,
      line: loc.line,
      column: loc.column,
      message: `obslint does not read \`${module}\` (${what}) yet: metrics recorded through it are not in the catalog and their labels are not checked`,
    });
  }
  if (candidates.deferred.size > 0) timer.count('deferred, then parsed', project.parsedOnDemand);
  timer.count('parsed', project.files.size + project.parsedOnDemand);
  return {
    catalog: {
      metrics: [...definitions.defs]
        .map((def) => Object.assign(def, { package: packages.of(absolutePath(root, def.loc.file)).key }))
        .sort(byLocation),
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
      unreached: phase(notices, 'code nothing calls', () => uncalled.unreached(), []).sort(byLocation),
    },
    notices,
    directives,
    filesParsed: project.files.size + project.parsedOnDemand,
  };
}

/**
 * Runs one step of the analysis; a failure (a construct nested too deep for the stack, a bug) costs
 * that one node, reported with its location, never the run.
 */
/** `parseSource`, with a file nested too deep for the parser's stack skipped with a note rather than ending the run. */
function parseOrSkip(file: string, text: string, shownAs: string): ReturnType<typeof parseSource> {
  try {
    return parseSource(file, text, shownAs);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { problem: { level: 'warning', file: shownAs, message: 'skipped: too deeply nested to parse' } };
  }
}

/**
 * OpenTelemetry instruments, StatsD metrics and a project's own classes that take any labels declare
 * no label names: they are the keys their uses pass. So are those of a prom-client metric whose
 * `labelNames` obslint cannot read (`labels ? Object.keys(labels) : []` in a get-or-create helper),
 * still not known: no label-set check reads them.
 */
function attributeKeysAsLabels(defs: MetricDef[], calls: LabelCall[]): void {
  const keys = new Map<string, Set<string>>();
  for (const call of calls) {
    let set = keys.get(call.metricId);
    if (!set) keys.set(call.metricId, (set = new Set()));
    call.labels.forEach((l) => set.add(l));
  }
  for (const def of defs) {
    const unread = def.library === 'prom-client' && !def.labelNamesKnown && def.labelNames.length === 0;
    if (def.library === 'prom-client' && !def.labelsFromUses && !unread) continue;
    def.labelNames = [...(keys.get(def.id) ?? [])].sort();
    def.labelNamesKnown = !unread && !calls.some((c) => c.metricId === def.id && c.form === 'opaque');
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

/**
 * A whole-project analysis that throws (a bug obslint has not met yet) is skipped with a warning,
 * its result taken as `fallback` (nothing found), so the rest of the run is still reported.
 */
function phase<T>(notices: Notice[], what: string, run: () => T, fallback: T): T {
  try {
    return run();
  } catch (error) {
    notices.push({
      level: 'warning',
      message: `skipped the analysis of ${what}: internal error (${error instanceof Error ? error.message : String(error)}), please report it`,
    });
    return fallback;
  }
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
 * A method the project implements (`TriggerTracer.startActiveSpan`, which ends the span it starts):
 * a wrapper of the tracer, whose own call of the tracer is where the span's lifecycle is checked.
 */
function implementedInProject(declarations: readonly ts.Node[]): boolean {
  return declarations.some(
    (d) =>
      (ts.isMethodDeclaration(d) && d.body !== undefined) ||
      ((ts.isPropertyDeclaration(d) || ts.isPropertyAssignment(d)) &&
        d.initializer !== undefined &&
        (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))),
  );
}

/**
 * `src/webhooks/index.ts` that only imports and re-exports: a folder's barrel, loaded only by what
 * imports it, never where a process starts. The package's own index (`index.ts`, `src/index.ts`) may
 * be its entry, for a process or for another package.
 */
function folderBarrel(file: string, project: ProjectIndex, packages: PackageIndex): boolean {
  if (!/^index\.[cm]?[jt]sx?$/.test(basename(file))) return false;
  if (!project.onlyImportsAndExports(file)) return false;
  const dir = packages.of(file).manifest?.dir;
  const folders = relative(dir ?? dirname(file), dirname(file))
    .split(sep)
    .filter((segment) => segment !== '' && segment !== 'src' && segment !== 'lib');
  return dir !== undefined && folders.length > 0;
}
