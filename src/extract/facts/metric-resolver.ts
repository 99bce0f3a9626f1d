import { ts } from 'ts-morph';
import type { MetricDef } from '../../types.js';
import type { CallGraph } from '../flow/call-graph.js';
import { calledFunction, objectLiteralHeld, returnedValues } from '../syntax/functions.js';
import { scalarText, type StaticEvaluator } from '../flow/static-eval.js';
import type { TypeOracle } from '../flow/type-oracle.js';
import { isInjected, type Source, type ValueFlow } from '../flow/value-flow.js';
import { NEST_PROMETHEUS } from '../libraries/prom-client.js';
import { lookupParts, type KeyedLookup } from './keyed-recorder.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClassLike,
  enclosingFunction,
  encloses,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  thisFunction,
} from '../syntax/scope.js';
import type { MetricDefinitions } from './metric-definitions.js';
import { forEachDescendant } from '../syntax/walk.js';

/** Resolves references to metrics: which definitions an expression may hold, by following its value. */
export class MetricResolver {
  private readonly memo = new Map<ts.Node, MetricDef[]>();
  /** The expressions being resolved now: their memo entry is a placeholder, not the answer. */
  private readonly resolving = new Set<ts.Node>();

  /** Resolves references once every definition is known (`definitions` is complete). */
  constructor(
    private readonly definitions: MetricDefinitions,
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly types: TypeOracle,
    private readonly calls: CallGraph,
    private readonly flow: ValueFlow,
    /** Whether code in the first file's package can hold objects of the second's (`PackageIndex.reaches`). */
    private readonly reaches: (from: string, to: string) => boolean = () => true,
  ) {
    // Origins followed while definitions were still being found may have counted metric calls as callers.
    flow.forget();
    calls.knowMetrics((receiver) =>
      this.resolving.has(skipOuter(receiver)) ? undefined : this.resolve(receiver) !== undefined,
    );
  }

  /**
   * Every metric an expression may be: one where the value flow or the checker decides, several
   * where an injected metrics object is built in more than one place (`new Client({ metrics: m.eth1 })`).
   */
  resolveAll(expr: ts.Expression): MetricDef[] {
    const e = skipOuter(expr);
    let found = this.memo.get(e);
    if (!found) {
      // Marked before resolving: a receiver met again while resolving itself holds no metric.
      this.memo.set(e, []);
      this.resolving.add(e);
      try {
        const defs = new Set<MetricDef>();
        const origins = this.flow.origins(e);
        for (const source of origins) for (const def of this.metricsAt(source, e, false)) defs.add(def);
        // Every metric a class's construction makes is a use's only where no origin names its own:
        // `const calls = this.addCounter({ name: 'calls' })` in the constructor is that call's metric.
        if (defs.size === 0)
          for (const source of origins) for (const def of this.metricsAt(source, e, true)) defs.add(def);
        found = defs.size > 0 ? [...defs] : (this.callbackOwner(e) ?? this.typedDefs(e));
        if (found.length === 0) found = this.storedAtSamePath(e, origins);
      } finally {
        this.resolving.delete(e);
      }
      this.memo.set(e, found);
    }
    return found;
  }

  /** The metric stored under `key` where `access` reads (`this.metrics[name]`, for the name one caller passes). */
  resolveUnder(access: KeyedLookup, key: string): MetricDef | undefined {
    const memoKey = `${access.pos}\u0000${access.getSourceFile().fileName}\u0000${key}`;
    if (!this.underKey.has(memoKey)) {
      const defs = new Set<MetricDef>();
      const parts = lookupParts(access);
      const sources = parts ? this.flow.originsUnder(parts.container, key) : [];
      for (const source of sources) for (const def of this.metricsAt(source)) defs.add(def);
      this.underKey.set(memoKey, defs.size === 1 ? [...defs][0] : undefined);
    }
    return this.underKey.get(memoKey);
  }

  private readonly underKey = new Map<string, MetricDef | undefined>();

  /**
   * `METRICS[name]` with a key known only at run time (`Object.entries(stats).forEach(([name, v]) =>
   * METRICS[name]?.inc(v))`), where `METRICS` is an object literal whose every entry is a metric:
   * any of them.
   */
  private anyEntryOf(e: ts.ElementAccessExpression): MetricDef[] | undefined {
    if (this.flow.keysRead(e) !== undefined) return undefined;
    const tables = this.flow.origins(e.expression);
    const entries: ts.Expression[] = [];
    for (const table of tables) {
      const literal = isInjected(table) || table.path.length > 0 ? undefined : skipOuter(table.expr);
      if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;
      for (const prop of literal.properties) {
        if (!ts.isPropertyAssignment(prop)) return undefined;
        entries.push(prop.initializer);
      }
    }
    const defs = entries.map((entry) => this.resolve(entry)).filter((d): d is MetricDef => d !== undefined);
    return defs.length > 0 && defs.length === entries.length ? [...new Set(defs)] : undefined;
  }

  /** The metric an expression evaluates to, when it is exactly one. */
  resolve(expr: ts.Expression): MetricDef | undefined {
    const all = this.resolveAll(expr);
    return all.length === 1 ? all[0] : undefined;
  }

  /** The metrics one origin of a value is. */
  private metricsAt(source: Source, use?: ts.Expression, perInstance = true): MetricDef[] {
    if (isInjected(source)) return source.path.length === 0 ? this.injected(source.token, source.by, use) : [];
    const e = skipOuter(source.expr);
    if (source.path.length > 0 && source.path.length <= NESTED_RETURN_LEVELS) {
      // `createMetrics().requests`: the metric the wrapper call created for that property; also one
      // object down, `createRegistry().metrics.bytes` of `return { registry, metrics: { bytes } }`.
      if (!ts.isCallExpression(e)) return [];
      let returned = this.returnedExpression(skipOuter(e.expression));
      for (const key of source.path.slice(0, -1)) {
        const object = returned && objectLiteralHeld(returned, this.project);
        returned = object && literalProperty(object, [key]);
      }
      const creation =
        returned &&
        creationIn(returned, source.path[source.path.length - 1], (callee) => this.returnedExpression(callee));
      const created = creation && this.definitions.instancesAt(e)?.get(creation);
      return created ? [created] : [];
    }
    if (source.path.length > 0) return [];
    // `this.metrics['sas_requests']` where the factory stored each metric under its built name.
    const named =
      source.key === undefined ? undefined : this.definitions.createdNamed(e, source.key, source.writtenUnder);
    if (named) return [named];
    const direct =
      source.element === undefined ? this.definitions.atNode(e) : this.definitions.atElement(e, source.element);
    if (direct) return [direct];
    // `this.counter.inc()` in a class whose every `new` creates a metric of its own: each of them.
    const instances = perInstance && use ? this.perInstance(e, use) : undefined;
    if (instances) return instances;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return this.collectOwner(e);
    if (ts.isCallExpression(e)) {
      const callee = skipOuter(e.expression);
      if (propertyName(callee) === 'getSingleMetric' && e.arguments[0]) {
        const name = scalarText(this.evaluator.eval(e.arguments[0]));
        if (name === undefined) return [];
        // The registry's own metric of that name: the one this file creates (the lookup in the `catch`
        // of its creation), not another registry's of the same name elsewhere.
        const here = this.definitions
          .allNamed(name)
          .filter((def) => this.definitions.creationOf(def)?.getSourceFile() === e.getSourceFile());
        return here.length === 1 ? here : optional(this.definitions.named(name));
      }
      return optional(this.fromCallbackArgument(e));
    }
    if (ts.isElementAccessExpression(e)) return this.anyEntryOf(e) ?? [];
    return [];
  }

  /**
   * The metrics a constructor (or field initializer) creates for each instance, when the use is in
   * that class (or a subclass): each instance's metric is used there.
   */
  private perInstance(creation: ts.Expression, use: ts.Expression): MetricDef[] | undefined {
    // `this.metric = register_metric(id)` in a base class's constructor: each subclass's own.
    const inConstructor = ts.isConstructorDeclaration(enclosingFunction(creation) ?? creation);
    const made = inConstructor ? this.definitions.madeThrough(creation) : [];
    const defs = made.length > 0 ? this.constructedAs(made, use) : this.definitions.createdBy(creation);
    if (defs.length === 0) return undefined;
    if (forwardsParameter(use)) return undefined;
    let owner: ts.ClassLikeDeclaration | undefined;
    for (let n: ts.Node | undefined = creation.parent; n && !owner; n = n.parent) {
      if (ts.isConstructorDeclaration(n) || ts.isPropertyDeclaration(n)) owner = n.parent;
      // `function makeMetrics(prefix) { const c = new Counter(…); c.labels('ok').inc(0); … }`: a
      // use in the factory that creates one metric per call is a use of each.
      else if (ts.isFunctionLike(n)) {
        if (ts.findAncestor(use, (a) => a === n)) return [...defs];
        // `registerMetrics()` that the constructor calls: part of constructing each instance.
        if (!calledByConstructor(n)) return undefined;
        owner = n.parent as ts.ClassLikeDeclaration;
      } else if (ts.isClassLike(n)) return undefined;
    }
    if (!owner || !this.project.inheritsFrom(enclosingClassLike(use), owner)) return undefined;
    return [...defs];
  }

  /**
   * Of the metrics a base class's construction makes per subclass (`this.metric = register_metric(id)`,
   * reached by `new WalletAddress('wallets')`), those of instances of the class the use is in.
   */
  private constructedAs(made: readonly { def: MetricDef; outermost: ts.Node }[], use: ts.Expression): MetricDef[] {
    const useClass = enclosingClassLike(use);
    const ofClass = made.filter(({ outermost }) => {
      // `new WalletAddress('wallets')`, or the `super('rss')` of a subclass constructed without arguments.
      const constructed = ts.isNewExpression(outermost)
        ? this.calls.constructorCalled(outermost)?.parent
        : ts.isCallExpression(outermost) && outermost.expression.kind === ts.SyntaxKind.SuperKeyword
          ? enclosingClassLike(outermost)
          : undefined;
      return constructed !== undefined && useClass !== undefined && this.project.inheritsFrom(constructed, useClass);
    });
    return (ofClass.length > 0 ? ofClass : made).map(({ def }) => def);
  }

  /** `@InjectMetric('orders_total')`: the metric of that name; `@Inject(TOKEN)`: what the provider gives. */
  private injected(token: string, by: string, use?: ts.Expression): MetricDef[] {
    // `@InjectMetric(NAME)`: the metric of that name the injecting code's application provides
    // (two applications of a Nest monorepo may each define `external_requests_total`).
    if (by === NEST_PROMETHEUS.inject) {
      const from = use?.getSourceFile().fileName;
      const reachable = this.definitions.allNamed(token).find((def) => {
        const defined = this.definitions.creationOf(def)?.getSourceFile().fileName;
        return from !== undefined && defined !== undefined && this.reaches(from, defined);
      });
      return optional(reachable ?? this.definitions.named(token));
    }
    const defs = new Set<MetricDef>();
    for (const value of this.providedValues(token))
      for (const source of this.flow.origins(value)) for (const def of this.metricsAt(source)) defs.add(def);
    return [...defs];
  }

  private providers?: Map<string, ts.Expression[]>;

  /** `{ provide: TOKEN, useValue: v }` and `{ provide: TOKEN, useFactory: () => v }` anywhere in the project. */
  private providedValues(token: string): ts.Expression[] {
    if (!this.providers) {
      this.providers = new Map();
      for (const node of this.project.providers()) {
        const prop = (name: string): ts.Expression | undefined => {
          const p = node.properties.find((x) => ts.isPropertyAssignment(x) && propertyKey(x.name) === name);
          return p && ts.isPropertyAssignment(p) ? p.initializer : undefined;
        };
        const provide = prop('provide');
        const key = provide && scalarText(this.evaluator.eval(provide));
        if (key === undefined) continue;
        const values: ts.Expression[] = [];
        const useValue = prop('useValue');
        if (useValue) values.push(useValue);
        const factory = prop('useFactory');
        const fn = factory && skipOuter(factory);
        if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) values.push(...returnedValues(fn));
        this.providers.set(key, [...(this.providers.get(key) ?? []), ...values]);
      }
    }
    return this.providers.get(token) ?? [];
  }

  /** Names of the variables, fields and properties that metric definitions are stored in. */
  private holderNames(): ReadonlyMap<string, MetricDef[]> {
    return this.holders().byName;
  }

  /**
   * One pass over the definition sites: each metric's first site, and the metrics stored under each
   * holder name (`latency`) and each two-name holder path (`prometheusMetrics.latency`).
   */
  private holders(): { byName: Map<string, MetricDef[]>; byPath: Map<string, MetricDef[]> } {
    if (!this.holderIndex) {
      const byName = new Map<string, MetricDef[]>();
      const byPath = new Map<string, MetricDef[]>();
      const add = (index: Map<string, MetricDef[]>, key: string | undefined, def: MetricDef): void => {
        if (key === undefined) return;
        const list = index.get(key) ?? [];
        if (!list.includes(def)) list.push(def);
        index.set(key, list);
      };
      for (const [site, def] of this.definitions.sites()) {
        if (!this.definedAt.has(def)) this.definedAt.set(def, site);
        add(byName, holderName(site), def);
        add(byPath, holderPath(site), def);
      }
      this.holderIndex = { byName, byPath };
    }
    return this.holderIndex;
  }

  private holderIndex?: { byName: Map<string, MetricDef[]>; byPath: Map<string, MetricDef[]> };

  /**
   * `main.prometheusMetrics.sqlCommands.inc()` in plain JS, where `main` is an application object
   * handed to every module and `this.main.prometheusMetrics.sqlCommands = new Counter(…)` stores the
   * metric on it: the flow stops at an object it cannot follow (a parameter, an instance) with the
   * same two properties still to read, and exactly one metric the code can reach is stored at that
   * path. Two names, not one: `metrics.requests` alone names a metric in every service.
   */
  private storedAtSamePath(e: ts.Expression, origins: readonly Source[]): MetricDef[] {
    if (!ts.isPropertyAccessExpression(e)) return [];
    const container = skipOuter(e.expression);
    const parent = ts.isPropertyAccessExpression(container) ? container.name.text : undefined;
    if (parent === undefined) return [];
    const path = [parent, e.name.text];
    const lostAtObject = (source: Source): boolean =>
      !isInjected(source) && source.path.length >= 2 && source.path.slice(-2).join('.') === path.join('.');
    if (!origins.every(lostAtObject)) return [];
    const file = e.getSourceFile().fileName;
    const reachable = (this.holders().byPath.get(path.join('.')) ?? []).filter((def) =>
      this.reaches(file, this.definedAt.get(def)?.getSourceFile().fileName ?? ''),
    );
    return reachable.length === 1 ? reachable : [];
  }

  /** Where each metric is defined (its first site), filled with the holder indexes. */
  private readonly definedAt = new Map<MetricDef, ts.Node>();

  /** Where the value flow loses the trail (typed parameters, injected interfaces): the checker's answer. */
  private typedDefs(e: ts.Expression): MetricDef[] {
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
      // A class field declared without a value (`latency: Histogram;`) holds what the class assigns
      // to it (`this.latency = new Histogram(…)` in its constructor).
      const defs = init
        ? this.resolveAll(init)
        : ts.isPropertyDeclaration(decl)
          ? candidates.filter((c) => {
              const site = this.definedAt.get(c);
              return site !== undefined && encloses(decl.parent, site);
            })
          : [];
      for (const def of defs) found.add(def);
      // Declared by an interface (an injected `Metrics` object): structural typing joins it to the
      // object that created the metric, which obslint can name only when one metric has that holder
      // in the interface's package or those it depends on: `retrieval`'s `operationDuration` is not
      // the one `agent-cache`'s `Telemetry` interface declares, and each service of a monorepo
      // holds its own `staleCursorCounter`.
      if (
        defs.length === 0 &&
        ts.isPropertySignature(decl) &&
        /\b(Counter|Gauge|Histogram|Summary|UpDownCounter|ObservableGauge|ObservableCounter)\b/.test(
          decl.type?.getText() ?? '',
        )
      ) {
        const reachable = candidates.filter((c) =>
          this.reaches(decl.getSourceFile().fileName, this.definedAt.get(c)?.getSourceFile().fileName ?? ''),
        );
        if (reachable.length === 1) found.add(reachable[0]);
      }
    }
    return [...found];
  }

  /**
   * `new lib.Gauge(name, help, { callback(gauge) { gauge.set(…) } })` of a project's own metric
   * class: the callback it is given is handed the metric.
   */
  private callbackOwner(e: ts.Expression): MetricDef[] | undefined {
    const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
    if (decl?.kind !== 'parameter' || decl.index !== 0 || decl.path.length > 0) return undefined;
    const holder = ts.isMethodDeclaration(decl.fn) ? decl.fn : decl.fn.parent;
    const options =
      holder && (ts.isPropertyAssignment(holder) || ts.isMethodDeclaration(holder)) ? holder.parent : undefined;
    const creation = options && ts.isObjectLiteralExpression(options) ? options.parent : undefined;
    if (!creation || !ts.isNewExpression(creation) || !this.definitions.ownClassCreation(creation)) return undefined;
    const def = this.definitions.atNode(creation);
    return def ? [def] : undefined;
  }

  /** `new Gauge({ collect() { this.set(…) } })`: `this` in the config's `collect` is the metric. */
  private collectOwner(thisNode: ts.Node): MetricDef[] {
    const fn = thisFunction(thisNode);
    if (!fn) return [];
    const holder = ts.isMethodDeclaration(fn)
      ? fn
      : ts.isFunctionExpression(fn) && ts.isPropertyAssignment(fn.parent)
        ? fn.parent
        : collectReference(fn);
    if (!holder || propertyKey(holder.name) !== 'collect') return [];
    const config = holder.parent;
    const creation = config && ts.isObjectLiteralExpression(config) ? config.parent : undefined;
    // `new Gauge({ collect() {…} })`, or a wrapper handed the config (`getMetric(promClient.Gauge, {…})`).
    if (!creation || !(ts.isNewExpression(creation) || ts.isCallExpression(creation))) return [];
    // A gauge a helper creates per call (`usageGauge('cpu')`): its `collect` serves each of them.
    const direct = this.definitions.atNode(creation);
    return direct ? [direct] : [...this.definitions.createdBy(creation)];
  }

  /**
   * `register('latency', () => meter.createHistogram('latency'))` where `register` returns `f()`:
   * the metric is what the callback passed at this call site returns.
   */
  private fromCallbackArgument(call: ts.CallExpression): MetricDef | undefined {
    const fn = calledFunction(call.expression, this.project);
    const returns = fn ? returnedValues(fn) : [];
    const invoked = returns.length === 1 ? skipOuter(returns[0]) : undefined;
    if (!fn || !invoked || !ts.isCallExpression(invoked) || !ts.isIdentifier(invoked.expression)) return undefined;
    const decl = lookup(invoked.expression.text, invoked.expression);
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0) return undefined;
    const callback = call.arguments[decl.index] && skipOuter(call.arguments[decl.index]);
    if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
    const produced = returnedValues(callback);
    return produced.length === 1 ? this.resolve(produced[0]) : undefined;
  }

  /** The single value a function returns, for `getCounter()` and `createMetrics().requests`. */
  private returnedExpression(callee: ts.Expression): ts.Expression | undefined {
    const fn = calledFunction(callee, this.project);
    const returns = fn ? returnedValues(fn) : [];
    return returns.length === 1 ? returns[0] : undefined;
  }
}

const optional = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);

/** How many objects down a factory's returned object a metric is looked for. */
const NESTED_RETURN_LEVELS = 2;

/**
 * The `new` expression behind `member` of a returned object literal (`{ requests: new Counter() }`),
 * also through a variable holding the literal and a spread of another factory's result
 * (`{ uptime: new Gauge(), ...createHttpMetrics() }`).
 */
function creationIn(
  returned: ts.Expression,
  member: string,
  returnedBy: (callee: ts.Expression) => ts.Expression | undefined,
  depth = 0,
): ts.Node | undefined {
  let object = skipOuter(returned);
  // `const metrics: HttpMetrics = { … }; return metrics`
  if (ts.isIdentifier(object)) {
    const decl = lookup(object.text, object);
    if (decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer)
      object = skipOuter(decl.node.initializer);
  }
  if (!ts.isObjectLiteralExpression(object)) return undefined;
  // A later property replaces an earlier one, and a spread what comes before it.
  for (const prop of [...object.properties].reverse()) {
    if (ts.isSpreadAssignment(prop)) {
      const spread = skipOuter(prop.expression);
      const inner = depth < 3 && ts.isCallExpression(spread) ? returnedBy(skipOuter(spread.expression)) : undefined;
      const found = inner && creationIn(inner, member, returnedBy, depth + 1);
      if (found) return found;
      continue;
    }
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

/**
 * `const collectGuilds = function (this: Gauge) { this.set(…) }` (or a function declaration) handed
 * to a metric by name, `new Gauge({ …, collect: collectGuilds })`: the `collect` property naming it
 * in its file.
 */
function collectReference(fn: ts.Node): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined {
  let binding: ts.Node = fn;
  while (binding.parent && (ts.isParenthesizedExpression(binding.parent) || ts.isAsExpression(binding.parent)))
    binding = binding.parent;
  const name = ts.isFunctionDeclaration(fn)
    ? fn.name
    : ts.isVariableDeclaration(binding.parent) &&
        binding.parent.initializer === binding &&
        ts.isIdentifier(binding.parent.name)
      ? binding.parent.name
      : undefined;
  if (!name) return undefined;
  const declaration = ts.isFunctionDeclaration(fn) ? fn : binding.parent;
  let found: ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined;
  forEachDescendant(fn.getSourceFile(), (node) => {
    if (found) return false;
    const reference = ts.isPropertyAssignment(node)
      ? skipOuter(node.initializer)
      : ts.isShorthandPropertyAssignment(node)
        ? node.name
        : undefined;
    if (
      reference &&
      ts.isIdentifier(reference) &&
      reference.text === name.text &&
      propertyKey((node as ts.PropertyAssignment).name) === 'collect' &&
      lookup(reference.text, reference)?.node === declaration
    )
      found = node as ts.PropertyAssignment | ts.ShorthandPropertyAssignment;
    return undefined;
  });
  return found;
}

/**
 * The last two property names of where a metric is stored: `prometheusMetrics.sqlCommands` for
 * `this.main.prometheusMetrics.sqlCommands = new Counter(…)` and for
 * `app.prometheusMetrics = { sqlCommands: new Counter(…) }`.
 */
function holderPath(site: ts.Node): string | undefined {
  const parent = site.parent;
  if (!parent) return undefined;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === site &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    const left = skipOuter(parent.left);
    if (!ts.isPropertyAccessExpression(left)) return undefined;
    const inner = skipOuter(left.expression);
    return ts.isPropertyAccessExpression(inner) ? `${inner.name.text}.${left.name.text}` : undefined;
  }
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) {
    const name = propertyKey(parent.name);
    const holder = holderName(parent.parent);
    return name !== undefined && holder !== undefined ? `${holder}.${name}` : undefined;
  }
  return undefined;
}

/**
 * `inc(labels, value) { this.metric.inc(labels, value) }`: a facade method handing on what its
 * callers pass, whose calls are the metric's uses (with their labels), not this forwarding call.
 */
function forwardsParameter(receiver: ts.Expression): boolean {
  const access = receiver.parent;
  if (!access || !ts.isPropertyAccessExpression(access)) return false;
  const call = access.parent;
  if (!ts.isCallExpression(call) || call.expression !== access) return false;
  // The labels come first when a value follows them (`inc(labels, 1)`), or alone in `labels(…)`;
  // `labels(version, major, minor)` passes values, one per label, not an object handed on.
  const first = call.arguments[0] && skipOuter(call.arguments[0]);
  const positional = access.name.text === 'labels' && call.arguments.length > 1;
  const labelsFirst = !positional && (call.arguments.length >= 2 || access.name.text === 'labels');
  return (
    labelsFirst && first !== undefined && ts.isIdentifier(first) && lookup(first.text, first)?.kind === 'parameter'
  );
}

/** A method the class's constructor calls on `this` (`constructor() { this.registerMetrics(); }`). */
function calledByConstructor(fn: ts.SignatureDeclaration): boolean {
  if (!ts.isMethodDeclaration(fn) || !ts.isClassLike(fn.parent)) return false;
  const name = propertyKey(fn.name);
  const ctor = fn.parent.members.find(ts.isConstructorDeclaration);
  if (!name || !ctor?.body) return false;
  let called = false;
  forEachDescendant(ctor.body, (node) => {
    if (called || (node !== ctor.body && ts.isFunctionLike(node))) return false;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.expression.name.text === name
    )
      called = true;
  });
  return called;
}
