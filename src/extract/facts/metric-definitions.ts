import { ts } from 'ts-morph';
import type { ArgumentPath, Library, Location, MetricDef, MetricKind, WrapperSpec } from '../../types.js';
import { entryKey, isMethodLike, type CallGraph, type Caller } from '../flow/call-graph.js';
import {
  bindArguments,
  constructorParameterField,
  EMPTY_ENV,
  scalarText,
  staticNumbers,
  staticStrings,
  truthiness,
  UNKNOWN,
  iterations,
  iteratedCollection,
  type Binding,
  type Iteration,
  type Env,
  type Static,
  type StaticEvaluator,
} from '../flow/static-eval.js';
import { libraryPaths } from '../flow/library-path.js';
import { mayBeCalledOn } from '../flow/method-receiver.js';
import { labelCallsOn, labelCallsOnValue, lookupGuard } from './lookup-guard.js';
import { wrapperMethodRecording } from './keyed-recorder.js';
import { typeBound } from '../flow/type-bounds.js';
import { isInjected, type ValueFlow } from '../flow/value-flow.js';
import { injectedStatsdCall, isStatsdPackage } from '../libraries/injected-statsd.js';
import {
  isServiceRunnerMakeMetric,
  SERVICE_RUNNER_MAKE_METRIC,
  serviceRunnerName,
} from '../libraries/service-runner.js';
import { meterName, OTEL, otelInstrument } from '../libraries/opentelemetry.js';
import {
  nestProviderKind,
  PROM_CLIENT,
  promClientClassAt,
  promClientMetricClass,
  unreadPromClientClass,
} from '../libraries/prom-client.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { calledFunction, objectLiteralHeld } from '../syntax/functions.js';
import {
  enclosingClassLike,
  enclosingFunction,
  encloses,
  functionName,
  leavesFunction,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  receiverOf,
  sameReference,
  skipOuter,
  type Declaration,
  constInitializer,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import type { WrapperIndex } from '../libraries/wrappers.js';
import { calleeName } from '../syntax/project-index.js';
import { handlerByParameters, placement, registeredInOwnRegistry } from './metric-placement.js';
import { compareStrings } from '../../util/paths.js';
import { registersOnce, registriesOf, type Registration } from './registrations.js';

const MAX_WRAPPER_DEPTH = 4;

/** A `new Counter(...)` (or equivalent) with the arguments of the wrapper calls that reach it. */
/** A call site of a project function, or a `new` of a project class. */
interface Creation {
  /** `new Counter({...})` (prom-client) or `meter.createCounter(name, {...})` (OpenTelemetry). */
  node: ts.NewExpression | ts.CallExpression;
  library: Library;
  kind: MetricKind;
  env: Env;
  /** Wrapper call sites, outermost first; the outermost is where the metric is defined. */
  calls: Caller[];
  /**
   * A declared or preset wrapper (`Metrics.getHistogram(name, help, labels)`) rather than the
   * library, or the project's own metric class (`ownClass`), read the same way.
   */
  wrapper?: { spec: WrapperSpec; declared: boolean; ownClass?: true };
  /** The turn of a loop over a constant collection the creation was bound to (one metric per element). */
  element?: { index: number; node?: ts.Expression; loop: ts.Node };
  /** `new client[options.type]({ … })`: the class's name, read per instance once its arguments are bound. */
  kindFrom?: ts.Expression;
  /** One entry of a record of declarations (see `WrapperSpec.declarations`): its name, key and options. */
  entry?: { name: string; key: ts.Node; props: Map<string, Static> };
}

/** Where a call passes label values for the metric it defines (StatsD tags), with its arguments bound. */
export interface PassedLabels {
  def: MetricDef;
  /**
   * The argument holding the labels, with wrapper parameters replaced by what the call site passed;
   * undefined where the call site passes none.
   */
  argument: ts.Expression | undefined;
  /** One label given as a name and its value (`addDimension('Service', name)`), bound the same way. */
  pair?: { key: ts.Expression; value: ts.Expression };
}

/** Parameter names that carry label values through a wrapper. */
const LABEL_PARAMETERS = /^(tags|labels|dimensions|attributes|attrs)$/i;

const KIND_WORDS: Record<string, MetricKind> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  updowncounter: 'updowncounter',
};

/** The expression given as `name` in a metric's configuration literal. */
function nameExpression(node: ts.NewExpression | ts.CallExpression): ts.Expression | undefined {
  const config = node.arguments?.[0] && skipOuter(node.arguments[0]);
  if (!config || !ts.isObjectLiteralExpression(config)) return undefined;
  for (const prop of config.properties) {
    if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === 'name') return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === 'name') return prop.name;
  }
  return undefined;
}

function nameText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A literal name: constructing it twice registers the same metric twice. */
function isStaticName(node: ts.NewExpression | ts.CallExpression): boolean {
  const name = ts.isCallExpression(node) ? node.arguments[0] : nameExpression(node);
  return name !== undefined && ts.isStringLiteralLike(skipOuter(name));
}

/** Finds metric definitions: direct ones and, through project wrappers, one per wrapper call site. */
export class MetricDefinitions {
  readonly defs: MetricDef[] = [];
  /**
   * The expression a metric's name is built from, where no constant names it
   * (`update.action.${action}.count`), with the arguments of the calls that reach it bound.
   */
  readonly dynamicNames = new Map<MetricDef, { name: ts.Expression; env: Env }>();
  /** The node whose value is the metric: the `new` expression, or the outermost wrapper call. */
  private readonly byNode = new Map<ts.Node, MetricDef>();
  private readonly byName = new Map<string, MetricDef>();
  private readonly statsdByNameAndKind = new Map<string, MetricDef>();
  /** A creation in a loop over a constant array → the metric it creates per element. */
  private readonly byElement = new Map<ts.Node, Map<number, MetricDef>>();
  /** Wrapper call → the metrics it creates, by the `new` expression inside the wrapper. */
  private readonly instances = new Map<ts.Node, Map<ts.Node, MetricDef>>();
  /** The `new Counter(…)` (or library call) → every metric it creates, whoever calls its wrapper. */
  private readonly byCreation = new Map<ts.Node, MetricDef[]>();
  private readonly creations = new Map<MetricDef, ts.Node>();

  /** Calls that pass label values for the metric they define, by call. */
  private readonly passed = new Map<ts.Node, PassedLabels[]>();

  /** prom-client definitions that register themselves once, where obslint can tell in which registries. */
  readonly registrations: Registration[] = [];

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly calls: CallGraph,
    private readonly flow: ValueFlow,
    private readonly wrappers: WrapperIndex,
  ) {}

  /** The label values a call passes for the metrics it defines (a StatsD call's tags). */
  labelsPassedAt(call: ts.Node): readonly PassedLabels[] {
    return this.passed.get(call) ?? [];
  }

  /** Whether `node` creates a metric of the project's own metric class (see `ownMetricClass`). */
  ownClassCreation(node: ts.NewExpression): boolean {
    return this.ownClassCreations.has(node);
  }

  private readonly ownClassCreations = new Set<ts.Node>();
  private readonly declaredEntries = new Set<ts.Node>();

  /** The metric whose value `node` is (a `new` expression or the outermost wrapper call). */
  atNode(node: ts.Node): MetricDef | undefined {
    return this.byNode.get(node);
  }

  /**
   * Every metric one `new Counter(…)` creates, whoever calls the function or class it is in: what a
   * use next to the creation (`this.counter.inc()` in the class) may be, instance by instance.
   */
  createdBy(node: ts.Node): readonly MetricDef[] {
    return this.byCreation.get(node) ?? [];
  }

  /** The metric `node` creates in a loop over a constant array, for one element of it. */
  atElement(node: ts.Node, element: number): MetricDef | undefined {
    return this.byElement.get(node)?.get(element);
  }

  /** The first metric defined under a static name. */
  named(name: string): MetricDef | undefined {
    return this.byName.get(name);
  }

  /** Every metric defined under a static name (two applications of a monorepo may each define one). */
  allNamed(name: string): readonly MetricDef[] {
    return this.everyNamed.get(name) ?? [];
  }

  private readonly everyNamed = new Map<string, MetricDef[]>();

  /**
   * The metric named `name` among those `node` (a `new Counter(…)` inside a factory) creates: a
   * registry keyed by name hands out the one stored under that name.
   */
  createdNamed(node: ts.Node, name: string, writtenUnder?: ts.Expression): MetricDef | undefined {
    const created = this.byCreation.get(node);
    const named = created?.find((def) => !def.nameIsDynamic && def.name === name);
    if (named || !writtenUnder) return named;
    // `counters[\`${name}/${label || ''}\`] = new Counter({ name })`: the key each creation's arguments build.
    return created?.find((def) => {
      const env = this.creationEnvs.get(def);
      return env !== undefined && scalarText(this.evaluator.eval(writtenUnder, env)) === name;
    });
  }

  /** The arguments each metric's creation was bound to (a factory's parameters, by the call that made it). */
  private readonly creationEnvs = new Map<MetricDef, Env>();

  /** The `new Counter(…)` (or library call) that creates a metric, inside its factory when it has one. */
  creationOf(def: MetricDef): ts.Node | undefined {
    return this.creations.get(def);
  }

  /** The metrics one wrapper call creates, by the creating node inside the wrapper. */
  instancesAt(site: ts.Node): ReadonlyMap<ts.Node, MetricDef> | undefined {
    return this.instances.get(site);
  }

  /** Every node whose value is a metric, with that metric. */
  sites(): IterableIterator<[ts.Node, MetricDef]> {
    return this.byNode.entries();
  }

  /**
   * The metrics of a wrapper call that creates several from one creation inside (a helper called
   * twice on the way), with the call: those `sites` does not list. (A factory returning its metrics
   * as an object literal's properties is followed through them: not listed.)
   */
  *sharedSites(): Generator<[ts.Node, MetricDef]> {
    for (const [site, defs] of this.byWrapperCall)
      for (const def of defs) {
        const creation = this.creations.get(def);
        let held = creation?.parent;
        while (held && (ts.isParenthesizedExpression(held) || ts.isAsExpression(held))) held = held.parent;
        if (this.byNode.get(site) !== def && !(held && ts.isPropertyAssignment(held))) yield [site, def];
      }
  }

  /**
   * The metrics made through a call that wraps a creation (`register_metric(id)` in a base class's
   * constructor), each with the outermost call of its chain (the `new WalletAddress('wallets')` that
   * reached it).
   */
  madeThrough(call: ts.Node): readonly { def: MetricDef; outermost: ts.Node }[] {
    return this.madeThroughCall.get(call) ?? [];
  }

  private readonly madeThroughCall = new Map<ts.Node, { def: MetricDef; outermost: ts.Node }[]>();

  /** Every metric each wrapper call creates (one creating node inside may make several, per its callers). */
  private readonly byWrapperCall = new Map<ts.Node, Set<MetricDef>>();

  /** Every metric created per element of a constant collection, with the node that creates it. */
  *elementSites(): Generator<[ts.Node, MetricDef]> {
    for (const [site, perElement] of this.byElement) for (const def of perElement.values()) yield [site, def];
  }

  /** Defines the metric(s) a `new Counter()` or `meter.createCounter()` creates, if it is one. */
  discover(node: ts.NewExpression | ts.CallExpression): void {
    const prom = ts.isNewExpression(node)
      ? (promClientMetricClass(node.expression, this.project) ??
        this.promClientClassByValue(node) ??
        unreadPromClientClass(node, this.project))
      : nestProviderKind(node);
    const otel = ts.isCallExpression(node) ? otelInstrument(node, this.project) : undefined;
    const kindFrom = prom || otel ? undefined : (this.promClientClassByName(node) ?? classParameter(node));
    if (kindFrom) {
      const creation: Creation = { node, library: 'prom-client', kind: 'gauge', env: EMPTY_ENV, calls: [], kindFrom };
      for (const instance of this.instantiate(creation, 0)) this.define(instance);
      return;
    }
    const kind = prom ?? otel;
    if (kind) {
      const library: Library = prom ? 'prom-client' : 'opentelemetry';
      for (const creation of this.instantiate({ node, library, kind, env: EMPTY_ENV, calls: [] }, 0))
        this.define(creation);
      return;
    }
    const wrapper = this.wrapperAt(node) ?? this.ownMetricClass(node) ?? this.serviceRunnerMetric(node);
    if (!wrapper) return;
    if (wrapper.spec.declarations !== undefined) {
      for (const creation of this.declared(node, wrapper)) this.define(creation);
      return;
    }
    const library = wrapper.spec.library ?? 'prom-client';
    // The kind of an `arg:N` wrapper is read per instance, once its arguments are bound.
    const wrapperKind = wrapper.spec.kind.startsWith('arg:') ? 'gauge' : (wrapper.spec.kind as MetricKind);
    for (const creation of this.instantiate(
      { node, library, kind: wrapperKind, env: EMPTY_ENV, calls: [], wrapper },
      0,
    ))
      this.define(creation);
  }

  /**
   * `hyper.metrics.increment(name)`: a StatsD-style client the framework hands over (see
   * injected-statsd.ts). Only where the value flow finds nothing the project builds behind the
   * holder (a class, an object literal, a function): then it comes from outside, as a client would.
   */
  discoverInjected(node: ts.CallExpression): void {
    const found = injectedStatsdCall(node);
    // A component a preset knows (`metrics.increment(name)` on a well-known-components metrics component).
    if (!found || this.wrapperAt(node)) return;
    const origins = this.flow.origins(found.holder);
    // A client of a StatsD package obslint does not read (`new StatsCollector(logger)` from
    // `@jambonz/stats-collector`): its calls are StatsD's, as a client handed over would be.
    const packaged = (e: ts.Expression): boolean =>
      (ts.isNewExpression(e) || ts.isCallExpression(e)) &&
      libraryPaths(e.expression, this.flow).some((p) => isStatsdPackage(p.module));
    // Values that could be a client the project builds itself; a string or a number cannot (a
    // method matched to calls by name sees the arguments of unrelated calls).
    const built = origins.some((o) => {
      // A member of what a call returns (`new Srf().locals.stats`) is not the call's value.
      if (isInjected(o) || o.path.length > 0) return false;
      const e = skipOuter(o.expr);
      return (
        ts.isObjectLiteralExpression(e) ||
        ((ts.isNewExpression(e) || ts.isCallExpression(e)) && !packaged(e)) ||
        ts.isFunctionLike(e) ||
        ts.isClassExpression(e)
      );
    });
    if (built) return;
    // A variable named `stats` is a client where it is taken from such a property (`const { stats } =
    // ctx.locals`) or holds a client of such a package.
    if (
      ts.isIdentifier(found.holder) &&
      !destructuredAsNamed(found.holder) &&
      !origins.some((o) => !isInjected(o) && packaged(skipOuter(o.expr)))
    )
      return;
    const { spec } = found;
    const first = skipOuter(node.arguments[0]);
    // StatsD clients take one name or a list of names (service-runner's `endTiming([name], start)`).
    if (ts.isArrayLiteralExpression(first) && first.elements.length === 1) spec.name = '0.0';
    const creation: Creation = {
      node,
      library: 'statsd',
      kind: spec.kind as MetricKind,
      env: EMPTY_ENV,
      calls: [],
      wrapper: { spec, declared: false },
    };
    // A name built from the calling function's parameters is that call's metric, partly known,
    // when no caller that passes the rest can be seen (the framework calls the handler).
    const instances = this.instantiate(creation, 0);
    for (const instance of instances.length > 0 ? instances : [creation]) this.define(instance);
  }

  /**
   * `getMetric(promClient.Gauge, { … })` of `function getMetric(Type, options) { return new Type(options) }`:
   * the prom-client class the call site binds to the parameter the creation constructs.
   */
  private passedClass(creation: Creation): MetricKind | undefined {
    const callee = creation.kindFrom && skipOuter(creation.kindFrom);
    const decl = callee && ts.isIdentifier(callee) ? lookup(callee.text, callee) : undefined;
    if (decl?.kind !== 'parameter' || decl.path.length > 0) return undefined;
    const arg = creation.env.get(decl.node)?.arg;
    if (!arg) return undefined;
    return promClientMetricClass(arg, this.project) ?? this.promClientClassOf(skipOuter(arg));
  }

  /** `new metrics.client.Counter(…)` where `metrics.client` is prom-client handed over by a package or a caller. */
  private promClientClassByValue(node: ts.NewExpression): MetricKind | undefined {
    return this.promClientClassOf(skipOuter(node.expression));
  }

  private promClientClassOf(callee: ts.Expression): MetricKind | undefined {
    if (!ts.isPropertyAccessExpression(callee) || !(callee.name.text in PROM_CLIENT.classes)) return undefined;
    for (const path of libraryPaths(callee, this.flow)) {
      const kind = promClientClassAt(path.module, path.path);
      if (kind) return kind;
    }
    return undefined;
  }

  /**
   * `createMetricsComponent(metricDeclarations)`: one creation per entry of the record of
   * declarations it is given (a literal, or a constant holding one, imported or not). Entries spread
   * in from a package (`...getDefaultHttpMetrics()`) are that package's own.
   */
  private declared(node: ts.CallExpression | ts.NewExpression, wrapper: NonNullable<Creation['wrapper']>): Creation[] {
    const [index] = String(wrapper.spec.declarations).split('.');
    const record = node.arguments?.[Number(index)];
    const literal = record && objectLiteralHeld(record, this.project);
    if (!literal) return [];
    return literal.properties.filter(ts.isPropertyAssignment).flatMap((prop): Creation[] => {
      const name = propertyKey(prop.name);
      const options = name === undefined ? undefined : this.evaluator.eval(prop.initializer);
      const kind = options?.k === 'obj' ? declaredKind(prop.initializer, options) : undefined;
      if (name === undefined || options?.k !== 'obj' || !kind) return [];
      const entry = { name, key: prop.name, props: options.props };
      return [{ node, library: 'prom-client', kind, env: EMPTY_ENV, calls: [], wrapper, entry }];
    });
  }

  /**
   * `new lib.Counter(name, help, { labels })` of a project's own Prometheus client (a class named
   * `Counter`, `Gauge`, `Histogram` or `Summary` whose constructor takes a name and a help text): its
   * arguments are read as a wrapper's are.
   */
  private ownMetricClass(node: ts.NewExpression | ts.CallExpression): Creation['wrapper'] {
    const ctor = ts.isNewExpression(node) ? this.calls.constructorCalled(node) : undefined;
    const cls = ctor?.parent;
    const className = cls && ts.isClassDeclaration(cls) ? cls.name?.text : undefined;
    const kind = className === undefined ? undefined : PROM_CLIENT.classes[className];
    if (!ctor || !cls || !kind) return undefined;
    const own = (args: Omit<WrapperSpec, 'callee' | 'kind' | 'library'>): Creation['wrapper'] => {
      this.ownClassCreations.add(node);
      const spec: WrapperSpec = {
        callee: `${this.project.location(cls).file}#${className}`,
        kind,
        ...args,
        library: 'prom-client',
      };
      return { spec, declared: false, ownClass: true };
    };
    const [name, help, options] = ctor.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    // `constructor(opts: { name: string; help: string; buckets?: number[] })`, prom-client's own shape.
    const single = ctor.parameters.length === 1 ? ctor.parameters[0].type : undefined;
    const keys = single ? typeLiteralKeys(single) : [];
    // Only a class that writes Prometheus's text format (`# HELP`, `# TYPE`) exports what it counts:
    // a `Counter` keeping in-process tallies with the same options is not a metric.
    if (keys.includes('name') && /#\s*(?:HELP|TYPE)\b/.test(cls.getSourceFile().text)) {
      const labels = keys.find((k) => k === 'labelNames' || k === 'labels');
      return own({
        name: '0.name',
        ...(keys.includes('help') ? { help: '0.help' } : {}),
        ...(labels ? { labelNames: `0.${labels}` } : {}),
        ...(keys.includes('buckets') ? { buckets: '0.buckets' } : {}),
      });
    }
    if (name !== 'name' || help !== 'help') return undefined;
    const optionsType = ctor.parameters[2]?.type;
    const labelsKey = (optionsType ? typeLiteralKeys(optionsType) : []).find(
      (k) => k === 'labels' || k === 'labelNames',
    );
    return own({ name: 0, help: 1, ...(options !== undefined ? { labelNames: `2.${labelsKey ?? 'labels'}` } : {}) });
  }

  /** service-runner's `app.metrics.makeMetric({ … })`, unless the project defines the `makeMetric` called. */
  private serviceRunnerMetric(node: ts.NewExpression | ts.CallExpression): Creation['wrapper'] {
    return ts.isCallExpression(node) &&
      isServiceRunnerMakeMetric(node) &&
      !calledFunction(node.expression, this.project)
      ? { spec: SERVICE_RUNNER_MAKE_METRIC, declared: false }
      : undefined;
  }

  /** `new this.client[options.type]({ … })` with `client` prom-client: the key that names the class. */
  private promClientClassByName(node: ts.NewExpression | ts.CallExpression): ts.Expression | undefined {
    const callee = ts.isNewExpression(node) ? skipOuter(node.expression) : undefined;
    if (!callee || !ts.isElementAccessExpression(callee)) return undefined;
    const key = skipOuter(callee.argumentExpression);
    if (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) return undefined;
    const fromPromClient = libraryPaths(callee.expression, this.flow).some(
      (path) => PROM_CLIENT.modules.has(path.module) && path.path.length === 0,
    );
    return fromPromClient ? callee.argumentExpression : undefined;
  }

  /** Whether some declared or preset wrapper may be called here (cheap: by the called name). */
  mayBeWrapper(node: ts.CallExpression | ts.NewExpression): boolean {
    const name = calleeName(skipOuter(node.expression));
    return name !== undefined && this.wrappers.mayMatch(name);
  }

  /** The declared or preset wrapper a call invokes, found by following its callee to a package. */
  private wrapperAt(node: ts.NewExpression | ts.CallExpression): Creation['wrapper'] {
    if (!ts.isCallExpression(node) || !this.mayBeWrapper(node)) return undefined;
    for (const path of libraryPaths(node.expression, this.flow)) {
      const found = this.wrappers.match(path.module, path.path);
      if (found) return found;
    }
    return undefined;
  }

  /** The value at an argument path of a wrapper call (`1`, `0.name`), evaluated with the bound arguments. */
  private argumentAt(creation: Creation, path: ArgumentPath): Static | undefined {
    const [index, ...keys] = String(path).split('.');
    let value = this.positionalArgument(creation, Number(index));
    for (const key of keys) {
      // `endTiming(['jobs_delay'], start)`: an element of an array argument.
      if (value?.k === 'arr' && /^\d+$/.test(key)) {
        value = value.items[Number(key)];
        continue;
      }
      if (value?.k !== 'obj') return value?.k === 'param' ? value : undefined;
      value = value.props.get(key) ?? (value.spreadParam ? { k: 'param', decl: value.spreadParam } : undefined);
    }
    return value;
  }

  /**
   * The argument at a position, through spreads of arrays obslint can read (`getHistogram(...PARAMS)`
   * of a constant tuple, or of a tuple parameter its callers bind); unknown where a spread it cannot
   * read hides it, undefined where the call passes none.
   */
  private positionalArgument(creation: Creation, index: number): Static | undefined {
    let position = 0;
    for (const arg of creation.node.arguments ?? []) {
      if (!ts.isSpreadElement(arg)) {
        if (position === index) return this.evaluator.eval(arg, creation.env);
        position++;
        continue;
      }
      const spread = this.evaluator.eval(arg.expression, creation.env);
      // `getHistogram(...params)` of a tuple parameter: each caller's tuple, once its arguments are bound.
      if (spread.k === 'param') return spread;
      if (spread.k !== 'arr') return UNKNOWN;
      if (index < position + spread.items.length) return spread.items[index - position];
      position += spread.items.length;
    }
    return undefined;
  }

  /** A wrapper call's name and options, mapped onto the library's own option names. */
  private wrapperConfig(creation: Creation, spec: WrapperSpec): ReturnType<MetricDefinitions['configOf']> {
    const at = (path: ArgumentPath | undefined): Static | undefined =>
      path === undefined ? undefined : this.argumentAt(creation, path);
    const props = new Map<string, Static>();
    const put = (key: string, value: Static | undefined): void => {
      if (value) props.set(key, value);
    };
    if (creation.library === 'opentelemetry') {
      put('description', at(spec.help));
      const buckets = at(spec.buckets);
      if (buckets) props.set('advice', { k: 'obj', props: new Map([['explicitBucketBoundaries', buckets]]) });
    } else {
      put('help', at(spec.help));
      put('labelNames', at(spec.labelNames));
      put('buckets', at(spec.buckets));
    }
    // What the helper passes to the library when an argument is left out is its own business (Mojaloop's
    // `getCounter(name)` fills in a help text): a missing help is unknown, never "prom-client throws".
    return { name: namespaced(at(spec.name), at(spec.namespace), spec), props, readable: false };
  }

  /** The kind of a wrapper instance: fixed by the spec, or named by an argument (`'Gauge'`). */
  private wrapperKind(creation: Creation, spec: WrapperSpec): MetricKind | undefined {
    if (!spec.kind.startsWith('arg:')) return spec.kind as MetricKind;
    const named = this.argumentAt(creation, spec.kind.slice(4));
    return named && kindNamed(named);
  }

  /** The wrapper parameters (bound at this instance) an expression reads. */
  private boundParameters(expr: ts.Expression, env: Env): ts.ParameterDeclaration[] {
    const found = new Set<ts.ParameterDeclaration>();
    forEachDescendant(expr, (node) => {
      if (!ts.isIdentifier(node)) return;
      const decl = lookup(node.text, node);
      if (decl?.kind === 'parameter' && decl.path.length === 0 && env.has(decl.node)) found.add(decl.node);
    });
    return [...found];
  }

  /**
   * A wrapper parameter replaced by what this instance's call site passed (`tags` → `{ projectId }`),
   * undefined when it passed nothing; a parameter bound nowhere stays itself.
   */
  private bound(expr: ts.Expression, env: Env): ts.Expression | undefined {
    let e = this.fieldParameter(skipOuter(expr), env);
    // `applyPolicy(name, tags) ?? {}`: the labels are what the call site passed as the wrapper's
    // labels parameter, however the wrapper transforms them (following the transformation would
    // mix every call site's labels).
    if (!ts.isIdentifier(e) && !ts.isObjectLiteralExpression(e) && !ts.isArrayLiteralExpression(e)) {
      const params = this.boundParameters(e, env);
      const labels = params.length === 1 ? params : params.filter((p) => LABEL_PARAMETERS.test(p.name.getText()));
      if (labels.length === 1) e = labels[0].name as ts.Identifier;
    }
    // Wrapper levels bind into one environment: an argument may name a parameter of the level above.
    for (let i = 0; i <= MAX_WRAPPER_DEPTH && ts.isIdentifier(e); i++) {
      const decl = lookup(e.text, e);
      const bound = decl?.kind === 'parameter' ? env.get(decl.node) : undefined;
      if (!bound || decl?.kind !== 'parameter') break;
      if (!bound.arg) return decl.path.length === 0 ? decl.node.initializer : undefined;
      // `static({ name, value })` called with `{ name: 'x', value: { version } }`: that property.
      const passed = literalProperty(skipOuter(bound.arg), decl.path);
      if (!passed) break;
      if (bound.env.size > 0) env = new Map([...env, ...bound.env]);
      e = this.fieldParameter(passed, env);
    }
    return e;
  }

  /** `this.labels` of a `new Timer(key, labels)`: the constructor's parameter, when this instance binds it. */
  private fieldParameter(e: ts.Expression, env: Env): ts.Expression {
    if (!ts.isPropertyAccessExpression(e) || skipOuter(e.expression).kind !== ts.SyntaxKind.ThisKeyword) return e;
    const cls = enclosingClassLike(e);
    const param = cls && constructorParameterField(cls, e.name.text);
    return param && env.has(param) ? (param.name as ts.Identifier) : e;
  }

  /** The name and options of a creation, evaluated with the wrapper arguments bound so far. */
  private configOf(creation: Creation): {
    name: Static | undefined;
    props: Map<string, Static>;
    readable: boolean;
    spreadParam?: ts.ParameterDeclaration;
  } {
    if (creation.entry)
      return { name: { k: 'str', v: creation.entry.name }, props: creation.entry.props, readable: true };
    if (creation.wrapper) return this.wrapperConfig(creation, creation.wrapper.spec);
    const args = creation.node.arguments ?? [];
    if (creation.library === 'opentelemetry') {
      const options = args[1] ? this.evaluator.eval(args[1], creation.env) : undefined;
      return {
        name: args[0] ? this.evaluator.eval(args[0], creation.env) : undefined,
        props: options?.k === 'obj' ? options.props : new Map<string, Static>(),
        readable: true,
      };
    }
    const config = args[0] ? this.evaluator.eval(args[0], creation.env) : undefined;
    if (config?.k === 'param') return { name: config, props: new Map(), readable: false };
    if (config?.k !== 'obj') return { name: undefined, props: new Map(), readable: false };
    const name =
      config.props.get('name') ?? (config.spreadParam ? { k: 'param' as const, decl: config.spreadParam } : undefined);
    return {
      name,
      props: config.props,
      readable: !config.spreadParam && !config.openSpread,
      spreadParam: config.spreadParam,
    };
  }

  /** Direct definitions resolve to themselves; wrapper templates fan out to one definition per call site. */
  private instantiate(creation: Creation, depth: number): Creation[] {
    const nameValue = this.configOf(creation).name;
    // A wrapper passes on the name, or the kind (`getOrCreateMetric(type, options)`), it is given.
    const kindValue =
      creation.wrapper?.spec.kind.startsWith('arg:') === true
        ? this.argumentAt(creation, creation.wrapper.spec.kind.slice(4))
        : creation.kindFrom
          ? this.evaluator.eval(creation.kindFrom, creation.env)
          : undefined;
    const param = nameValue?.k === 'param' ? nameValue : kindValue?.k === 'param' ? kindValue : undefined;
    if (!param || depth >= MAX_WRAPPER_DEPTH) return [creation];
    const turns = iterations(param.decl, this.evaluator, this.project, creation.env);
    if (turns) return this.perElement(creation, param.decl, turns, depth);
    const collection = iteratedCollection(param.decl);
    if (collection) {
      // `for (const [key, options] of Object.entries(TABLE[service]))` in `init(service)`: the
      // collection each caller of `init` selects.
      const over = this.evaluator.eval(collection, creation.env);
      if (
        over.k === 'param' &&
        ts.isParameter(over.decl) &&
        over.decl !== param.decl &&
        encloses(over.decl.parent, param.decl)
      )
        return this.viaCallers(creation, over.decl.parent, depth);
      // Over a collection obslint cannot list (imported queues, a split environment variable): one
      // metric whose name varies per element.
      return [creation];
    }
    if (ts.isVariableDeclaration(param.decl)) return depth === 0 && !recordsWhereCalled(creation) ? [] : [creation];
    const fn = param.decl.parent;
    const closure = this.closureInstances(creation, fn, depth);
    if (closure) return closure;
    return this.viaCallers(creation, fn, depth);
  }

  /** One instance per call of the wrapper `fn` (its arguments bound), or none where nothing calls it. */
  private viaCallers(creation: Creation, fn: ts.SignatureDeclaration, depth: number): Creation[] {
    // A method is matched to calls by name: not where the checker places the receiver elsewhere (`classList.add`).
    const calls = this.calls.possibleCallersOf(fn);
    if (calls.length === 0) {
      const invoked = this.callbackInstances(creation, fn, depth) ?? this.curriedInstances(creation, fn, depth);
      if (invoked) return invoked;
    }
    // A wrapper's body is not a metric of its own: each call site is (none seen: nothing to list),
    // but a StatsD or CloudWatch call is one wherever it is. A call site whose name still depends on its own
    // caller, none of which obslint sees, is one metric with a partly known name (`indexer_ok_{networkIdentifier}`).
    if (calls.length === 0) return depth === 0 && !recordsWhereCalled(creation) ? [] : [creation];
    const byMethodName = isMethodLike(fn);
    const instances = calls.flatMap((call) => {
      const env = bindArguments(fn, call.arguments ?? [], EMPTY_ENV, creation.env);
      const found = this.instantiate({ ...creation, env, calls: [call, ...creation.calls] }, depth + 1);
      if (!byMethodName) return found;
      // A method is matched by name only; keep the calls that really pass a metric name, on a
      // receiver that may hold the method (`res.set('Connection', 'close')` is no call of a facade's `set`).
      const named = found.filter((i) => this.callerNames(creation, i));
      return named.length > 0 && mayBeCalledOn(call, fn, this.flow) ? named : [];
    });
    // A call site (depth > 0) is a metric even when no caller of its own function passes a name.
    return instances.length === 0 && depth > 0 ? [creation] : instances;
  }

  /**
   * A function another function returns, called where that call's result is (`counterWith({ prefix })({
   * name })`, or `const counter = counterWith({}); counter({ name })`): each such call binds the inner
   * function's parameters, the call that made it the outer one's.
   */
  private curriedInstances(creation: Creation, fn: ts.SignatureDeclaration, depth: number): Creation[] | undefined {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
    const outer = returningFunction(fn);
    if (!outer) return undefined;
    const instances: Creation[] = [];
    for (const made of this.calls.possibleCallersOf(outer)) {
      if (!ts.isCallExpression(made)) continue;
      const outerEnv = bindArguments(outer, made.arguments, EMPTY_ENV, creation.env);
      for (const call of callsOfResult(made, this.project)) {
        const env = bindArguments(fn, call.arguments, EMPTY_ENV, outerEnv);
        instances.push(...this.instantiate({ ...creation, env, calls: [call, ...creation.calls] }, depth + 1));
      }
    }
    return instances.length > 0 ? instances : undefined;
  }

  /**
   * A callback handed to a function that calls it: `counters(name, (name) => meter.createCounter(…))`
   * where `counters` (made by a caching helper) runs `creator(name)`. Each call of the callback's
   * parameter inside that function binds the callback's parameters, the function's own bound by
   * the call handing the callback over; undefined when the callback is not an argument or its
   * receiver cannot be followed to a function that calls it.
   */
  private callbackInstances(creation: Creation, fn: ts.SignatureDeclaration, depth: number): Creation[] | undefined {
    const handedTo = fn.parent;
    if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !ts.isCallExpression(handedTo)) return undefined;
    const index = handedTo.arguments.indexOf(fn);
    if (index < 0) return undefined;
    const direct = calledFunction(handedTo.expression, this.project);
    const receivers: ts.SignatureDeclaration[] = direct
      ? [direct]
      : this.flow
          .origins(handedTo.expression)
          .flatMap((source) => (isInjected(source) || source.path.length > 0 ? [] : [skipOuter(source.expr)]))
          .filter(
            (e): e is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(e) || ts.isFunctionExpression(e),
          );
    const instances: Creation[] = [];
    for (const receiver of receivers) {
      const parameter = receiver.parameters[index];
      const body = (receiver as ts.FunctionLikeDeclaration).body;
      if (!parameter || !body) continue;
      const receiverEnv = bindArguments(receiver, handedTo.arguments, creation.env, creation.env);
      forEachDescendant(body, (node) => {
        if (node !== body && ts.isFunctionLike(node)) return false;
        if (!ts.isCallExpression(node) || !ts.isIdentifier(skipOuter(node.expression))) return;
        const called = skipOuter(node.expression) as ts.Identifier;
        const decl = lookup(called.text, called);
        if (decl?.kind !== 'parameter' || decl.node !== parameter || decl.path.length > 0) return;
        const env = bindArguments(fn, node.arguments, receiverEnv, creation.env);
        instances.push(...this.instantiate({ ...creation, env, calls: [handedTo, ...creation.calls] }, depth + 1));
      });
    }
    return receivers.length > 0 && instances.length > 0 ? instances : undefined;
  }

  /**
   * A parameter of a function the chain did not enter by a call but lexically (`make(scope)` returns
   * `{ counter: (name) => create(`${scope}/${name}`) }`, called as `scoped.counter('x')`): bound by
   * the call that made the object the method was called on, read from the receiver's origin. The
   * metric stays where the chain's outermost call is; a receiver obslint cannot follow leaves the
   * parameter open (`{scope}/x`) rather than a metric for every object ever made.
   */
  private closureInstances(creation: Creation, fn: ts.SignatureDeclaration, depth: number): Creation[] | undefined {
    const [outer, next] = creation.calls;
    const entered = outer && enclosingFunction(next ?? creation.node);
    if (!entered || entered === fn || !encloses(fn, entered)) return undefined;
    // A callback `outer` handed over and its receiver ran (see `callbackInstances`): `outer` is a call in `fn`.
    if (entered.parent === outer) return undefined;
    const callee = skipOuter(outer.expression);
    const made = ts.isPropertyAccessExpression(callee)
      ? this.flow
          .origins(callee.expression)
          .flatMap((source) => (isInjected(source) || source.path.length > 0 ? [] : [skipOuter(source.expr)]))
          .filter(
            (e): e is ts.CallExpression => ts.isCallExpression(e) && calledFunction(e.expression, this.project) === fn,
          )
      : [];
    if (made.length === 0) {
      // Left open, so the name's other parts are still bound by their callers (`{scope}/${name}`
      // in a decorator factory `CallMetric('doc', 'merges')` over a Proxy-made scope).
      const open = new Map(creation.env);
      for (const p of fn.parameters) open.set(p, { arg: undefined, env: EMPTY_ENV, value: UNKNOWN });
      // No call level is added: the depth limit counts wrapper calls.
      return this.instantiate({ ...creation, env: open }, depth);
    }
    return made.flatMap((call) =>
      this.instantiate({ ...creation, env: bindArguments(fn, call.arguments, EMPTY_ENV, creation.env) }, depth + 1),
    );
  }

  /**
   * `for (const metric of METRICS) if (metric.type === 'counter') newCounter(metric.name, …)`: one
   * metric per element of a constant array, where the branch the creation is in is taken for it.
   */
  private perElement(creation: Creation, binding: Binding, turns: Iteration[], depth: number): Creation[] {
    const site = creation.calls[0] ?? creation.node;
    // The loop statement, or the iterating callback: the `if`s that select a kind are inside it.
    const boundary = ts.isVariableDeclaration(binding) ? binding.parent.parent : binding.parent;
    const instances = turns.flatMap(({ bound, node }, index) => {
      const env = new Map(creation.env);
      env.set(binding, bound);
      if (!this.branchTaken(site, boundary, env)) return [];
      return this.instantiate({ ...creation, env, element: { index, node, loop: boundary } }, depth + 1);
    });
    // Elements whose names obslint cannot read (`${queue.name}_waiting`) are not one name registered
    // again and again: they are one metric whose name varies per element.
    const names = new Set(instances.map((i) => this.readableName(i)));
    const [only] = names;
    return instances.length > 1 && names.size === 1 && only?.includes('{') ? [creation] : instances;
  }

  /**
   * `kind === 'counter'` with `kind` bound to a string: whether it holds. Undefined for any other
   * test, whose value the evaluator may have guessed (`bytes ?? 0` reads as its fallback).
   */
  private selectsByString(condition: ts.Expression, env: Env): boolean | undefined {
    const e = skipOuter(condition);
    if (!ts.isBinaryExpression(e) || !EQUALITY.has(e.operatorToken.kind)) return undefined;
    const [literal, other] = ts.isStringLiteralLike(e.right) ? [e.right, e.left] : [e.left, e.right];
    if (!ts.isStringLiteralLike(literal)) return undefined;
    const value = this.evaluator.eval(other, env);
    if (value.k !== 'str') return undefined;
    const equal = value.v === literal.text;
    const negated =
      e.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      e.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsToken;
    return negated ? !equal : equal;
  }

  /**
   * Whether each `creators[type](…)` in a wrapper chain, with what is bound, selects the entry the
   * chain goes through (`getOrCreate('counter', name)` reaches `creators.counter` only).
   */
  private dispatchTaken(creation: Creation): boolean {
    return creation.calls.every((call, i) => {
      const callee = skipOuter(call.expression);
      if (!ts.isCallExpression(call) || !ts.isElementAccessExpression(callee)) return true;
      const target = enclosingFunction(creation.calls[i + 1] ?? creation.node);
      const key = target && entryKey(target);
      const selected = scalarText(this.evaluator.eval(callee.argumentExpression, creation.env));
      return key === undefined || selected === undefined || selected === key;
    });
  }

  /**
   * Whether, with what is bound, every `if` between `node` and `boundary` (a loop, a wrapper
   * function) lets it through: `if (metric.type === 'counter')`, `if (buckets) … else …`.
   */
  private branchTaken(node: ts.Node, boundary: ts.Node, env: Env): boolean {
    for (
      let child = node, parent = node.parent;
      parent && parent !== boundary;
      child = parent, parent = parent.parent
    ) {
      if (ts.isFunctionLike(parent)) break;
      // `switch (type) { case 'counter': … }`: the clause whose value the bound argument has.
      if (ts.isCaseBlock(parent) && ts.isCaseOrDefaultClause(child)) {
        const selected = scalarText(this.evaluator.eval(parent.parent.expression, env));
        if (selected === undefined) continue;
        const matches = (clause: ts.CaseOrDefaultClause): boolean | undefined => {
          if (!ts.isCaseClause(clause)) return undefined;
          const value = scalarText(this.evaluator.eval(clause.expression, env));
          return value === undefined ? undefined : value === selected;
        };
        const clauses = parent.clauses;
        // Falling through: a clause is reached from any earlier clause without a break that matches.
        const reached = (index: number): boolean | undefined => {
          const own = ts.isDefaultClause(clauses[index])
            ? clauses.every((c) => matches(c) === false || ts.isDefaultClause(c))
              ? true
              : clauses.some((c) => matches(c) === true)
                ? false
                : undefined
            : matches(clauses[index]);
          if (own !== false || index === 0) return own;
          const fallsThrough = !endsClause(clauses[index - 1].statements);
          return fallsThrough ? reached(index - 1) : false;
        };
        if (reached(clauses.indexOf(child)) === false) return false;
        continue;
      }
      // `kind === 'counter' ? meter.createCounter(name) : meter.createHistogram(name)`.
      if (ts.isConditionalExpression(parent) && child !== parent.condition) {
        const taken = this.conditionHolds(parent.condition, env);
        if (taken !== undefined && taken !== (child === parent.whenTrue)) return false;
        continue;
      }
      // `if (kind === 'counter') return meter.createCounter(name);` before it: not reached for a counter.
      if (ts.isBlock(parent) && ts.isStatement(child)) {
        const before = parent.statements.slice(0, parent.statements.indexOf(child));
        const exited = before.some(
          (st) =>
            ts.isIfStatement(st) &&
            !st.elseStatement &&
            leavesFunction(st.thenStatement) &&
            this.selectsByString(st.expression, env) === true,
        );
        if (exited) return false;
        continue;
      }
      if (!ts.isIfStatement(parent)) continue;
      const taken = this.conditionHolds(parent.expression, env);
      if (taken === undefined) continue;
      if (child === parent.thenStatement && !taken) return false;
      if (child === parent.elseStatement && taken) return false;
    }
    return true;
  }

  /**
   * Whether a condition holds for a wrapper instance: `labelNames && labelNames.length > 0` is false
   * where the caller passed no `labelNames` (an argument left out is `undefined`); undefined when
   * obslint cannot tell.
   */
  private conditionHolds(expr: ts.Expression, env: Env): boolean | undefined {
    const e = skipOuter(expr);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = this.conditionHolds(e.operand, env);
      return inner === undefined ? undefined : !inner;
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        const and = op === ts.SyntaxKind.AmpersandAmpersandToken;
        const left = this.conditionHolds(e.left, env);
        if (left === !and) return left;
        const right = this.conditionHolds(e.right, env);
        if (left === and) return right;
        return right === !and ? right : undefined;
      }
      const compared = [
        ts.SyntaxKind.GreaterThanToken,
        ts.SyntaxKind.GreaterThanEqualsToken,
        ts.SyntaxKind.LessThanToken,
        ts.SyntaxKind.LessThanEqualsToken,
      ].includes(op);
      if (compared) {
        const [l, r] = [this.numberOf(e.left, env), this.numberOf(e.right, env)];
        if (l === undefined || r === undefined) return undefined;
        if (op === ts.SyntaxKind.GreaterThanToken) return l > r;
        if (op === ts.SyntaxKind.GreaterThanEqualsToken) return l >= r;
        if (op === ts.SyntaxKind.LessThanToken) return l < r;
        return l <= r;
      }
    }
    if (ts.isIdentifier(e) && this.leftOut(e, env)) return false;
    return truthiness(this.evaluator.eval(e, env));
  }

  /** A parameter the instance's call leaves out, without a default: `undefined`. */
  private leftOut(id: ts.Identifier, env: Env): boolean {
    const decl = lookup(id.text, id);
    if (decl?.kind !== 'parameter') return false;
    const bound = env.get(decl.node);
    if (!bound || bound.value) return false;
    if (decl.path.length === 0) {
      if (decl.node.initializer) return false;
      if (bound.arg === undefined) return true;
      // `newHistogram(name, help, labelNames, metric.buckets)` for a table entry without `buckets`.
      const arg = skipOuter(bound.arg);
      if (!ts.isPropertyAccessExpression(arg)) return false;
      // A caller bound at the top level sees what is bound around it (the table entry a loop is at).
      const holder = this.evaluator.eval(arg.expression, bound.env.size === 0 ? env : new Map([...env, ...bound.env]));
      return holder.k === 'obj' && !holder.spreadParam && !holder.openSpread && !holder.props.has(arg.name.text);
    }
    // `{ labelNames }` destructured from an object literal without it.
    const element = decl.name.parent;
    if (ts.isBindingElement(element) && element.initializer) return false;
    const given = bound.arg && this.evaluator.eval(bound.arg, bound.env);
    return given?.k === 'obj' && !given.spreadParam && !given.props.has(decl.path[decl.path.length - 1]);
  }

  /** A number a comparison reads: a constant, or the `length` of an array or string. */
  private numberOf(expr: ts.Expression, env: Env): number | undefined {
    const e = skipOuter(expr);
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') {
      const base = this.evaluator.eval(e.expression, env);
      return base.k === 'arr' ? base.items.length : base.k === 'str' ? base.v.length : undefined;
    }
    const value = this.evaluator.eval(e, env);
    return value.k === 'num' ? value.v : undefined;
  }

  /**
   * Whether a call matched by method name only really passes a metric name: the instance's name is
   * constant, or has constant parts the wrapper alone does not (`this.getOrCreateMetric(…, { name: 'x' })`).
   */
  private callerNames(template: Creation, instance: Creation): boolean {
    if (this.staticName(instance) !== undefined) return true;
    return constantLength(this.readableName(instance)) > constantLength(this.readableName(template));
  }

  /** The name as far as it is constant (`{APP_NAME}_build_info`), for wrappers matched by method name. */
  private readableName(creation: Creation): string | undefined {
    const name = this.staticName(creation);
    if (name !== undefined) return name;
    const expr = this.nameArgument(creation);
    return expr ? this.evaluator.pattern(expr, creation.env) : undefined;
  }

  /** The expression that gives a creation its name (a wrapper's name argument path, `name:` of a config). */
  private nameArgument(creation: Creation): ts.Expression | undefined {
    const spec = creation.wrapper?.spec;
    if (!spec) return creation.library === 'prom-client' ? nameExpression(creation.node) : creation.node.arguments?.[0];
    const [index, ...keys] = String(spec.name).split('.');
    let e: ts.Expression | undefined = creation.node.arguments?.[Number(index)];
    for (const key of keys) {
      const object = e && skipOuter(e);
      if (object && ts.isArrayLiteralExpression(object) && /^\d+$/.test(key)) {
        e = object.elements[Number(key)];
        continue;
      }
      if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
      const prop = object.properties.find(
        (p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyKey(p.name) === key,
      );
      e =
        prop &&
        (ts.isPropertyAssignment(prop)
          ? prop.initializer
          : ts.isShorthandPropertyAssignment(prop)
            ? prop.name
            : undefined);
    }
    return e;
  }

  private staticName(creation: Creation): string | undefined {
    const name = this.configOf(creation).name;
    return name ? scalarText(name) : undefined;
  }

  /** Get-or-create instances wait until every plainly created metric is known (see `finish`). */
  private readonly deferred: Creation[] = [];
  private finishing = false;

  /** Defines the get-or-create instances, each merged into a metric already created under its name. */
  finish(): void {
    this.finishing = true;
    // In source order, so a name is defined at its first call site (others become `alsoAt`).
    const site = (c: Creation): ts.Node => c.calls[0] ?? c.node;
    const deferred = this.deferred
      .splice(0)
      .map((creation, index) => ({ creation, index, at: site(creation) }))
      .sort(
        (a, b) =>
          compareStrings(a.at.getSourceFile().fileName, b.at.getSourceFile().fileName) ||
          a.at.getStart() - b.at.getStart() ||
          a.index - b.index,
      );
    for (const { creation } of deferred) this.define(creation);
  }

  /** The lookup a creation (or one of the wrapper calls leading to it) runs only after, if any. */
  private guardOf(creation: Creation): { holder: ts.Expression | undefined; at: ts.Node } | undefined {
    for (const at of [creation.node, ...[...creation.calls].reverse()]) {
      const guard = lookupGuard(at);
      if (guard) return { ...guard, at };
    }
    return undefined;
  }

  private define(creation: Creation): void {
    const { node, calls, library, wrapper } = creation;
    const kind = creation.entry
      ? creation.kind
      : wrapper
        ? this.wrapperKind(creation, wrapper.spec)
        : creation.kindFrom
          ? (kindNamed(this.evaluator.eval(creation.kindFrom, creation.env)) ?? this.passedClass(creation))
          : creation.kind;
    if (!kind) return;
    // One record of declarations given to two components (an app and its worker): one metric per entry.
    if (creation.entry) {
      if (this.declaredEntries.has(creation.entry.key)) return;
      this.declaredEntries.add(creation.entry.key);
    }
    const guard = this.guardOf(creation);
    // A use by name (`incCounter(name, labels)`) waits for every definition, wherever it is.
    if ((guard || wrapper?.spec.recordsOnly) && !this.finishing) {
      this.deferred.push(creation);
      return;
    }
    // A wrapper instance whose arguments rule out the branch the creation is in creates nothing there.
    // Each level of a wrapper chain may choose by its arguments (`metric(type, name)` → `switch (type)`).
    if (
      creation.calls.length > 0 &&
      (![node, ...creation.calls].every((level) => this.branchTaken(level, level.getSourceFile(), creation.env)) ||
        !this.dispatchTaken(creation))
    )
      return;
    const outer = calls[0];
    const site = outer ?? node;
    const config = this.configOf(creation);
    const props = config.props;
    const normalized = (text: string): string => (wrapper?.spec.normalizesNames ? serviceRunnerName(text) : text);
    const written = config.name ? scalarText(config.name) : undefined;
    const name = written === undefined ? undefined : normalized(written);
    // A metric declared as an element of a constant array is defined where the element names it.
    const loc = this.project.location(creation.entry?.key ?? namedAt(creation.element?.node) ?? namingLine(site));
    // Get-or-create by name: a further call gets the metric the first one registered. A StatsD or
    // CloudWatch call records under its name: nothing is registered, whoever declares the wrapper.
    const getOrCreate =
      wrapper?.spec.getOrCreate === true ||
      wrapper?.spec.library === 'statsd' ||
      wrapper?.spec.library === 'cloudwatch' ||
      guard !== undefined;
    // StatsD keeps a counter and a timer of one name apart (`stats.counters.x`, `stats.timers.x`).
    const named =
      getOrCreate && name !== undefined
        ? library === 'statsd'
          ? this.statsdByNameAndKind.get(`${name}\u0000${kind}`)
          : this.byName.get(name)
        : undefined;
    // A cache of the module's own (`byRegistry.get(registry)` before `new Histogram(…)`) hands back
    // what that module made, not what another module's cache made under the same name; the registry's
    // own lookup (`getSingleMetric(name)`) is shared by whoever asks it.
    const existing =
      named &&
      guard &&
      !wrapper &&
      !asksRegistry(guard.at) &&
      this.creationOf(named)?.getSourceFile() !== node.getSourceFile()
        ? undefined
        : named;
    // `incCounter(name, labels)`: a use of the metric registered under that name, if any.
    if (wrapper?.spec.recordsOnly) {
      const registered = name === undefined ? undefined : this.byName.get(name);
      if (registered?.library === library) this.record(registered, creation, site);
      return;
    }
    // Two branches of the helper one call runs (`if (this.buckets) histogram(…) else timing(…)`) make
    // one metric of either kind: no second request.
    const sameCall = existing !== undefined && [...(this.instances.get(site)?.values() ?? [])].includes(existing);
    if (existing && sameCall) {
      this.record(existing, creation, site, guard);
      return;
    }
    if (existing && existing.library === library) {
      (existing.alsoAt ??= []).push(loc);
      const differs = askedDifferently(existing, kind, props, site);
      if (differs) (existing.alsoAtDiffers ??= []).push({ loc, ...differs });
      this.record(existing, creation, site, guard);
      return;
    }
    // Two implementations of one metrics facade (`OpenTelemetryMetricService` and a test double behind
    // `MetricService.createCounter`), or two branches, make the same metric for one call: it is one.
    const alternative = outer
      ? [...(this.instances.get(site)?.values() ?? [])].find(
          (d) => d.name === name && d.kind === kind && d.library === library,
        )
      : undefined;
    if (alternative && name !== undefined) {
      this.record(alternative, creation, site, guard);
      return;
    }
    const labels = library === 'prom-client' ? props.get('labelNames') : undefined;
    // A project's own class whose options have no label names checks none: any the uses pass.
    const openLabels = wrapper?.ownClass === true && wrapper.spec.labelNames === undefined;
    const labelNames = labels ? staticStrings(labels)?.map(normalized) : [];
    const nameNode = library !== 'prom-client' || wrapper ? node.arguments?.[0] : nameExpression(node);
    const def: MetricDef = {
      // A wrapper call can create several metrics (`httpMetrics('api')` → requests, latency).
      id:
        outer || creation.element
          ? `${loc.file}:${loc.line}:${loc.column}#${node.getStart()}${creation.element && !creation.element.node ? `@${creation.element.index}` : ''}${innerCalls(calls)}`
          : `${loc.file}:${loc.line}:${loc.column}`,
      name: name ?? this.readableName(creation) ?? nameText(nameNode ?? node),
      nameIsDynamic: name === undefined,
      kind,
      library,
      labelNames: labelNames ?? [],
      // OpenTelemetry declares no attribute keys: they are read from the uses (see extract.ts).
      labelNamesKnown: library === 'prom-client' && labelNames !== undefined && !openLabels,
      loc,
      // Getting a metric by name is safe anywhere: only the first call registers it.
      // One metric per element of a constant collection: the loop over it runs where the loop is.
      // A record of declarations is registered once, by the component it makes.
      createdIn:
        getOrCreate || creation.entry
          ? 'module'
          : creation.element
            ? this.creationPlacement(creation.element.loop, false)
            : this.creationPlacement(site, name !== undefined && !outer ? isStaticName(node) : false),
    };
    if (openLabels) def.labelsFromUses = true;
    if (library === 'prom-client') {
      // '' marks a readable config without `help` (prom-client throws); undefined, one obslint cannot read.
      def.help = props.has('help') ? scalarText(props.get('help')!) : config.readable ? '' : undefined;
    } else if (library === 'opentelemetry') {
      def.help = props.has('description') ? scalarText(props.get('description')!) : undefined;
      def.unit = props.has('unit') ? scalarText(props.get('unit')!) : undefined;
      def.instrument = propertyName(skipOuter(node.expression));
      const callee = skipOuter(node.expression);
      // Through a helper's `meter` parameter: what this instance's call site passed.
      const meter = ts.isPropertyAccessExpression(callee) ? this.bound(callee.expression, creation.env) : undefined;
      def.meter = meter ? meterName(meter) : undefined;
    }
    if (outer) def.via = { wrapper: nameText(outer.expression), loc: this.project.location(node) };
    // A project's own metric class is the library there: its instances are followed as prom-client's are.
    else if (wrapper && !wrapper.ownClass) def.via = { wrapper: wrapper.spec.callee, loc };
    const labelTypes = this.labelTypesOf(outer ?? node);
    if (labelTypes) def.labelTypes = labelTypes;
    if (kind === 'histogram') {
      const advice = props.get('advice');
      const given =
        library === 'prom-client'
          ? props.get('buckets')
          : advice?.k === 'obj'
            ? advice.props.get('explicitBucketBoundaries')
            : undefined;
      const values = given ? staticNumbers(given) : undefined;
      const defaults = library === 'prom-client' ? PROM_CLIENT.defaultBuckets : OTEL.defaultBoundaries;
      def.bucketValues = values ?? (given ? undefined : defaults);
      def.buckets = def.bucketValues?.length;
      def.bucketsReason = values
        ? library === 'prom-client'
          ? 'buckets given'
          : 'advice.explicitBucketBoundaries'
        : given
          ? 'buckets not readable'
          : library === 'prom-client'
            ? 'prom-client default buckets'
            : 'OpenTelemetry default boundaries';
    }
    if (kind === 'summary') {
      const given = props.get('percentiles');
      const values = given ? staticNumbers(given) : undefined;
      def.quantiles = (values ?? (given ? undefined : PROM_CLIENT.defaultPercentiles))?.length;
      if (props.has('maxAgeSeconds')) def.quantileWindow = 'sliding';
      else if (config.readable && library === 'prom-client' && !wrapper) def.quantileWindow = 'lifetime';
    }
    this.locateFactors(def, creation, site);
    this.defs.push(def);
    const nameSource = this.nameArgument(creation);
    if (def.nameIsDynamic && nameSource) this.dynamicNames.set(def, { name: nameSource, env: creation.env });
    // A get-or-create (guarded by a lookup of its name) registers only when nothing holds the name.
    if (!guard) this.noteRegistration(def, creation, site, config);
    this.record(def, creation, site, guard);
    if (!def.nameIsDynamic && !this.byName.has(def.name)) this.byName.set(def.name, def);
    if (!def.nameIsDynamic) this.everyNamed.set(def.name, [...(this.everyNamed.get(def.name) ?? []), def]);
    const statsdKey = `${def.name}\u0000${def.kind}`;
    if (library === 'statsd' && !def.nameIsDynamic && !this.statsdByNameAndKind.has(statsdKey))
      this.statsdByNameAndKind.set(statsdKey, def);
  }

  /**
   * Where the factors of the metric's series are written: each `labelNames` entry, and the
   * `buckets` (or percentiles) option. A budget finding sits on the largest factor, the line a
   * change that grew the metric touched. The call site is searched before a wrapper's body.
   */
  private locateFactors(def: MetricDef, creation: Creation, site: ts.Node): void {
    // A metric declared as an element of a constant array is written where the element is.
    const places = [
      ...(creation.element?.node ? [creation.element.node] : []),
      ...(site === creation.node ? [site] : [site, creation.node]),
    ];
    // The literal that names it (at the wrapper call site first), or the name expression of the config.
    let name: ts.Node | undefined;
    for (const place of places)
      forEachDescendant(place, (n) => {
        if (!name && ts.isStringLiteralLike(n) && n.text === def.name) name = n;
      });
    name ??= site === creation.node && creation.library === 'prom-client' ? nameExpression(creation.node) : undefined;
    if (name) def.nameLoc = this.project.location(name);
    const labels: Record<string, Location> = {};
    const wanted = new Set(def.labelNames);
    for (const place of places)
      forEachDescendant(place, (n) => {
        if (!ts.isStringLiteralLike(n) || !wanted.has(n.text) || labels[n.text]) return;
        if (n.parent && ts.isArrayLiteralExpression(n.parent)) labels[n.text] = this.project.location(n);
      });
    if (Object.keys(labels).length > 0) def.labelLocs = labels;
    if (def.kind !== 'histogram' && def.kind !== 'summary') return;
    const keys = def.kind === 'histogram' ? ['buckets', 'explicitBucketBoundaries'] : ['percentiles'];
    const bucketsArgument = creation.wrapper?.spec.buckets;
    const direct =
      typeof bucketsArgument === 'number' && def.kind === 'histogram'
        ? creation.node.arguments?.[bucketsArgument]
        : undefined;
    let found: ts.Node | undefined = direct;
    for (const place of places)
      forEachDescendant(place, (n) => {
        if (!found && ts.isPropertyAssignment(n) && keys.includes(propertyKey(n.name) ?? '')) found = n;
      });
    // The option's key: a region GitHub shows only when every line of it changed must stay on one line.
    if (found) def.childrenLoc = this.project.location(ts.isPropertyAssignment(found) ? found.name : found);
  }

  /**
   * A `new Counter(…)` of prom-client, directly or through a project wrapper, created once (module
   * scope or a class) and not guarded by a get-or-create: it registers its name when it is built.
   * An OpenTelemetry instrument with a static name on a meter obslint can name, likewise.
   */
  private noteRegistration(
    def: MetricDef,
    creation: Creation,
    site: ts.Node,
    config: ReturnType<MetricDefinitions['configOf']>,
  ): void {
    const { node, library, wrapper } = creation;
    if (def.createdIn !== 'module' && def.createdIn !== 'class') return;
    // An OpenTelemetry meter is a registry of its own: one instrument per name.
    if (library === 'opentelemetry' && def.meter !== undefined && !def.nameIsDynamic) {
      const file = site.getSourceFile().fileName;
      this.registrations.push({ def, file, registries: [`meter:${def.meter}`] });
      return;
    }
    if (library !== 'prom-client' || wrapper || !ts.isNewExpression(node)) return;
    if (registersOnce(node) || (site !== node && registersOnce(site))) return;
    const registries = registriesOf(node, config.props, config.readable, this.project);
    if (!registries || registries.length === 0) return;
    const registration: Registration = { def, file: site.getSourceFile().fileName, registries };
    const cls = def.createdIn === 'class' ? enclosingClassLike(site) : undefined;
    if (cls) registration.createdBy = cls;
    const expr = def.nameIsDynamic && site === node ? nameExpression(node) : undefined;
    if (expr) registration.built = this.construction(expr);
    this.registrations.push(registration);
  }

  /** How a name is built: its text, with the declaration every identifier in it refers to. */
  private construction(expr: ts.Expression): string {
    const parts = [expr.getText().replace(/\s+/g, ' ')];
    forEachDescendant(expr, (n) => {
      if (!ts.isIdentifier(n) || (n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) return;
      let decl: Declaration | undefined = lookup(n.text, n);
      if (decl?.kind === 'import') decl = this.project.followImport(decl) ?? decl;
      const at = decl && 'node' in decl ? decl.node : undefined;
      parts.push(at ? `${at.getSourceFile().fileName}:${at.getStart()}` : `?${n.text}`);
    });
    return parts.join('|');
  }

  /** Where a defined metric is reachable: its creating node, wrapper call instances, passed labels. */
  private record(
    def: MetricDef,
    creation: Creation,
    site: ts.Node,
    guard?: { holder: ts.Expression | undefined; at: ts.Node },
  ): void {
    const { node, calls, env, wrapper } = creation;
    const outer = calls[0];
    const created = this.byCreation.get(node);
    if (!created) this.byCreation.set(node, [def]);
    else if (!created.includes(def)) created.push(def);
    if (!this.creations.has(def)) this.creations.set(def, node);
    if (!this.creationEnvs.has(def)) this.creationEnvs.set(def, env);
    // The component a record of declarations makes is none of its metrics (uses name them).
    if (creation.entry) {
      // Nothing holds one entry's metric.
    } else if (creation.element) {
      this.byNode.delete(site);
      let perElement = this.byElement.get(site);
      if (!perElement) this.byElement.set(site, (perElement = new Map<number, MetricDef>()));
      perElement.set(creation.element.index, def);
    } else if (outer) {
      for (const level of calls) {
        const through = this.madeThroughCall.get(level) ?? [];
        if (!through.some((t) => t.def === def)) through.push({ def, outermost: outer });
        this.madeThroughCall.set(level, through);
      }
      let atCall = this.byWrapperCall.get(site);
      if (!atCall) this.byWrapperCall.set(site, (atCall = new Set()));
      atCall.add(def);
      let perCall = this.instances.get(site);
      if (!perCall) this.instances.set(site, (perCall = new Map<ts.Node, MetricDef>()));
      perCall.set(node, def);
      // The call's value is the metric only when the wrapper creates exactly one.
      if (new Set(perCall.values()).size === 1) this.byNode.set(site, def);
      else this.byNode.delete(site);
    } else {
      this.byNode.set(site, def);
    }
    // `metric.inc(tags, delta)` after the lookup: the labels are what this instance's call site passed.
    const within = guard?.holder && enclosingFunction(guard.at);
    if (guard?.holder && within)
      for (const use of labelCallsOn(guard.holder, within)) this.pass(use.call, def, this.bound(use.labels, env));
    // A facade whose call is the recording (`Metrics.inc('x', { status })` runs
    // `registry.metric('counter', key).inc(labels)`): each call site is a use, with the labels it passes.
    if (outer && !wrapper)
      for (const level of [...calls.slice(1), node])
        for (const use of labelCallsOnValue(level, def.library)) {
          // In a method of the object the wrapper returns, the call records when that method is
          // called, unless the method is itself a level of this instance (its call site named the metric).
          const method = wrapperMethodRecording(use.call);
          if (method && !method.parameters.some((p) => env.has(p))) continue;
          const passed = this.bound(use.labels, env);
          // No labels given (the wrapper's `labels = {}`): a use without labels, at the call site.
          const none = passed && ts.isObjectLiteralExpression(passed) && passed.properties.length === 0;
          this.pass(outer, def, none ? undefined : passed);
        }
    const labels = wrapper?.spec.labels;
    if (labels) {
      const index = Number(labels.slice(4));
      const argument = wrapper?.spec.library === 'statsd' ? this.statsdTags(node, env, index) : node.arguments?.[index];
      this.pass(node, def, argument && this.bound(argument, env));
    } else if (wrapper?.spec.library === 'statsd') {
      // A StatsD client without tags (lynx): the call sends the value, under its name alone.
      this.pass(node, def, undefined);
    }
    const dimensions = wrapper?.spec.dimensionsFrom;
    if (dimensions) this.passDimensions(node, def, env, dimensions);
  }

  /**
   * The dimensions set on the logger a CloudWatch metric is put on (`logger.putDimensions({ Service })`
   * before `logger.putMetric(name, 1)`), by calls on the same variable, field or chain: each set is
   * labels passed at the recording call; none set, the call records without any.
   */
  private passDimensions(
    node: ts.CallExpression | ts.NewExpression,
    def: MetricDef,
    env: Env,
    from: NonNullable<WrapperSpec['dimensionsFrom']>,
  ): void {
    let receiver = ts.isCallExpression(node) ? receiverOf(node) : undefined;
    if (!receiver) return;
    const setters = new Set([...from.records, ...from.pairs]);
    const found: ts.CallExpression[] = [];
    // `logger.putDimensions({ … }).putMetric(…)`: the chain's own calls, then the logger's.
    while (ts.isCallExpression(receiver) && setters.has(propertyName(skipOuter(receiver.expression)) ?? '')) {
      found.push(receiver);
      const next = receiverOf(receiver);
      if (!next) break;
      receiver = next;
    }
    // A setter later in the same function sets the dimensions of what is put after it, not of this put.
    const within = enclosingFunction(node);
    const after = (call: ts.Node): boolean => enclosingFunction(call) === within && call.getStart() > node.getStart();
    for (const method of setters)
      for (const call of this.project.callsByName.get(method) ?? [])
        if (
          ts.isCallExpression(call) &&
          !found.includes(call) &&
          !after(call) &&
          sameReference(receiverOf(call), receiver)
        )
          found.push(call);
    if (found.length === 0) {
      this.pass(node, def, undefined);
      return;
    }
    for (const call of found) {
      const method = propertyName(skipOuter(call.expression));
      if (method !== undefined && from.pairs.includes(method)) {
        const [key, value] = call.arguments;
        const boundKey = key && this.bound(key, env);
        const boundValue = value && this.bound(value, env);
        if (boundKey && boundValue) this.pass(node, def, undefined, { key: boundKey, value: boundValue });
      } else for (const argument of call.arguments) this.pass(node, def, this.bound(argument, env));
    }
  }

  /**
   * A StatsD client's tags: its optional numeric arguments may be left out, the tags taking their
   * place (hot-shots: `increment(stat, tags)`, `distribution(stat, value, sampleRate, tags)`): the
   * first argument after the name that is an object or array, else the one at the usual place.
   */
  private statsdTags(node: ts.CallExpression | ts.NewExpression, env: Env, usual: number): ts.Expression | undefined {
    const args = node.arguments ?? [];
    for (let i = 1; i < Math.min(args.length, 5); i++) {
      const passed = this.bound(args[i], env);
      // `const ddTags = { smsstatus: req.body.SmsStatus }`, handed over by name.
      const e =
        passed &&
        (ts.isIdentifier(skipOuter(passed)) ? constInitializer(skipOuter(passed) as ts.Identifier) : skipOuter(passed));
      if (e && (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e))) return args[i];
    }
    return args[usual];
  }

  /** Records that `call` passes label values (`argument`, or one `pair`) for `def`. */
  private pass(call: ts.Node, def: MetricDef, argument: ts.Expression | undefined, pair?: PassedLabels['pair']): void {
    const passed: PassedLabels = pair ? { def, argument, pair } : { def, argument };
    const list = this.passed.get(call);
    if (list) list.push(passed);
    else this.passed.set(call, [passed]);
  }

  /**
   * Label domains from an object type argument: `register.gauge<{ topic: GossipType }>(…)` and
   * `new Gauge<{ topic: GossipType }>(…)`. (prom-client's own string type argument names labels only.)
   */
  private labelTypesOf(site: ts.Node): Record<string, string[]> | undefined {
    const typeArgument = ts.isCallExpression(site) || ts.isNewExpression(site) ? site.typeArguments?.[0] : undefined;
    if (!typeArgument || !ts.isTypeLiteralNode(typeArgument)) return undefined;
    const out: Record<string, string[]> = {};
    for (const member of typeArgument.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const key = propertyKey(member.name);
      const bound = key !== undefined ? typeBound(member.type, this.project, this.evaluator) : undefined;
      if (key !== undefined && bound?.kind === 'finite') out[key] = bound.values;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /**
   * Where a metric is created: a plain function counts as hot when a call site of it is (a helper
   * called from a request handler constructs a metric per request).
   */
  private creationPlacement(site: ts.Node, staticName: boolean): MetricDef['createdIn'] {
    // Registered only in a registry the same call makes (`const register = new Registry()` per
    // scrape): each call's metrics live and go with it, and no name is registered twice.
    if (registeredInOwnRegistry(site)) return 'function';
    const where = placement(site, staticName);
    // A factory of a fixed name throws on its second call just like a plain helper.
    if (where !== 'function' && !(where === 'factory' && staticName)) return where;
    const fn = enclosingFunction(site);
    // Methods are matched to calls by name only: too weak to call a metric hot.
    const callers = fn && !isMethodLike(fn) ? this.calls.callersOf(fn) : [];
    for (const call of callers) {
      // `if (!metrics) metrics = initMetrics(prometheus)` in a loop: the first turn makes them.
      if (madeOnce(call)) continue;
      const caller = placement(call, staticName);
      if (caller === 'loop' || caller === 'callback') return caller;
    }
    // A named handler (`async function onMessage(message)`) is registered by reference: no call of its own.
    // One named for setting things up (`registerServiceMetrics(context)`) runs once, whatever its parameters.
    if (
      fn &&
      callers.length === 0 &&
      where === 'function' &&
      handlerByParameters(fn) &&
      !SETS_UP.test(functionName(fn) ?? '')
    )
      return 'callback';
    return where;
  }
}

/**
 * `metrics = initMetrics(p)` under `if (!metrics)`: the call's result is kept in a variable the call
 * only runs to fill, once. (`metrics ??= initMetrics(p)` is a guarded creation to `placement`.)
 */
function madeOnce(call: ts.Node): boolean {
  const assignment = call.parent;
  if (
    !ts.isBinaryExpression(assignment) ||
    assignment.right !== call ||
    assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken
  )
    return false;
  const target = skipOuter(assignment.left).getText();
  let at: ts.Node = assignment.parent;
  while (ts.isExpressionStatement(at) || ts.isBlock(at)) at = at.parent;
  if (!ts.isIfStatement(at)) return false;
  const test = skipOuter(at.expression);
  return (
    ts.isPrefixUnaryExpression(test) &&
    test.operator === ts.SyntaxKind.ExclamationToken &&
    skipOuter(test.operand).getText() === target
  );
}

/** A function named for what it sets up: `registerDispatcherMetrics`, `setupMetrics`, `initTelemetry`. */
const SETS_UP =
  /^(?:register|setup|setUp|init|initialize|create|define|make|build|configure|install|bootstrap)(?:[A-Z_]|$)/;

/** An element `{ name: 'jobs_total', … }` of a metric list: its `name` entry, else the whole element. */
function namedAt(element: ts.Expression | undefined): ts.Node | undefined {
  const e = element && skipOuter(element);
  if (!e || !ts.isObjectLiteralExpression(e)) return element;
  return e.properties.find((p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'name') ?? element;
}

/** The characters of a readable name outside its `{expression}` parts (which may hold braces). */
function constantLength(name: string | undefined): number {
  let depth = 0;
  let length = 0;
  for (const ch of name ?? '') {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) length++;
  }
  return length;
}

/** A wrapper's metric name with its namespace (`bridge_` + `received_messages`); unknown when either part is. */
function namespaced(name: Static | undefined, namespace: Static | undefined, spec: WrapperSpec): Static | undefined {
  // A name a caller passes stays a parameter: each call site is an instance with its own name.
  if ((spec.namespace === undefined && spec.defaultNamespace === undefined) || name?.k === 'param') return name;
  const base = name && scalarText(name);
  const prefix = namespace ? scalarText(namespace) : spec.defaultNamespace;
  return base === undefined || prefix === undefined ? { k: 'unknown' } : { k: 'str', v: `${prefix}_${base}` };
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/**
 * Where a call that defines a metric stands: its first line, or, for a chain broken over lines
 * (`metrics.doc⏎  .counter('merges')`), the line of the called method, where the name is written and
 * a rename changes it.
 */
function namingLine(site: ts.Node): ts.Node {
  if (!ts.isCallExpression(site)) return site;
  const callee = skipOuter(site.expression);
  if (!ts.isPropertyAccessExpression(callee)) return site;
  const file = site.getSourceFile();
  const line = (n: ts.Node): number => file.getLineAndCharacterOfPosition(n.getStart(file)).line;
  return line(callee.name) === line(site) ? site : callee.name;
}

/**
 * The wrapper calls between the outermost one and the creation, for a metric's id: one call of
 * `createQueue(name)` that reaches the same creation through two helper calls
 * (`increment(\`${prefix}.completed\`)`, `increment(\`${prefix}.failed\`)`) defines two metrics.
 */
function innerCalls(calls: readonly Caller[]): string {
  return calls.length > 1
    ? `/${calls
        .slice(1)
        .map((c) => c.getStart())
        .join('/')}`
    : '';
}

/** The function that returns `fn` itself (`(opts) => { return (args) => … }`, `(opts) => (args) => …`). */
function returningFunction(fn: ts.ArrowFunction | ts.FunctionExpression): ts.SignatureDeclaration | undefined {
  const parent = fn.parent;
  if ((ts.isArrowFunction(parent) || ts.isFunctionExpression(parent)) && parent.body === fn) return parent;
  return ts.isReturnStatement(parent) ? enclosingFunction(parent) : undefined;
}

/** The calls of what `made` returns: `made(…)` in place, or through the `const` it is stored in. */
function callsOfResult(made: ts.CallExpression, project: ProjectIndex): ts.CallExpression[] {
  const holder = made.parent;
  if (ts.isCallExpression(holder) && holder.expression === made) return [holder];
  if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return [];
  const name = holder.name.text;
  return (project.callsByName.get(name) ?? []).filter(
    (call): call is ts.CallExpression =>
      ts.isCallExpression(call) &&
      ts.isIdentifier(skipOuter(call.expression)) &&
      lookup(name, skipOuter(call.expression) as ts.Identifier)?.node === holder,
  );
}

/** Whether a `case` clause's statements leave it (`break`, `return`, `throw`), also from a block of its own (`case A: { …; return x; }`). */
function endsClause(statements: readonly ts.Statement[]): boolean {
  return statements.some(
    (st) =>
      ts.isBreakStatement(st) ||
      ts.isReturnStatement(st) ||
      ts.isThrowStatement(st) ||
      (ts.isBlock(st) && endsClause(st.statements)),
  );
}

/**
 * A StatsD call is the metric wherever it is (it records as it defines): a name built from a value
 * there is one metric per value, not the body of a helper whose callers name the metrics.
 */
function recordsWhereCalled(creation: Creation): boolean {
  return creation.library === 'statsd' || creation.library === 'cloudwatch';
}

/** `stats` declared as `const { stats } = …` (or `{ stats: stats }`): read from a property of its own name. */
function destructuredAsNamed(id: ts.Identifier): boolean {
  const decl = lookup(id.text, id);
  if (decl?.kind !== 'variable' || decl.path.length !== 1 || decl.path[0] !== id.text) return false;
  return ts.isObjectBindingPattern(decl.node.name);
}

/**
 * What a further get-or-create call asks for that the metric registered first does not have: the
 * registry hands back the first one regardless (`transaction_requests_get` asked for again with the
 * help text "Post transaction request"). Only what both calls state as constants is compared. Fewer
 * label names are no difference (the first metric takes a subset of its labels, as a helper that
 * asks with the keys of the labels it records does); a label name the first lacks is (`extra`):
 * prom-client throws when a value for it is recorded.
 */
function askedDifferently(
  existing: MetricDef,
  kind: MetricKind,
  props: ReadonlyMap<string, Static>,
  call: ts.CallExpression | ts.NewExpression | undefined,
): { differs: 'kind' | 'help text' } | { differs: 'label names'; extra: string[] } | undefined {
  if (kind !== existing.kind) return { differs: 'kind' };
  const help = props.has('help') ? scalarText(props.get('help')!) : undefined;
  // A help text the call writes itself: not a helper's fallback made of the name (`create(name, name)`).
  const written =
    help !== undefined &&
    !existing.name.includes(help) &&
    call?.arguments?.some((a) => ts.isStringLiteralLike(a) && a.text === help) === true;
  if (written && existing.help !== undefined && existing.help !== '' && help !== existing.help)
    return { differs: 'help text' };
  const labels = props.has('labelNames') ? staticStrings(props.get('labelNames')!) : undefined;
  const extra = existing.labelNamesKnown ? (labels ?? []).filter((l) => !existing.labelNames.includes(l)) : [];
  return extra.length > 0 ? { differs: 'label names', extra: [...new Set(extra)].sort() } : undefined;
}

/** The property names a type literal declares (`{ name: string; help: string }`); none for other types. */
function typeLiteralKeys(type: ts.TypeNode): string[] {
  if (!ts.isTypeLiteralNode(type)) return [];
  return type.members.flatMap((m) => {
    const key = m.name && propertyKey(m.name);
    return key === undefined ? [] : [key];
  });
}

/** `new Type(options)` where `Type` is a parameter: the class each caller passes decides the kind. */
function classParameter(node: ts.NewExpression | ts.CallExpression): ts.Expression | undefined {
  if (!ts.isNewExpression(node)) return undefined;
  const callee = skipOuter(node.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const decl = lookup(callee.text, callee);
  return decl?.kind === 'parameter' && decl.path.length === 0 ? callee : undefined;
}

/** The metric kind a class or kind name stands for (`'Histogram'`, `'counter'`). */
function kindNamed(value: Static): MetricKind | undefined {
  const word = scalarText(value)?.toLowerCase();
  return word === undefined ? undefined : KIND_WORDS[word];
}

/** The kind an entry of a record of declarations gives: `type: IMetricsComponent.CounterType`, or `'counter'`. */
function declaredKind(options: ts.Expression, value: Extract<Static, { k: 'obj' }>): MetricKind | undefined {
  const written = literalProperty(skipOuter(options), ['type']);
  const member =
    written && ts.isPropertyAccessExpression(written) ? /^(\w+)Type$/.exec(written.name.text)?.[1] : undefined;
  if (member) return KIND_WORDS[member.toLowerCase()];
  const given = value.props.get('type');
  return given ? kindNamed(given) : undefined;
}

/** Whether the function a guarded creation is in looks the metric up in a registry (`getSingleMetric`). */
function asksRegistry(at: ts.Node): boolean {
  const fn = enclosingFunction(at);
  return (fn ?? at.getSourceFile()).getText().includes('getSingleMetric');
}
