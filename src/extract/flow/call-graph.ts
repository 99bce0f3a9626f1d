import { ts } from 'ts-morph';
import { identifierWords } from '../../util/words.js';
import { classOfDeclaration, type ProjectIndex } from '../syntax/project-index.js';
import { groupBy } from '../../util/group.js';
import {
  assignedHook,
  declaredType,
  encloses,
  enclosingClass,
  enclosingClassLike,
  enclosingFunction,
  functionName,
  forEachThisAssignment,
  isStatic,
  lookup,
  namingParent,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import type { TypeOracle } from './type-oracle.js';
import { isBuiltinCollection, isProxyTrap } from '../syntax/builtin-calls.js';
import { namespaceMember } from './static-eval.js';
import { declaredTypeNode } from '../syntax/declared-types.js';
import {
  calledFunction,
  callsOfParameter,
  conditionalBranches,
  dynamicallyImported,
  followImports,
  functionOfDeclaration,
  heldIdentifier,
  methodOfReturnedObject,
  objectLiteralLists,
  returnedValues,
  valueOfDeclaration,
} from '../syntax/functions.js';
import { forEachDescendant } from '../syntax/walk.js';
import { OTEL } from '../libraries/opentelemetry.js';
import { PROM_CLIENT } from '../libraries/prom-client.js';
import { STATSD_METHODS } from '../libraries/wrappers.js';

export type Caller = ts.CallExpression | ts.NewExpression;

/** Who calls a function: the call sites value flow follows from a parameter back to its arguments. */
export class CallGraph {
  /**
   * Set once every metric is known (resolving earlier would memoize a partial answer): a call on a
   * metric (`histogram.record(1, …)`) is not a call of a project method named `record`. Undefined
   * for a receiver whose resolution is under way (asked from inside it): its call is kept for now.
   */
  private isMetric?: (receiver: ts.Expression) => boolean | undefined;

  /**
   * A method's callers by name, once every receiver's answer was final: a name like `set` has
   * thousands of calls, and value flow asks for the same method's callers again and again.
   */
  private readonly methodCallers = new Map<ts.SignatureDeclaration, Caller[]>();

  /** Where a receiver's value comes from (see `ValueFlow.origins`): set once value flow exists, which asks this graph for callers. */
  private originsOf?: (
    receiver: ts.Expression,
  ) => { expr: ts.Expression; path: readonly string[]; expanded?: true }[] | undefined;

  followReceiversWith(
    originsOf: (receiver: ts.Expression) => { expr: ts.Expression; path: readonly string[] }[] | undefined,
  ): void {
    this.originsOf = originsOf;
  }

  /** Every metric is known: from now on a call on a metric is no caller (see {@link isMetric}). */
  knowMetrics(isMetric: (receiver: ts.Expression) => boolean | undefined): void {
    this.isMetric = isMetric;
    this.methodCallers.clear();
  }

  constructor(
    private readonly project: ProjectIndex,
    private readonly types: TypeOracle,
    /** Which files may run in one process (see PackageIndex.processGroups); one group when omitted. */
    private readonly processGroupOf: (fileName: string) => unknown = () => undefined,
    /**
     * Whether code in the first file may call a method defined in the second: their packages run
     * beside each other (see PackageIndex.runBeside); always, when omitted.
     */
    private readonly mayCall: (callerFile: string, calleeFile: string) => boolean = () => true,
  ) {}

  /**
   * Calls in the project whose callee is `fn`: functions by import and lexical resolution,
   * constructors by the `new` expressions of their class, methods by name (the receiver's class is
   * not known without types). Each name's calls are resolved once, then grouped by target.
   */
  callersOf(fn: ts.SignatureDeclaration, withBareCalls = false): Caller[] {
    const name = functionName(fn);
    if (ts.isConstructorDeclaration(fn)) return this.constructorCallers(fn, name);
    if (!name) return [];
    const group = this.callerGroup(name);
    if (!isMethodLike(fn)) {
      const direct = [
        ...(group.byTarget.get(fn) ?? []),
        ...this.requiredCallers(fn, name),
        ...this.callbackCallers(fn, name),
      ];
      // `export const statsd = { increment }`: called as `statsd.increment(…)` too, matched by name as a method is.
      if (!listedInObject(fn, name)) return direct;
      const ownGroup = this.processGroupOf(fn.getSourceFile().fileName);
      const asMember = (withBareCalls ? group.byMethodNameBare : group.byMethodName).filter((call) => {
        if (direct.includes(call) || this.processGroupOf(call.getSourceFile().fileName) !== ownGroup) return false;
        if (!this.mayCall(call.getSourceFile().fileName, fn.getSourceFile().fileName)) return false;
        const receiver = skipOuter((skipOuter(call.expression) as ts.PropertyAccessExpression).expression);
        return this.holdsListed(receiver, fn) || this.typedAsPortOf(receiver, fn);
      });
      return asMember.length > 0 ? [...direct, ...asMember] : direct;
    }
    if (isProxyTrap(fn)) return [];
    // Calls without arguments run the method but pass nothing: a list of their own, not remembered.
    const known = withBareCalls ? undefined : this.methodCallers.get(fn);
    if (known) return known;
    // `this.run(...)` calls a method of its own class; other receivers are matched by name.
    const owner = enclosingClassLike(fn);
    const onClass = ts.isMethodDeclaration(fn) && isStatic(fn);
    const ownGroup = this.processGroupOf(fn.getSourceFile().fileName);
    let final = true;
    const callers = (withBareCalls ? group.byMethodNameBare : group.byMethodName).filter((call) => {
      const receiver = skipOuter((skipOuter(call.expression) as ts.PropertyAccessExpression).expression);
      const caller = receiver.kind === ts.SyntaxKind.ThisKeyword ? enclosingClassLike(call) : undefined;
      // `this.handleEvent(event)` in a base class (a library's consumer) runs each subclass's override,
      // whichever package the base is in: JavaScript's methods are all virtual, and the subclass chose its base.
      if (owner && caller && caller !== owner && this.project.inheritsFrom(owner, caller)) return true;
      // `client.request(url)` in a package that never runs beside this one calls another `request`.
      if (this.processGroupOf(call.getSourceFile().fileName) !== ownGroup) return false;
      // Nor in a sibling service of one monorepo group (two services sharing a library).
      if (!this.mayCall(call.getSourceFile().fileName, fn.getSourceFile().fileName)) return false;
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) return !owner || this.project.inheritsFrom(caller, owner);
      // `BeaconNode.init(opts)` is called on a class: `network.init()` on an instance calls another `init`, and back.
      if (onClass ? !mayNameClass(receiver) : namesClass(receiver)) return false;
      // `this.metricsService.record()` where the field is typed `RestMetricsService`: another class's `record`.
      if (owner && this.typedAsOtherClass(receiver, owner)) return false;
      // `this.getService().doGetGeneric(url)` where `getService(): ApiNetworkProvider` of a package.
      if (this.typedAsPackageObject(receiver)) return false;
      // `this.pub.publish(channel, message)` where the class sets `this.pub = createClient(…)` of redis.
      if (fieldFilledByPackage(receiver)) return false;
      // A wrapper's object (`createCounter(…)` returning `{ counter, labels: (l) => counter.labels(l) }`)
      // is a metric and its methods are the wrapper's.
      if (inObjectLiteral(fn)) {
        if (this.holdsListed(receiver, fn)) return true;
        // `const counter = new Counter(…)` holds an instance of a class, never the literal; so does
        // `const client = redis.createClient(opts)` whose factory returns `new Redis(…)`.
        if (this.holdsInstance(receiver) || this.holdsOnlyInstances(receiver)) return false;
      }
      // `histogram.record(1, …)` records a metric; it does not call a project method named `record`.
      // A method no metric has (`setSigServerRequestMetric`) is the project's, whatever the receiver
      // holds: an instance of a class whose construction defines metrics is also the class's.
      if (!METRIC_METHODS.has(name)) return true;
      const metric = this.isMetric?.(receiver);
      if (metric === undefined && this.isMetric) final = false;
      return !metric;
    });
    // A function in an exported object is called by name too, once imported on its own (`const { track } = require(…)`).
    const direct = [
      ...(group.byTarget.get(fn) ?? []),
      ...this.requiredCallers(fn, name),
      ...this.dispatchCallers(fn),
    ].filter((call) => !callers.includes(call));
    const all = direct.length > 0 ? [...callers, ...direct] : callers;
    if (final && !withBareCalls) this.methodCallers.set(fn, all);
    return all;
  }

  /**
   * Whether a receiver is declared (or returned by a method declared) with a type a package
   * exports: its methods are the package's, whatever their names.
   */
  private typedAsPackageObject(receiver: ts.Expression): boolean {
    const type = ts.isCallExpression(receiver)
      ? calledFunction(receiver.expression, this.project)?.type
      : declaredTypeNode(receiver, this.project);
    if (!type || !ts.isTypeReferenceNode(type)) return false;
    const name = ts.isIdentifier(type.typeName) ? type.typeName : leftmost(type.typeName);
    const decl = lookup(name.text, type);
    return decl?.kind === 'import' && this.project.importedFile(decl) === undefined;
  }

  /**
   * Whether a receiver is declared with the type of a project class unrelated to `owner`: a field
   * or parameter typed `RestMetricsService` does not hold a `GraphqlMetricsService`.
   */
  private typedAsOtherClass(receiver: ts.Expression, owner: ts.ClassLikeDeclaration): boolean {
    const type = declaredType(receiver);
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
    const decl = this.project.declarationOf(type.typeName);
    if (decl?.kind !== 'class') return false;
    return !this.project.inheritsFrom(decl.node, owner) && !this.project.inheritsFrom(owner, decl.node);
  }

  /**
   * The project function a call runs, by name, through a namespace import (`MetricsClient.counterWith`)
   * or curried (`counterWith({})({ name })` runs the function `counterWith` returns).
   */
  private factoryCalled(call: ts.CallExpression, depth: number): ts.SignatureDeclaration | undefined {
    const callee = skipOuter(call.expression);
    if (ts.isCallExpression(callee)) {
      const outer = depth < 3 ? this.factoryCalled(callee, depth + 1) : undefined;
      const returned = outer && returnedValues(outer).map(skipOuter);
      return returned?.find(
        (r): r is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(r) || ts.isFunctionExpression(r),
      );
    }
    const named = calledFunction(callee, this.project);
    if (named || !ts.isPropertyAccessExpression(callee)) return named;
    const member = namespaceMember(callee, this.project);
    return member && (ts.isArrowFunction(member) || ts.isFunctionExpression(member)) ? member : undefined;
  }

  /**
   * `requests.inc(1, { route })` where `const requests = counterWith({ … })` and the function returns
   * `{ inc: (value, labels) => counter.inc(labels, value) }`: a call of the wrapper's method (whose
   * recordings are followed to this call), not of the metric's own.
   */
  callsWrapperMethod(call: ts.CallExpression): boolean {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const method = callee.name.text;
    return this.heldLiterals(skipOuter(callee.expression), false).some((literal) =>
      literal.properties.some((p) => p.name !== undefined && propertyKey(p.name) === method),
    );
  }

  /** Whether a receiver is a variable (here or imported) holding what a `new` expression built. */
  private holdsInstance(receiver: ts.Expression, depth = 0): boolean {
    const init = this.heldValue(receiver);
    // `const pipeline = this.redis.multi()`: what an instance's method returns is the package's too.
    if (init !== undefined)
      return (
        ts.isNewExpression(init) ||
        (depth < 2 &&
          ts.isCallExpression(init) &&
          ts.isPropertyAccessExpression(skipOuter(init.expression)) &&
          this.holdsInstance(
            skipOuter((skipOuter(init.expression) as ts.PropertyAccessExpression).expression),
            depth + 1,
          ))
      );
    // `this.redis = options.redis || new Redis(…)`: a field the class fills with an instance.
    const cls =
      ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword
        ? enclosingClassLike(receiver)
        : undefined;
    let instance = false;
    if (cls)
      forEachThisAssignment(cls, (receiver as ts.PropertyAccessExpression).name.text, (value) => {
        const v = skipOuter(value);
        const fallback =
          ts.isBinaryExpression(v) &&
          (v.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
            v.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
            ? skipOuter(v.right)
            : v;
        instance = ts.isNewExpression(fallback);
        return instance;
      });
    return instance;
  }

  /**
   * Whether a receiver is a `const` (here or imported) holding an object literal that lists `fn`,
   * or what a project factory returns when that is such a literal (`const gauge = createGauge({ … })`
   * where `createGauge` returns `{ gauge, labels }`: `gauge.labels(…)` calls its `labels`).
   */
  private holdsListed(receiver: ts.Expression, fn: ts.SignatureDeclaration): boolean {
    return (
      this.heldLiterals(receiver, true).some((literal) => objectLiteralLists(literal, fn)) ||
      this.typedAsFactoryResult(receiver, fn)
    );
  }

  /**
   * `meter.increment(…)` where `meter` is declared `Meter` (a parameter, a field, a member of injected
   * dependencies) and `fn` is a method of what `createMeter(config): Meter` returns.
   */
  private typedAsFactoryResult(receiver: ts.Expression, fn: ts.SignatureDeclaration): boolean {
    const factory = methodOfReturnedObject(fn) ? enclosingFunction(fn) : undefined;
    const returns = factory?.type && this.typeDeclaration(factory.type);
    return returns !== undefined && this.typeDeclaration(declaredTypeNode(receiver, this.project)) === returns;
  }

  /** The project interface, type alias or class a type reference names. */
  private typeDeclaration(type: ts.TypeNode | undefined): ts.Node | undefined {
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
    let decl = lookup(type.typeName.text, type);
    if (decl?.kind === 'import') decl = this.project.followImport(decl);
    return decl?.kind === 'type' || decl?.kind === 'class' ? decl.node : undefined;
  }

  /** The object literals a receiver holds: its initializer (with `direct`), or what the factory that initializes it returns. */
  private heldLiterals(receiver: ts.Expression, direct: boolean): ts.ObjectLiteralExpression[] {
    const value = this.heldValue(receiver);
    if (!value) return [];
    if (ts.isObjectLiteralExpression(value)) return direct ? [value] : [];
    const factory = ts.isCallExpression(value) ? this.factoryCalled(value, 0) : undefined;
    return factory ? returnedValues(factory).map(skipOuter).filter(ts.isObjectLiteralExpression) : [];
  }

  /** The initializer of the variable (here or imported) a receiver names. */
  private heldValue(receiver: ts.Expression): ts.Expression | undefined {
    if (!ts.isIdentifier(receiver)) return undefined;
    let decl = lookup(receiver.text, receiver);
    if (decl?.kind === 'import') decl = this.project.followImport(decl);
    const init = valueOfDeclaration(decl);
    return init && skipOuter(init);
  }

  /**
   * `new Sub(…)` by its class's name, and by the names importers `require` its module under when the
   * module is the class (`module.exports = class extends Connector`, `const Kessel =
   * require('./impl'); new Kessel(module)`); `super(…)` in its subclasses.
   */
  private constructorCallers(fn: ts.ConstructorDeclaration, name: string | undefined): Caller[] {
    const names = new Set(name === undefined ? [] : [name]);
    const file = fn.getSourceFile();
    if (this.project.wholeExportedClass(file) === fn.parent)
      for (const alias of this.project.requiredAs(file)) names.add(alias);
    return [...[...names].flatMap((n) => this.callerGroup(n).byTarget.get(fn) ?? []), ...this.superCallsOf(fn)];
  }

  /**
   * `rbac('orders:read')` where `const rbac = require('./rbac')` and rbac.js is `module.exports =
   * function (permission) { … }`: calls under the names importers give the module, not the function's own.
   */
  private requiredCallers(fn: ts.SignatureDeclaration, ownName: string): Caller[] {
    const file = fn.getSourceFile();
    if (this.project.wholeExportedFunction(file) !== fn) return [];
    return this.project
      .requiredAs(file)
      .filter((alias) => alias !== ownName)
      .flatMap((alias) => this.callerGroup(alias).byTarget.get(fn) ?? []);
  }

  /**
   * `pollEndpoint(gaugeBlockHeight, context, 6)` where `pollEndpoint(func, context)` runs
   * `func(context)`: the calls of the parameter a function is handed to are its calls, with the
   * arguments they give it (followed from there like any other).
   */
  private callbackCallers(fn: ts.SignatureDeclaration, name: string): Caller[] {
    const known = this.callbackCallerCache.get(fn);
    if (known) return known;
    const found: Caller[] = [];
    for (const call of this.project.callsPassingName.get(name) ?? []) {
      const index = call.arguments.findIndex((a) => ts.isIdentifier(a) && a.text === name);
      const passed = call.arguments[index] as ts.Identifier;
      if (functionOfDeclaration(followImports(lookup(name, passed), this.project)) !== fn) continue;
      const receiver = this.calleeFunction(call);
      if (!receiver || !ts.isFunctionLike(receiver) || receiver === fn) continue;
      const param = receiver.parameters[index];
      if (param && !param.dotDotDotToken) found.push(...callsOfParameter(receiver, param));
    }
    this.callbackCallerCache.set(fn, found);
    return found;
  }

  private readonly callbackCallerCache = new Map<ts.SignatureDeclaration, Caller[]>();

  /**
   * Whether `callersOf(fn)` is the final answer: a function's callers always are; a method's by
   * name once none of the receivers it asked about was still being resolved.
   */
  callersSettled(fn: ts.SignatureDeclaration): boolean {
    return !isMethodLike(fn) || this.methodCallers.has(fn) || isProxyTrap(fn);
  }

  private superCallsByBase?: Map<ts.ClassLikeDeclaration, ts.CallExpression[]>;

  /** `super({ channel: 'sms' })` in the subclasses of a constructor's class: calls of that constructor too. */
  private superCallsOf(fn: ts.ConstructorDeclaration): ts.CallExpression[] {
    this.superCallsByBase ??= groupBy(
      (this.project.callsByName.get('super') ?? []).filter(ts.isCallExpression),
      (call) => {
        const subclass = enclosingClass(call);
        return subclass && this.project.baseClass(subclass);
      },
    );
    return this.superCallsByBase.get(fn.parent) ?? [];
  }

  /**
   * Callers for value flow, where a wrong caller is a false finding: a method's callers by name,
   * less those whose receiver the checker places in another type (`agent.query(body)` on an
   * interface is not `Repository.query(id)`). Receivers of unknown type stay.
   */
  confirmedCallersOf(fn: ts.SignatureDeclaration, withBareCalls = false): Caller[] {
    const owner = enclosingClassLike(fn);
    return this.methodCallersWhere(
      fn,
      this.confirmed,
      (declared, receiver) => {
        // `metrics.recordStatus(…)` on a `metrics: MetricsClient` calls each class implementing it.
        // `exports.track = function (…)` in JS: the checker declares `track` at the assignment's left side.
        if (declared.length > 0)
          return declared.some(
            (d) =>
              d === fn ||
              d === namingParent(fn) ||
              (ts.isBinaryExpression(fn.parent) && d === fn.parent.left) ||
              this.declaredByInterfaceOf(d, owner) ||
              this.literalOfInterfaceOf(d, fn),
          );
        // Of unknown type: a receiver named after the class (`repo.query()` for `OrderRepository`),
        // or one value flow follows to an instance of it (`module.exports = instance` where `let
        // instance` is assigned `new ScubaClient(config)` when configuration asks for it).
        return (
          !owner?.name ||
          namesAgree(owner.name.text, propertyName(receiver) ?? receiver.getText()) ||
          this.constructs(receiver, owner)
        );
      },
      withBareCalls,
    );
  }

  /**
   * Whether value flow follows an identifier receiver only to `new` expressions (of any class) and to
   * what a package's functions return (`require('@acme/redis').createClient(opts)`): never an object
   * literal of the project's.
   */
  private holdsOnlyInstances(receiver: ts.Expression): boolean {
    if (!ts.isIdentifier(receiver) || !this.originsOf) return false;
    const origins = (this.originsOf(receiver) ?? []).filter((source) => !source.expanded);
    return (
      origins.length > 0 &&
      origins.every((source) => {
        const value = skipOuter(source.expr);
        return source.path.length === 0 && (ts.isNewExpression(value) || madeByPackage(value));
      })
    );
  }

  /** Whether value flow follows an identifier receiver to a `new` of the class (or of a subclass of it). */
  private constructs(receiver: ts.Expression, owner: ts.ClassLikeDeclaration): boolean {
    if (!ts.isIdentifier(receiver) || !this.originsOf) return false;
    return (this.originsOf(receiver) ?? []).some((source) => {
      const origin = skipOuter(source.expr);
      if (source.path.length > 0 || !ts.isNewExpression(origin)) return false;
      const built = ts.isIdentifier(origin.expression) ? this.project.declarationOf(origin.expression) : undefined;
      return built?.kind === 'class' && (built.node === owner || this.project.inheritsFrom(built.node, owner));
    });
  }

  private declaredByInterfaceOf(member: ts.Node, owner: ts.ClassLikeDeclaration | undefined): boolean {
    return (
      owner !== undefined &&
      (ts.isMethodSignature(member) || ts.isPropertySignature(member)) &&
      ts.isInterfaceDeclaration(member.parent) &&
      this.project.implementsInterface(owner, member.parent)
    );
  }

  /**
   * `sender.sendCommand(…)` on a receiver declared of a project interface (`sender: CommandSenderPort`)
   * that a factory's object listing `fn` satisfies: a call of `fn`.
   */
  private typedAsPortOf(receiver: ts.Expression, fn: ts.SignatureDeclaration): boolean {
    const type = declaredTypeNode(receiver, this.project);
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
    const iface = this.project.declarationOf(type.typeName);
    if (iface?.kind !== 'type' || !ts.isInterfaceDeclaration(iface.node)) return false;
    const name = functionName(fn);
    const member = iface.node.members.find((m) => m.name !== undefined && propertyKey(m.name) === name);
    return member !== undefined && this.literalOfInterfaceOf(member, fn);
  }

  /**
   * `publisher.publish(…)` on a `publisher: EnvelopePublisher` calls the `publish` of an object
   * literal typed as that interface (returned by a function declaring it as its result, held by a
   * variable declared of it, `as` or `satisfies` it), or of a factory's literal with no type written
   * that has every member the interface names (`return { connect, publish }`: it satisfies it
   * structurally, a port and its adapter).
   */
  private literalOfInterfaceOf(member: ts.Node, fn: ts.SignatureDeclaration): boolean {
    if (!(ts.isMethodSignature(member) || ts.isPropertySignature(member)) || !ts.isInterfaceDeclaration(member.parent))
      return false;
    const iface = member.parent;
    const literal = holdingLiteral(fn);
    if (!literal) return false;
    const type = contextualTypeNode(literal);
    if (type)
      return (
        ts.isTypeReferenceNode(type) &&
        ts.isIdentifier(type.typeName) &&
        this.project.declarationOf(type.typeName)?.node === iface
      );
    if (!ts.isReturnStatement(literal.parent) && !ts.isArrowFunction(literal.parent)) return false;
    const keys = new Set(literal.properties.map((p) => (p.name ? propertyKey(p.name) : undefined)));
    return iface.members.every((m) => m.name !== undefined && keys.has(propertyKey(m.name)));
  }

  /**
   * The calls of a method by name, less those the checker places in another type (`classList.add`
   * is no call of a project `add`); a receiver of unknown type is kept.
   */
  possibleCallersOf(fn: ts.SignatureDeclaration): Caller[] {
    // The class or object literal the method (or the property holding the function) is a member of.
    const holder = ts.isMethodDeclaration(fn) ? fn.parent : namingParent(fn).parent;
    // Kept unless the checker places it in another class or in a library's declarations: an
    // interface of the project (`register: MetricsRegister`) or a module's export object
    // (`module.exports = { counter }`) may lead to the wrapper.
    return this.methodCallersWhere(
      fn,
      this.possible,
      (declared) =>
        declared.length === 0 ||
        declared.some(
          (d) =>
            d === fn ||
            d === namingParent(fn) ||
            (!d.getSourceFile().isDeclarationFile &&
              !((ts.isMethodDeclaration(d) || ts.isPropertyDeclaration(d)) && d.parent !== holder)),
        ),
    );
  }

  /**
   * A method's callers by name, kept where `keep` accepts what the checker declares the callee to
   * be; calls on `this` and calls that are not `receiver.method()` always stay. Functions: every caller.
   */
  private methodCallersWhere(
    fn: ts.SignatureDeclaration,
    memo: Map<ts.SignatureDeclaration, { from: Caller[]; callers: Caller[] }>,
    keep: (declared: readonly ts.Node[], receiver: ts.Expression) => boolean,
    withBareCalls = false,
  ): Caller[] {
    const calls = this.callersOf(fn, withBareCalls);
    if (!isMethodLike(fn)) return calls;
    // `keep` is a pure test per call: the filtered list holds as long as the list it filtered.
    const known = memo.get(fn);
    if (known?.from === calls) return known.callers;
    const callers = calls.filter((call) => {
      const callee = skipOuter(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return true;
      const receiver = skipOuter(callee.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) return true;
      const declared = this.types.declarations(callee);
      if (declared.length === 0 && encloses(fn, call) && !namesHolder(receiver, fn)) return false;
      return !this.anotherModulesExport(receiver, callee.name.text, fn) && keep(declared, receiver);
    });
    if (this.methodCallers.get(fn) === calls) memo.set(fn, { from: calls, callers });
    return callers;
  }

  /**
   * `redis.incr(key)` where `redis = require('./redis')` exports an `incr` of its own: a call of that
   * module's function, not of `exports.incr` in another module that shares the name.
   */
  private anotherModulesExport(receiver: ts.Expression, name: string, fn: ts.SignatureDeclaration): boolean {
    if (!ts.isIdentifier(receiver)) return false;
    const decl = lookup(receiver.text, receiver);
    if (decl?.kind !== 'import' || decl.imported !== '*') return false;
    const target = this.project.resolveModule(decl.module, receiver.getSourceFile().fileName);
    if (!target || target === fn.getSourceFile()) return false;
    const exported = this.project.findExport(target, name);
    return exported !== undefined && exported.node.getSourceFile() === target && !encloses(exported.node, fn);
  }

  /**
   * `creators[type](meter, name)` where `const creators = { counter(meter, name) {…}, … }`: a call
   * by a computed key may call any entry (which one, the key decides: see metric definitions).
   */
  private dispatchCallers(fn: ts.SignatureDeclaration): Caller[] {
    const table = tableOf(fn);
    if (!table || !ts.isIdentifier(table.name)) return [];
    const name = table.name.text;
    return (this.project.dispatchCallsByTable.get(name) ?? []).filter((call) => {
      const decl = lookup(name, call);
      return decl?.kind === 'variable' && decl.node === table && decl.path.length === 0;
    });
  }

  /** {@link confirmedCallersOf} and {@link possibleCallersOf} per method, for a final list of callers by name. */
  private readonly confirmed = new Map<ts.SignatureDeclaration, { from: Caller[]; callers: Caller[] }>();
  private readonly possible = new Map<ts.SignatureDeclaration, { from: Caller[]; callers: Caller[] }>();

  private readonly callerGroups = new Map<string, CallerGroup>();

  private callerGroup(name: string): CallerGroup {
    let group = this.callerGroups.get(name);
    if (group) return group;
    group = { byTarget: new Map(), byMethodName: [], byMethodNameBare: [] };
    for (const call of this.project.callsByName.get(name) ?? []) {
      const target = this.calleeFunction(call);
      if (target) {
        let list = group.byTarget.get(target);
        if (!list) group.byTarget.set(target, (list = []));
        list.push(call);
      }
      const callee = skipOuter(call.expression);
      // `seen.add(id)` on a `Set` calls the collection's method, not a project method named `add`.
      if (
        ts.isCallExpression(call) &&
        ts.isPropertyAccessExpression(callee) &&
        !isBuiltinCollection(callee.expression)
      ) {
        group.byMethodNameBare.push(call);
        if (call.arguments.length > 0) group.byMethodName.push(call);
      }
    }
    this.callerGroups.set(name, group);
    return group;
  }

  /** `const { Gauge } = lib` where `lib` is a namespace import (`import * as lib from '@acme/lib'`): that export. */
  private destructuredExport(decl: Declaration | undefined): Declaration | undefined {
    const init = decl?.kind === 'variable' && decl.path.length === 1 ? decl.node.initializer : undefined;
    const base = init && skipOuter(init);
    const ns = base && ts.isIdentifier(base) ? lookup(base.text, base) : undefined;
    const file = ns?.kind === 'import' ? this.project.namespaceFile(ns) : undefined;
    return file && decl?.kind === 'variable' ? this.project.findExport(file, decl.path[0]) : undefined;
  }

  /** The constructor a `new` expression runs, when it constructs a project class that declares one. */
  constructorCalled(node: ts.NewExpression): ts.ConstructorDeclaration | undefined {
    const target = this.calleeFunction(node);
    return target && ts.isConstructorDeclaration(target) ? target : undefined;
  }

  /** The function (or class constructor, for `new`) a call invokes, when syntax can tell. */
  private calleeFunction(call: Caller): ts.Node | undefined {
    const callee = skipOuter(call.expression);
    let decl: Declaration | undefined;
    if (ts.isIdentifier(callee)) {
      decl = lookup(callee.text, callee);
      decl = dynamicallyImported(decl, this.project) ?? this.destructuredExport(decl) ?? decl;
    } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(skipOuter(callee.expression))) {
      const base = skipOuter(callee.expression) as ts.Identifier;
      let ns = lookup(base.text, base);
      // `import { metrics } from '@acme/utils'` where utils has `export * as metrics from './metrics'`.
      // A default import of a CommonJS module exporting property by property is its module object.
      if (ns?.kind === 'import' && !this.project.namespaceFile(ns)) ns = this.project.followImport(ns) ?? ns;
      const file = ns?.kind === 'import' ? this.project.namespaceFile(ns) : undefined;
      decl = file && this.project.findExport(file, callee.name.text);
      // `import stats from './stats'` where stats.js is `module.exports = { counter }`.
      if (ns?.kind === 'expression' && ts.isObjectLiteralExpression(skipOuter(ns.node)))
        decl = memberOfLiteral(skipOuter(ns.node) as ts.ObjectLiteralExpression, callee.name.text, this.project);
    }
    let target = followImports(decl, this.project);
    // `module.exports = { recordApiRequest: enabledHandler(recordApiRequest) }`: the function handed back.
    const handed = target?.kind === 'expression' ? handedBack(target.node, this.project) : undefined;
    if (handed && ts.isIdentifier(handed)) target = followImports(lookup(handed.text, handed), this.project);
    const cls = classOfDeclaration(target);
    if (cls) return ts.isNewExpression(call) ? cls.members.find(ts.isConstructorDeclaration) : undefined;
    // `const { track } = require('./stats')` where stats.js is `module.exports = { track: (…) => … }`.
    return functionOfDeclaration(target);
  }
}

interface CallerGroup {
  byTarget: Map<ts.Node, Caller[]>;
  /** `x.name(…)` calls that pass arguments: the ones a parameter's value can come from. */
  byMethodName: Caller[];
  /** Every `x.name()` call, those without arguments too: the ones that run the method. */
  byMethodNameBare: Caller[];
}

/** The declaration an object literal's member refers to (`{ counter }`, `{ counter: count }`, `{ counter() {} }`). */
function memberOfLiteral(
  object: ts.ObjectLiteralExpression,
  member: string,
  project: ProjectIndex,
): Declaration | undefined {
  for (const prop of object.properties) {
    if (ts.isSpreadAssignment(prop) || propertyKey(prop.name) !== member) continue;
    if (ts.isShorthandPropertyAssignment(prop)) return lookup(prop.name.text, prop);
    const value = ts.isPropertyAssignment(prop)
      ? (handedBack(prop.initializer, project) ?? prop.initializer)
      : undefined;
    if (value && ts.isIdentifier(value)) return lookup(value.text, prop);
    return undefined;
  }
  return undefined;
}

/**
 * `enabledHandler(recordApiRequest)` of `(handler, fallback = NOOP) => (ENABLED ? handler : fallback)`:
 * the function a project helper hands back, called as the entry it is exported under.
 */
function handedBack(value: ts.Expression, project: ProjectIndex): ts.Expression | undefined {
  const call = skipOuter(value);
  if (!ts.isCallExpression(call)) return undefined;
  const fn = calledFunction(call.expression, project);
  if (!fn) return undefined;
  for (const branch of returnedValues(fn).flatMap(conditionalBranches)) {
    const r = skipOuter(branch);
    const decl = ts.isIdentifier(r) ? lookup(r.text, r) : undefined;
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0) continue;
    const arg = call.arguments[decl.index] && skipOuter(call.arguments[decl.index]);
    if (arg && ts.isIdentifier(arg)) return arg;
  }
  return undefined;
}

/** The `const` an object literal of functions is stored in, for one of its entries (`counter(…) {…}`, `counter: (…) => …`). */
function tableOf(fn: ts.SignatureDeclaration): ts.VariableDeclaration | undefined {
  const entry = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
  if (!entry || !ts.isObjectLiteralExpression(entry.parent)) return undefined;
  let holder: ts.Node = entry.parent.parent;
  while (ts.isParenthesizedExpression(holder) || ts.isAsExpression(holder) || ts.isSatisfiesExpression(holder))
    holder = holder.parent;
  return ts.isVariableDeclaration(holder) ? holder : undefined;
}

/** The key an entry of an object literal of functions is stored under. */
export function entryKey(fn: ts.SignatureDeclaration): string | undefined {
  if (!tableOf(fn)) return undefined;
  const entry = ts.isMethodDeclaration(fn) ? fn : (fn.parent as ts.PropertyAssignment);
  return propertyKey(entry.name);
}

const objectPropertyNames = new WeakMap<ts.SourceFile, Set<string>>();

/** A method or function-valued property of an object literal (`{ labels(l) { … } }`, `{ labels: (l) => … }`). */
/**
 * The object literal a function is a member of: written in it, or a function of a factory listed in
 * the literal it returns (`function sendCommand(…) {…}; return { sendCommand }`).
 */
function holdingLiteral(fn: ts.SignatureDeclaration): ts.ObjectLiteralExpression | undefined {
  const holder = ts.isMethodDeclaration(fn) ? fn.parent : namingParent(fn).parent;
  if (ts.isObjectLiteralExpression(holder)) return holder;
  const name = ts.isFunctionDeclaration(fn) ? fn.name?.text : undefined;
  const factory = name !== undefined ? enclosingFunction(fn) : undefined;
  return factory
    ? returnedValues(factory)
        .map(skipOuter)
        .filter(ts.isObjectLiteralExpression)
        .find((literal) => literal.properties.some((p) => heldIdentifier(p)?.text === name))
    : undefined;
}

/** The type an object literal is written to be: a function's declared result, a variable's type, `as` or `satisfies`. */
function contextualTypeNode(literal: ts.ObjectLiteralExpression): ts.TypeNode | undefined {
  let at: ts.Node = literal;
  while (ts.isParenthesizedExpression(at.parent)) at = at.parent;
  const parent = at.parent;
  if (ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) return parent.type;
  if (ts.isVariableDeclaration(parent)) return parent.type;
  if (ts.isArrowFunction(parent) && parent.body === at) return parent.type;
  if (ts.isReturnStatement(parent)) {
    const fn = enclosingFunction(parent);
    return fn?.type;
  }
  return undefined;
}

function inObjectLiteral(fn: ts.SignatureDeclaration): boolean {
  return ts.isObjectLiteralExpression(fn.parent) || ts.isObjectLiteralExpression(fn.parent.parent);
}

/**
 * Whether the function a `const` holds is also a property of an object literal in its file
 * (`{ increment }`, `{ increment: increment }`), so that `obj.increment(…)` calls it.
 */
function listedInObject(fn: ts.SignatureDeclaration, name: string): boolean {
  if (!ts.isVariableDeclaration(fn.parent) && !ts.isFunctionDeclaration(fn)) return false;
  const file = fn.getSourceFile();
  let names = objectPropertyNames.get(file);
  if (!names) {
    const found = new Set<string>();
    forEachDescendant(file, (node) => {
      const value = ts.isObjectLiteralElement(node) ? heldIdentifier(node) : undefined;
      if (value) found.add(value.text);
    });
    objectPropertyNames.set(file, (names = found));
  }
  return names.has(name);
}

export function isMethodLike(fn: ts.SignatureDeclaration): boolean {
  return (
    ts.isMethodDeclaration(fn) ||
    ts.isPropertyAssignment(namingParent(fn)) ||
    ts.isPropertyDeclaration(namingParent(fn)) ||
    assignedHook(fn) !== undefined
  );
}

/**
 * Whether a receiver may be a class, for a static method's callers: a class or an import of one
 * (or of anything: its module is not always read), a global, `super`, `ns.Class`, `this.constructor`, a
 * parameter typed as a class; not a variable or parameter holding an instance, nor a call's or `new`'s result.
 */
/** Methods the metric objects of the libraries obslint reads have (prom-client, OpenTelemetry, StatsD). */
const METRIC_METHODS = new Set([
  ...PROM_CLIENT.labelMethods,
  'reset',
  'get',
  'zero',
  ...OTEL.recordMethods,
  'addCallback',
  'removeCallback',
  'bind',
  ...STATSD_METHODS.map(([method]) => method),
  'timer',
  'unique',
]);

function mayNameClass(receiver: ts.Expression): boolean {
  // `super.record(s)` in a static method calls the base class's static method.
  if (receiver.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (ts.isIdentifier(receiver)) {
    const decl = lookup(receiver.text, receiver);
    if (!decl || decl.kind === 'class' || decl.kind === 'import') return true;
    // `const Node = BeaconNode` or `= class extends Base {}`: an alias of a class.
    if (decl.kind === 'variable' && decl.path.length === 0 && decl.node.initializer) {
      const init = skipOuter(decl.node.initializer);
      return ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) || ts.isClassExpression(init);
    }
    // `function start(Service: typeof BaseService)`, or a JavaScript `function start(Service)`.
    if (decl.kind === 'parameter')
      return decl.node.type
        ? ts.isTypeQueryNode(decl.node.type) || ts.isConstructorTypeNode(decl.node.type)
        : /^[A-Z]/.test(receiver.text);
    return false;
  }
  return ts.isPropertyAccessExpression(receiver) && /^[A-Z]|^constructor$/.test(receiver.name.text);
}

/** `Node.init()` on a class declared in the file: a static method's call, not an instance method's. */
function namesClass(receiver: ts.Expression): boolean {
  return ts.isIdentifier(receiver) && lookup(receiver.text, receiver)?.kind === 'class';
}

/** Whether a receiver's name shares a word with a class name (`orderRepo` and `OrderRepository`). */
function namesAgree(className: string, receiver: string): boolean {
  const words = (name: string): string[] => identifierWords(name).filter((w) => w.length >= 3);
  const receiverWords = words(receiver);
  return words(className).some((w) =>
    receiverWords.some((r) => r.startsWith(w.slice(0, 4)) || w.startsWith(r.slice(0, 4))),
  );
}

/** `Api` of `Api.Client`: the name a qualified type name starts with. */
function leftmost(name: ts.EntityName): ts.Identifier {
  return ts.isIdentifier(name) ? name : leftmost(name.left);
}

/**
 * A method calling a method of its own name on another receiver, of a type obslint cannot see
 * (`increment(name) { statsd.increment(`app.${name}`) }`), delegates to it: no recursion, unless
 * the receiver names the object or class the method belongs to (`metrics.increment(…)` inside
 * `const metrics = { increment(…) {…} }`).
 */
function namesHolder(receiver: ts.Expression, fn: ts.SignatureDeclaration): boolean {
  if (!ts.isIdentifier(receiver)) return false;
  const holder = ts.isMethodDeclaration(fn) || ts.isConstructorDeclaration(fn) ? fn.parent : namingParent(fn).parent;
  const named = ts.isClassLike(holder)
    ? holder.name
    : ts.isVariableDeclaration(holder.parent)
      ? holder.parent.name
      : undefined;
  return named !== undefined && ts.isIdentifier(named) && named.text === receiver.text;
}

/** `this.pub` where every assignment of the field in its class is what a package's function makes. */
function fieldFilledByPackage(receiver: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(receiver) || skipOuter(receiver.expression).kind !== ts.SyntaxKind.ThisKeyword)
    return false;
  const cls = enclosingClassLike(receiver);
  if (!cls) return false;
  let writes = 0;
  let fromPackage = true;
  forEachThisAssignment(cls, receiver.name.text, (value) => {
    writes++;
    fromPackage = madeByPackage(skipOuter(value));
    return !fromPackage;
  });
  return writes > 0 && fromPackage;
}

/** `redis.createClient(opts)` where `redis` is a package's import (`require('@acme/redis')`). */
function madeByPackage(value: ts.Expression): boolean {
  const call = ts.isAwaitExpression(value) ? skipOuter(value.expression) : value;
  if (!ts.isCallExpression(call)) return false;
  let root = skipOuter(call.expression);
  while (ts.isPropertyAccessExpression(root)) root = skipOuter(root.expression);
  const decl = ts.isIdentifier(root) ? lookup(root.text, root) : undefined;
  return decl?.kind === 'import' && !/^[.#/]/.test(decl.module);
}
