import { ts } from 'ts-morph';
import type { Library, MetricDef, MetricKind } from '../../types.js';
import { meterName, OTEL, otelInstrument } from '../libraries/opentelemetry.js';
import { injectedMetricName, nestProviderKind, PROM_CLIENT, promClientMetricClass } from '../libraries/prom-client.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClass,
  enclosingFunction,
  forEachThisAssignment,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import { calledFunction, returnExpressions, returnedValues } from '../flow/functions.js';
import { ROUTE_METHODS } from '../libraries/web-frameworks.js';
import { isMethodLike, type CallGraph, type Caller } from '../flow/call-graph.js';
import { InjectionTracer } from '../flow/injection.js';
import type { TypeOracle } from '../flow/type-oracle.js';
import { typeBound } from '../flow/type-bounds.js';
import { forEachDescendant } from '../syntax/walk.js';
import {
  bindArguments,
  EMPTY_ENV,
  scalarText,
  staticNumbers,
  staticStrings,
  type Env,
  type Static,
  type StaticEvaluator,
} from '../flow/static-eval.js';

const MAX_WRAPPER_DEPTH = 3;
/** Calls whose function argument runs once per request or event. */
const PER_EVENT_REGISTRARS = new Set([...ROUTE_METHODS, 'use', 'route', 'on', 'addListener', 'subscribe']);
const TIMER_CALLS = new Set([
  'setInterval',
  'setTimeout',
  'setImmediate',
  'forEach',
  'map',
  'flatMap',
  'filter',
  'reduce',
]);
const HANDLER_PARAMS = /^(req|request|res|response|reply|ctx|context|event|msg|message|job)$/;

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
}

/** Finds metric definitions (direct and through project wrappers) and resolves references to them. */
export class MetricResolver {
  readonly defs: MetricDef[] = [];
  /** The node whose value is the metric: the `new` expression, or the outermost wrapper call. */
  private readonly byNode = new Map<ts.Node, MetricDef>();
  private readonly byName = new Map<string, MetricDef>();
  /** Wrapper call → the metrics it creates, by the `new` expression inside the wrapper. */
  private readonly instances = new Map<ts.Node, Map<ts.Node, MetricDef>>();
  private readonly memo = new Map<ts.Node, MetricDef | null>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly types: TypeOracle,
    private readonly calls: CallGraph,
  ) {}

  /** Every creation has been seen: references can now be resolved (and memoized) for good. */
  finishDiscovery(): void {
    this.calls.isMetric = (receiver) => this.resolve(receiver) !== undefined;
    this.memo.clear();
    this.typeMemo.clear();
    this.holderIndex = undefined;
  }

  /** Defines the metric(s) a `new Counter()` or `meter.createCounter()` creates, if it is one. */
  discover(node: ts.NewExpression | ts.CallExpression): void {
    const prom = ts.isNewExpression(node)
      ? promClientMetricClass(node.expression, this.project)
      : nestProviderKind(node);
    const otel = ts.isCallExpression(node) ? otelInstrument(node, this.project) : undefined;
    const kind = prom ?? otel;
    if (!kind) return;
    const library: Library = prom ? 'prom-client' : 'opentelemetry';
    for (const creation of this.instantiate({ node, library, kind, env: EMPTY_ENV, calls: [] }, 0))
      this.define(creation);
  }

  /** The name and options of a creation, evaluated with the wrapper arguments bound so far. */
  private configOf(creation: Creation): {
    name: Static | undefined;
    props: Map<string, Static>;
    readable: boolean;
    spreadParam?: ts.ParameterDeclaration;
  } {
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
    return { name, props: config.props, readable: !config.spreadParam, spreadParam: config.spreadParam };
  }

  /** Direct definitions resolve to themselves; wrapper templates fan out to one definition per call site. */
  private instantiate(creation: Creation, depth: number): Creation[] {
    const nameValue = this.configOf(creation).name;
    if (nameValue?.k !== 'param' || depth >= MAX_WRAPPER_DEPTH) return [creation];
    const fn = nameValue.decl.parent;
    const calls = this.calls.callersOf(fn);
    // A wrapper's body is not a metric of its own: each call site is (none seen: nothing to list).
    if (calls.length === 0) return [];
    const byMethodName = isMethodLike(fn);
    return calls.flatMap((call) => {
      const env = bindArguments(fn, call.arguments ?? [], EMPTY_ENV, creation.env);
      const instances = this.instantiate({ ...creation, env, calls: [call, ...creation.calls] }, depth + 1);
      // A method is matched by name only; keep the calls that really pass a metric name.
      return byMethodName ? instances.filter((i) => this.staticName(i) !== undefined) : instances;
    });
  }

  private staticName(creation: Creation): string | undefined {
    const name = this.configOf(creation).name;
    return name ? scalarText(name) : undefined;
  }

  private define(creation: Creation): void {
    const { node, kind, calls, library } = creation;
    const outer = calls[0];
    const site = outer ?? node;
    const config = this.configOf(creation);
    const props = config.props;
    const name = config.name ? scalarText(config.name) : undefined;
    const loc = this.project.location(site);
    const labels = library === 'prom-client' ? props.get('labelNames') : undefined;
    const labelNames = labels ? staticStrings(labels) : [];
    const nameNode = library === 'opentelemetry' ? node.arguments?.[0] : nameExpression(node);
    const def: MetricDef = {
      // A wrapper call can create several metrics (`httpMetrics('api')` → requests, latency).
      id: outer ? `${loc.file}:${loc.line}:${loc.column}#${node.getStart()}` : `${loc.file}:${loc.line}:${loc.column}`,
      name: name ?? nameText(nameNode ?? node),
      nameIsDynamic: name === undefined,
      kind,
      library,
      labelNames: labelNames ?? [],
      // OpenTelemetry declares no attribute keys: they are read from the uses (see extract.ts).
      labelNamesKnown: library === 'prom-client' && labelNames !== undefined,
      loc,
      createdIn: this.creationPlacement(site, name !== undefined && !outer ? isStaticName(node) : false),
    };
    if (library === 'prom-client') {
      // '' marks a readable config without `help` (prom-client throws); undefined, one obslint cannot read.
      def.help = props.has('help') ? scalarText(props.get('help')!) : config.readable ? '' : undefined;
    } else {
      def.help = props.has('description') ? scalarText(props.get('description')!) : undefined;
      def.unit = props.has('unit') ? scalarText(props.get('unit')!) : undefined;
      def.instrument = propertyName(skipOuter(node.expression));
      const callee = skipOuter(node.expression);
      def.meter = ts.isPropertyAccessExpression(callee) ? meterName(callee.expression) : undefined;
    }
    if (outer) def.via = { wrapper: nameText(outer.expression), loc: this.project.location(node) };
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
    }
    this.defs.push(def);
    if (outer) {
      let perCall = this.instances.get(site);
      if (!perCall) this.instances.set(site, (perCall = new Map<ts.Node, MetricDef>()));
      perCall.set(node, def);
      // The call's value is the metric only when the wrapper creates exactly one.
      if (perCall.size === 1) this.byNode.set(site, def);
      else this.byNode.delete(site);
    } else {
      this.byNode.set(site, def);
    }
    if (!def.nameIsDynamic && !this.byName.has(def.name)) this.byName.set(def.name, def);
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
    const where = placement(site, staticName);
    // A factory of a fixed name throws on its second call just like a plain helper.
    if (where !== 'function' && !(where === 'factory' && staticName)) return where;
    const fn = enclosingFunction(site);
    // Methods are matched to calls by name only: too weak to call a metric hot.
    for (const call of fn && !isMethodLike(fn) ? this.calls.callersOf(fn) : []) {
      const caller = placement(call, staticName);
      if (caller === 'loop' || caller === 'callback') return caller;
    }
    return where;
  }

  /**
   * Every metric an expression may be: one where syntax or the checker decides, several where an
   * injected metrics object is built in more than one place (`new Client({ metrics: m.eth1 })`).
   */
  resolveAll(expr: ts.Expression): MetricDef[] {
    const e = skipOuter(expr);
    const syntactic = this.resolveSyntactic(e, 0);
    if (syntactic) return [syntactic];
    const member = propertyName(e);
    // Only names that hold a metric somewhere are worth following (not every `cache.set`).
    if (member === undefined || !this.holderNames().has(member)) return [];
    this.injection ??= new InjectionTracer(this.project, this.types, (fn) => this.calls.callersOf(fn));
    const found = new Set<MetricDef>();
    for (const origin of this.injection.origins(e)) {
      const def =
        origin.path.length === 0
          ? this.resolve(origin.expr, 1)
          : origin.path.length === 1
            ? this.memberOf(origin.expr, origin.path[0], 1)
            : undefined;
      if (def) found.add(def);
    }
    return found.size > 0 ? [...found] : this.typedDefs(e);
  }

  private injection?: InjectionTracer;

  /** The metric an expression evaluates to, if obslint can tell. */
  resolve(expr: ts.Expression, depth = 0): MetricDef | undefined {
    const e = skipOuter(expr);
    return this.resolveSyntactic(e, depth) ?? (depth === 0 ? this.resolveByType(e) : undefined);
  }

  private resolveSyntactic(e: ts.Expression, depth: number): MetricDef | undefined {
    if (this.memo.has(e)) return this.memo.get(e) ?? undefined;
    if (depth > 8) return undefined;
    // Marked before resolving: an alias cycle (`const a = b; const b = a`) ends here.
    this.memo.set(e, null);
    const found = this.resolveUncached(e, depth);
    this.memo.set(e, found ?? null);
    return found;
  }

  /** Names of the variables, fields and properties that metric definitions are stored in. */
  private holderNames(): ReadonlyMap<string, MetricDef[]> {
    if (!this.holderIndex) {
      this.holderIndex = new Map();
      for (const [site, def] of this.byNode) {
        const holder = holderName(site);
        if (!holder) continue;
        const list = this.holderIndex.get(holder) ?? [];
        if (!list.includes(def)) list.push(def);
        this.holderIndex.set(holder, list);
      }
    }
    return this.holderIndex;
  }

  /** Where syntax loses the trail (typed parameters, injected objects): the checker's one answer. */
  private resolveByType(e: ts.Expression): MetricDef | undefined {
    const found = this.typedDefs(e);
    return found.length === 1 ? found[0] : undefined;
  }

  private readonly typeMemo = new Map<ts.Node, MetricDef[]>();

  /** The metrics the checker's declarations of `e` hold (several for a union: `for (const g of [m.a, m.b])`). */
  private typedDefs(e: ts.Expression): MetricDef[] {
    let found = this.typeMemo.get(e);
    if (!found) this.typeMemo.set(e, (found = this.typedDefsUncached(e)));
    return found;
  }

  private typedDefsUncached(e: ts.Expression): MetricDef[] {
    if (!ts.isPropertyAccessExpression(e) && !ts.isIdentifier(e)) return [];
    const name = ts.isIdentifier(e) ? e.text : e.name.text;
    // The checker is asked only about names that hold a metric somewhere (not every `cache.set`).
    const candidates = this.holderNames().get(name);
    if (!candidates) return [];
    const found = new Set<MetricDef>();
    for (const decl of this.types.declarations(e)) {
      const init =
        ts.isPropertyAssignment(decl) || ts.isPropertyDeclaration(decl) || ts.isVariableDeclaration(decl)
          ? decl.initializer
          : undefined;
      const def = init && this.resolve(init, 1);
      if (def) found.add(def);
      // Declared by an interface (an injected `Metrics` object): structural typing joins it to the
      // object that created the metric, which obslint can name only when one metric has that holder.
      else if (
        ts.isPropertySignature(decl) &&
        candidates.length === 1 &&
        /\b(Counter|Gauge|Histogram|Summary|UpDownCounter|ObservableGauge|ObservableCounter)\b/.test(
          decl.type?.getText() ?? '',
        )
      )
        found.add(candidates[0]);
    }
    return [...found];
  }

  private holderIndex?: Map<string, MetricDef[]>;

  private resolveUncached(e: ts.Expression, depth: number): MetricDef | undefined {
    const direct = this.byNode.get(e);
    if (direct) return direct;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return this.collectOwner(e);
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      return decl && this.resolveDeclaration(decl, depth);
    }
    if (ts.isCallExpression(e)) {
      const callee = skipOuter(e.expression);
      if (propertyName(callee) === 'getSingleMetric' && e.arguments[0]) {
        const name = scalarText(this.evaluator.eval(e.arguments[0]));
        return name === undefined ? undefined : this.byName.get(name);
      }
      return this.returnedMetric(callee, depth) ?? this.fromCallbackArgument(e, depth);
    }
    const member = propertyName(e);
    if (member !== undefined && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
      const base = skipOuter(e.expression);
      if (base.kind === ts.SyntaxKind.ThisKeyword) return this.classMember(e, member, depth);
      return this.memberOf(base, member, depth);
    }
    return undefined;
  }

  /** `new Gauge({ collect() { this.set(…) } })`: `this` in the config's `collect` is the metric. */
  private collectOwner(thisNode: ts.Node): MetricDef | undefined {
    let fn: ts.Node | undefined = thisNode.parent;
    while (fn && !(ts.isFunctionLike(fn) && !ts.isArrowFunction(fn))) fn = fn.parent;
    if (!fn) return undefined;
    const holder = ts.isMethodDeclaration(fn)
      ? fn
      : ts.isFunctionExpression(fn) && ts.isPropertyAssignment(fn.parent)
        ? fn.parent
        : undefined;
    if (!holder || propertyKey(holder.name) !== 'collect') return undefined;
    const config = holder.parent;
    const creation = config && ts.isObjectLiteralExpression(config) ? config.parent : undefined;
    return creation && ts.isNewExpression(creation) ? this.byNode.get(creation) : undefined;
  }

  private resolveDeclaration(decl: Declaration, depth: number): MetricDef | undefined {
    switch (decl.kind) {
      case 'variable':
        if (!decl.node.initializer) return this.assignedTo(decl, depth);
        return decl.path.length === 0
          ? this.resolve(decl.node.initializer, depth + 1)
          : decl.path.length === 1
            ? this.memberOf(decl.node.initializer, decl.path[0], depth + 1)
            : undefined;
      case 'expression':
        return this.resolve(decl.node, depth + 1);
      case 'parameter': {
        const injected = decl.path.length === 0 ? injectedMetricName(decl.node) : undefined;
        return injected === undefined ? undefined : this.byName.get(injected);
      }
      case 'import': {
        const target = this.project.followImport(decl);
        return target && this.resolveDeclaration(target, depth + 1);
      }
      default:
        return undefined;
    }
  }

  /** `let c; … c = new Counter()`: the first assignment in the declaring scope. */
  private assignedTo(decl: Extract<Declaration, { kind: 'variable' }>, depth: number): MetricDef | undefined {
    if (decl.path.length > 0) return undefined;
    const scope = decl.node.parent?.parent?.parent;
    let found: MetricDef | undefined;
    if (scope) {
      forEachDescendant(scope, (node) => {
        if (found) return false;
        if (
          ts.isBinaryExpression(node) &&
          node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isIdentifier(node.left) &&
          node.left.text === decl.name.text
        ) {
          found = this.resolve(node.right, depth + 1);
        }
      });
    }
    return found;
  }

  /** `obj.member` where obj is an object literal, a module namespace, or a class instance. */
  private memberOf(base: ts.Expression, member: string, depth: number): MetricDef | undefined {
    if (depth > 8) return undefined;
    const e = skipOuter(base);
    if (ts.isObjectLiteralExpression(e)) {
      for (const prop of e.properties) {
        if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === member)
          return this.resolve(prop.initializer, depth + 1);
        if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === member)
          return this.resolve(prop.name, depth + 1);
      }
      return undefined;
    }
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      if (decl?.kind === 'import' && decl.imported === '*') {
        const file = this.project.importedFile(decl);
        const target = file && this.project.findExport(file, member);
        return target && this.resolveDeclaration(target, depth + 1);
      }
      if (decl?.kind === 'import') {
        const target = this.project.followImport(decl);
        if (target?.kind === 'variable' && target.node.initializer && target.path.length === 0)
          return this.memberOf(target.node.initializer, member, depth + 1);
        if (target?.kind === 'expression') return this.memberOf(target.node, member, depth + 1);
      }
      if (decl?.kind === 'variable' && decl.node.initializer && decl.path.length === 0)
        return this.memberOf(decl.node.initializer, member, depth + 1);
      if (decl?.kind === 'class') return this.staticMember(decl.node, member, depth);
      return undefined;
    }
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
      const decl = lookup(e.expression.text, e.expression);
      const cls =
        decl?.kind === 'class'
          ? decl.node
          : decl?.kind === 'import'
            ? this.classOf(this.project.followImport(decl))
            : undefined;
      return cls && this.instanceMember(cls, member, depth);
    }
    if (ts.isCallExpression(e)) {
      const returned = this.returnedExpression(skipOuter(e.expression));
      const created = returned && this.instances.get(e)?.get(this.creationIn(returned, member)!);
      return created ?? (returned && this.memberOf(returned, member, depth + 1));
    }
    const inner = propertyName(e);
    if (inner !== undefined && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
      const objectExpr = this.memberExpression(skipOuter(e.expression), inner, depth + 1);
      return objectExpr && this.memberOf(objectExpr, member, depth + 1);
    }
    return undefined;
  }

  /** The `new` expression behind `member` of a returned object literal (`{ requests: new Counter() }`). */
  private creationIn(returned: ts.Expression, member: string): ts.Node | undefined {
    const object = skipOuter(returned);
    if (!ts.isObjectLiteralExpression(object)) return undefined;
    for (const prop of object.properties) {
      const value =
        ts.isPropertyAssignment(prop) && propertyKey(prop.name) === member
          ? prop.initializer
          : ts.isShorthandPropertyAssignment(prop) && prop.name.text === member
            ? prop.name
            : undefined;
      if (!value) continue;
      let e = skipOuter(value);
      if (ts.isIdentifier(e)) {
        const decl = lookup(e.text, e);
        if (decl?.kind === 'variable' && decl.node.initializer) e = skipOuter(decl.node.initializer);
      }
      return ts.isNewExpression(e) || ts.isCallExpression(e) ? e : undefined;
    }
    return undefined;
  }

  private classOf(decl: Declaration | undefined): ts.ClassDeclaration | undefined {
    return decl?.kind === 'class' ? decl.node : undefined;
  }

  /** The initializer expression of `base.member`, for nested object literals (`metrics.http.requests`). */
  private memberExpression(base: ts.Expression, member: string, depth: number): ts.Expression | undefined {
    if (depth > 8) return undefined;
    let e = skipOuter(base);
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      const target = decl?.kind === 'import' ? this.project.followImport(decl) : decl;
      if (target?.kind === 'variable' && target.node.initializer && target.path.length === 0)
        e = skipOuter(target.node.initializer);
      else if (target?.kind === 'expression') e = skipOuter(target.node);
    }
    if (!ts.isObjectLiteralExpression(e)) return undefined;
    for (const prop of e.properties) {
      if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === member) return prop.initializer;
    }
    return undefined;
  }

  private classMember(access: ts.Expression, member: string, depth: number): MetricDef | undefined {
    const cls = enclosingClass(access);
    return cls && this.instanceMember(cls, member, depth);
  }

  /** A class field initialised with a metric, or assigned one (`this.x = new Counter()`) in the class. */
  private instanceMember(cls: ts.ClassLikeDeclaration, member: string, depth: number): MetricDef | undefined {
    if (depth > 8) return undefined;
    for (const element of cls.members) {
      // `constructor(@InjectMetric('http_requests_total') private requests: Counter)`.
      if (ts.isConstructorDeclaration(element)) {
        const param = element.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === member);
        const injected = param && injectedMetricName(param);
        if (injected !== undefined) return this.byName.get(injected);
      }
      if (ts.isPropertyDeclaration(element) && propertyKey(element.name) === member && element.initializer) {
        return this.resolve(element.initializer, depth + 1);
      }
      if (ts.isGetAccessorDeclaration(element) && propertyKey(element.name) === member && element.body) {
        const returned = returnExpressions(element.body)[0];
        return returned && this.resolve(returned, depth + 1);
      }
    }
    let found: MetricDef | undefined;
    forEachThisAssignment(cls, member, (value) => (found = this.resolve(value, depth + 1)) !== undefined);
    const parent = found ? undefined : this.project.baseClass(cls);
    if (parent) return this.instanceMember(parent, member, depth + 1);
    return found;
  }

  private staticMember(cls: ts.ClassDeclaration, member: string, depth: number): MetricDef | undefined {
    for (const element of cls.members) {
      if (ts.isPropertyDeclaration(element) && propertyKey(element.name) === member && element.initializer)
        return this.resolve(element.initializer, depth + 1);
    }
    return undefined;
  }

  /** `getCounter()` where the function returns one metric. */
  private returnedMetric(callee: ts.Expression, depth: number): MetricDef | undefined {
    const returned = this.returnedExpression(callee);
    return returned && this.resolve(returned, depth + 1);
  }

  /**
   * `register('latency', () => meter.createHistogram('latency'))` where `register` returns `f()`:
   * the metric is what the callback passed at this call site returns.
   */
  private fromCallbackArgument(call: ts.CallExpression, depth: number): MetricDef | undefined {
    const fn = calledFunction(call.expression, this.project);
    const returns = fn ? returnedValues(fn) : [];
    const invoked = returns.length === 1 ? skipOuter(returns[0]) : undefined;
    if (!fn || !invoked || !ts.isCallExpression(invoked) || !ts.isIdentifier(invoked.expression)) return undefined;
    const decl = lookup(invoked.expression.text, invoked.expression);
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0) return undefined;
    const callback = call.arguments[decl.index] && skipOuter(call.arguments[decl.index]);
    if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
    const produced = returnedValues(callback);
    return produced.length === 1 ? this.resolve(produced[0], depth + 1) : undefined;
  }

  /** The single value a function returns, for `getCounter()` and `createMetrics().requests`. */
  private returnedExpression(callee: ts.Expression): ts.Expression | undefined {
    const fn = calledFunction(callee, this.project);
    const returns = fn ? returnedValues(fn) : [];
    return returns.length === 1 ? returns[0] : undefined;
  }
}

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

const CALLBACK_KEYS = /^(each(Message|Batch)|on[A-Z]\w*|handler|handle|process|consume)$/;

/**
 * Where a metric is constructed: once (module, class) or on every call of something hot. A loop at
 * module scope runs once, so it is hot only when every iteration registers the same name.
 */
export function placement(node: ts.Node, staticName: boolean): MetricDef['createdIn'] {
  if (isGuardedCreation(node)) return 'module';
  let loop = false;
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isIterationStatement(n, false)) loop = true;
    if (ts.isPropertyDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isClassStaticBlockDeclaration(n))
      return loop && staticName ? 'loop' : 'class';
    if (ts.isFunctionLike(n)) {
      // A loop registering one name per iteration is as hot as the function it is in.
      if (loop && staticName) return 'loop';
      const fn = n;
      const parent = fn.parent;
      if (parent && ts.isCallExpression(parent) && parent.arguments.includes(fn as unknown as ts.Expression)) {
        const called =
          propertyName(parent.expression) ?? (ts.isIdentifier(parent.expression) ? parent.expression.text : '');
        if (TIMER_CALLS.has(called)) return 'loop';
        // `process.on('SIGTERM', …)` runs once; other listeners run per event.
        const receiver = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.expression.getText() : '';
        if (PER_EVENT_REGISTRARS.has(called) && receiver !== 'process') return 'callback';
      }
      if (parent && ts.isPropertyAssignment(parent) && CALLBACK_KEYS.test(propertyKey(parent.name) ?? ''))
        return 'callback';
      if (returnsCreation(fn, node)) return 'factory';
      if (fn.parameters.some((p) => bindingNames(p.name).some((name) => HANDLER_PARAMS.test(name)))) return 'callback';
      return 'function';
    }
  }
  return loop && staticName ? 'loop' : 'module';
}

/** `cached ??= new Gauge(…)`, `register.getSingleMetric(n) ?? new Counter(…)`: created once. */
function isGuardedCreation(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent || !ts.isBinaryExpression(parent) || parent.right !== node) return false;
  const op = parent.operatorToken.kind;
  if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return true;
  return (
    (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) &&
    /getSingleMetric\s*\(/.test(parent.left.getText())
  );
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** The variable, field or property a metric is stored in (`const x = …`, `{ x: … }`, `this.x = …`). */
function holderName(site: ts.Node): string | undefined {
  const parent = site.parent;
  if (!parent) return undefined;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.name &&
    !ts.isComputedPropertyName(parent.name)
  ) {
    return ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name) || ts.isPrivateIdentifier(parent.name)
      ? parent.name.text
      : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.right === site)
    return propertyName(skipOuter(parent.left)) ?? (ts.isIdentifier(parent.left) ? parent.left.text : undefined);
  return undefined;
}

/** A literal name: constructing it twice registers the same metric twice. */
function isStaticName(node: ts.NewExpression | ts.CallExpression): boolean {
  const name = ts.isCallExpression(node) ? node.arguments[0] : nameExpression(node);
  return name !== undefined && ts.isStringLiteralLike(skipOuter(name));
}

function returnsCreation(fn: ts.SignatureDeclaration, creation: ts.Node): boolean {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  if (!ts.isBlock(body)) return skipOuter(body) === creation;
  const returns = returnExpressions(body).map(skipOuter);
  if (returns.includes(creation as ts.Expression)) return true;
  const holder =
    creation.parent && ts.isVariableDeclaration(creation.parent) && ts.isIdentifier(creation.parent.name)
      ? creation.parent.name.text
      : undefined;
  return holder !== undefined && returns.some((r) => ts.isIdentifier(r) && r.text === holder);
}
