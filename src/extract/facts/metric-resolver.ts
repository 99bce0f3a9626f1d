import { ts } from 'ts-morph';
import type { MetricDef } from '../../types.js';
import type { CallGraph } from '../flow/call-graph.js';
import { calledFunction, returnExpressions, returnedValues } from '../flow/functions.js';
import { InjectionTracer } from '../flow/injection.js';
import { scalarText, type StaticEvaluator } from '../flow/static-eval.js';
import type { TypeOracle } from '../flow/type-oracle.js';
import { injectedMetricName } from '../libraries/prom-client.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  enclosingClass,
  forEachThisAssignment,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import type { MetricDefinitions } from './metric-definitions.js';

/** Resolves references to metrics: which definition an expression holds. */
export class MetricResolver {
  private readonly memo = new Map<ts.Node, MetricDef | null>();

  /** Resolves references once every definition is known (`definitions` is complete). */
  constructor(
    private readonly definitions: MetricDefinitions,
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly types: TypeOracle,
    private readonly calls: CallGraph,
  ) {
    calls.isMetric = (receiver) => this.resolve(receiver) !== undefined;
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
      for (const [site, def] of this.definitions.sites()) {
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
    const direct = this.definitions.atNode(e);
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
        return name === undefined ? undefined : this.definitions.named(name);
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
    return creation && ts.isNewExpression(creation) ? this.definitions.atNode(creation) : undefined;
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
        return injected === undefined ? undefined : this.definitions.named(injected);
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
      const created = returned && this.definitions.instancesAt(e)?.get(this.creationIn(returned, member)!);
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
        if (injected !== undefined) return this.definitions.named(injected);
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
