import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  assignmentsIn,
  constructorFunctionAssignments,
  constructorFunctionOf,
  enclosingClassLike,
  forEachThisAssignment,
  isStatic,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  thisFunction,
  objectLiteralOfThis,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { ARRAY_ITERATORS, ELEMENT_KEEPING } from '../syntax/builtin-calls.js';
import { isMethodLike, type Caller } from './call-graph.js';
import {
  calledFunction,
  conditionalBranches,
  decoratedClasses,
  functionOfDeclaration,
  returnedParameters,
  returnedValues,
} from '../syntax/functions.js';
import { bindArguments, constantKeys, EMPTY_ENV, iterations, scalarText, type StaticEvaluator } from './static-eval.js';
import type { TypeOracle } from './type-oracle.js';
import { parameterGuards, passesGuards, type ParameterGuards } from './narrowing.js';
import { readBeforeAnyWrite } from './variable-writes.js';
import { NEST_PROMETHEUS } from '../libraries/prom-client.js';

/**
 * Where a value may come from: an expression obslint does not follow further (a `new`, a call into
 * a library, a literal, a request object), with the members still to be read from it.
 */
export interface Origin {
  expr: ts.Expression;
  path: string[];
  /** A call of a project function whose returned values are origins too (listed beside it). */
  expanded?: true;
  /** Written in a loop over a constant collection: the turn it was written in (one metric per element). */
  element?: number;
  /**
   * Read from a container under this constant key where the writes' keys are built at run time
   * (`this.metrics[prefix + name] = m`, read as `this.metrics['sas_requests']`): a registry keyed
   * by name, so the value is the metric of that name among those the write may hold.
   */
  key?: string;
  /**
   * The key the write used, built at run time (`` `${name}/${label || ''}` ``): the metric is the one
   * whose creation's arguments build `key` from it, where the key is more than the metric's name.
   */
  writtenUnder?: ts.Expression;
}

/** A value injected by a DI container under a token obslint can read (`@InjectMetric('orders_total')`). */
export interface InjectedOrigin {
  token: string;
  /** The decorator's name (`InjectMetric`, `Inject`). */
  by: string;
  node: ts.Node;
  path: string[];
}

export type Source = Origin | InjectedOrigin;

/** A value written into a container (`map.set(k, v)`, `obj[k] = v`), under its key when known. */
interface ContainerWrite {
  key: string | undefined;
  value: ts.Expression;
  element?: number;
  /** The key expression, where it is built at run time. */
  keyExpr?: ts.Expression;
}

/** A write into a held container through a computed outer key (`counters[service][key]`): the container's key and that expression. */
interface GroupChoice {
  key: string;
  chosenBy: ts.Expression;
}

function groupChoice(container: Container, target: ts.ElementAccessExpression): GroupChoice | undefined {
  const outer = skipOuter(target.expression);
  return container.key !== undefined && ts.isElementAccessExpression(outer)
    ? { key: container.key, chosenBy: outer.argumentExpression }
    : undefined;
}

/** Two identifiers naming one binding (`TABLE[service]` and `counters[service]` in one function). */
function sameName(a: ts.Expression, b: ts.Expression): boolean {
  const x = skipOuter(a);
  const y = skipOuter(b);
  if (!ts.isIdentifier(x) || !ts.isIdentifier(y) || x.text !== y.text) return false;
  const declared = lookup(x.text, x);
  return declared !== undefined && declared.node === lookup(y.text, y)?.node;
}

export const isInjected = (source: Source): source is InjectedOrigin => 'token' in source;

/** `_.mapValues(o, cb)`, `_.forEach(o, cb)`: helpers (lodash, underscore, async) calling back with each value. */
const COLLECTION_ITERATORS = new Set([
  'mapValues',
  'forOwn',
  'forIn',
  'forEach',
  'each',
  'map',
  'filter',
  'some',
  'every',
]);

/** Appends without spreading: an object assembled from many spreads may hold more origins than a call takes arguments. */
function append(into: Source[], items: readonly Source[]): void {
  for (const item of items) into.push(item);
}

/** Each origin once: the same object reached through several spreads is one origin, not one per path to it. */
function distinct(sources: Source[]): Source[] {
  if (sources.length < 2) return sources;
  // Keys are built only for origins of one node: most lists name each node once.
  const seen = new Map<ts.Node, Source[]>();
  return sources.filter((source) => {
    const node = isInjected(source) ? source.node : source.expr;
    const others = seen.get(node);
    if (!others) {
      seen.set(node, [source]);
      return true;
    }
    const key = distinctKey(source);
    if (others.some((other) => distinctKey(other) === key)) return false;
    others.push(source);
    return true;
  });
}

function distinctKey(source: Source): string {
  return isInjected(source)
    ? `${source.token}\u0000${source.path.join('.')}`
    : `${source.path.join('.')}\u0000${source.element ?? ''}\u0000${source.key ?? ''}\u0000${source.expanded ?? ''}`;
}

/** A variable or a class field that values are written into by key: where to look and how to know it. */
interface Container {
  id: string;
  scope: ts.Node;
  denotes: (expr: ts.Expression) => boolean;
  init: ts.Expression | undefined;
  /** For a container held in another under a constant key (`counters.api`): that key. */
  key?: string;
}

/** How far up a class's bases a field is looked for. */
const BASE_CLASS_HOPS = 8;

/**
 * Containers are looked up for every member read value flow follows: each is described once (its
 * id, its test and its initializer), not once per read.
 */
const variableContainers = new WeakMap<ts.VariableDeclaration, Container | null>();
const fieldContainers = new WeakMap<ts.ClassLikeDeclaration, Map<string, Container>>();

function variableContainer(decl: ts.VariableDeclaration): Container | undefined {
  let container = variableContainers.get(decl);
  if (container === undefined) variableContainers.set(decl, (container = describeVariable(decl) ?? null));
  return container ?? undefined;
}

function fieldContainer(cls: ts.ClassLikeDeclaration, field: string): Container {
  let byField = fieldContainers.get(cls);
  if (!byField) fieldContainers.set(cls, (byField = new Map<string, Container>()));
  let container = byField.get(field);
  if (!container) byField.set(field, (container = describeField(cls, field)));
  return container;
}

/**
 * The expressions under a scope that may write into a container (`x.set(k, v)` and its kin,
 * `x[k] = v`, `x.k = v`), in source order. Each container of a scope was found by walking the whole
 * scope again (a file's top-level registries walked the file each): one walk per scope serves them all.
 */
const scopeWrites = new WeakMap<ts.Node, (ts.CallExpression | ts.BinaryExpression)[]>();
function possibleWritesIn(scope: ts.Node): (ts.CallExpression | ts.BinaryExpression)[] {
  let writes = scopeWrites.get(scope);
  if (writes) return writes;
  const found: (ts.CallExpression | ts.BinaryExpression)[] = [];
  forEachDescendant(scope, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      if (CONTAINER_WRITES.has(node.expression.name.text) && node.arguments.length >= 2) found.push(node);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = skipOuter(node.left);
      if (ts.isElementAccessExpression(left) || ts.isPropertyAccessExpression(left)) found.push(node);
    }
  });
  scopeWrites.set(scope, (writes = found));
  return writes;
}

function describeVariable(decl: ts.VariableDeclaration): Container | undefined {
  if (!ts.isIdentifier(decl.name)) return undefined;
  const name = decl.name.text;
  const scope = decl.getSourceFile();
  return {
    id: `${scope.fileName}:${decl.pos}`,
    scope,
    denotes: (x) => ts.isIdentifier(x) && x.text === name && lookup(x.text, x)?.node === decl,
    init: decl.initializer,
  };
}

function describeField(cls: ts.ClassLikeDeclaration, field: string): Container {
  const declared = cls.members.find((m) => ts.isPropertyDeclaration(m) && propertyKey(m.name) === field);
  return thisField(
    cls,
    field,
    (x) => enclosingClassLike(x) === cls,
    declared && ts.isPropertyDeclaration(declared) ? declared.initializer : undefined,
  );
}

/** `this.<field>` where the `this` is `scope`'s (`owns` tells), filled within `scope`. */
function thisField(
  scope: ts.Node,
  field: string,
  owns: (read: ts.Node) => boolean,
  init: ts.Expression | undefined,
): Container {
  return {
    id: `${scope.getSourceFile().fileName}:${scope.pos}#${field}`,
    scope,
    denotes: (x) =>
      ts.isPropertyAccessExpression(x) &&
      skipOuter(x.expression).kind === ts.SyntaxKind.ThisKeyword &&
      x.name.text === field &&
      owns(x),
    init,
  };
}

/**
 * The container an empty record or map starts out as: `const metrics = {}`, a field
 * `metrics = new Map()`, or `this.metrics = {}` in a constructor. The value flow reaches the
 * `{}` through aliases (`res.locals.metrics = { registry: this.metrics }`); the writes are on the
 * variable or field.
 */
function containerCreatedBy(created: ts.Expression): Container | undefined {
  const e = skipOuter(created);
  if (!ts.isObjectLiteralExpression(e) && !ts.isNewExpression(e)) return undefined;
  let at: ts.Node = e;
  while (
    at.parent &&
    (ts.isParenthesizedExpression(at.parent) ||
      ts.isAsExpression(at.parent) ||
      ts.isSatisfiesExpression(at.parent) ||
      ts.isTypeAssertionExpression(at.parent) ||
      ts.isNonNullExpression(at.parent))
  )
    at = at.parent;
  const holder = at.parent;
  if (!holder) return undefined;
  if (ts.isVariableDeclaration(holder) && holder.initializer === at) return variableContainer(holder);
  if (ts.isPropertyDeclaration(holder) && holder.initializer === at) {
    const field = propertyKey(holder.name);
    return field === undefined ? undefined : fieldContainer(holder.parent, field);
  }
  if (ts.isBinaryExpression(holder) && holder.right === at && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = skipOuter(holder.left);
    if (ts.isPropertyAccessExpression(left) && skipOuter(left.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(holder);
      if (cls) return fieldContainer(cls, left.name.text);
      // `function setupMetrics(this: Validator) { this.m = {}; this.m.jobs = new Counter(…) }`: filled where it is made.
      const fn = thisFunction(holder);
      if (fn) return thisField(fn, left.name.text, (x) => thisFunction(x) === fn, undefined);
    }
  }
  return undefined;
}

/** `this.member = value`, of the member assignments the project index lists (`x.member = value`). */
function writesThis(write: ts.BinaryExpression): boolean {
  return (
    skipOuter((skipOuter(write.left) as ts.PropertyAccessExpression).expression).kind === ts.SyntaxKind.ThisKeyword
  );
}

const MAX_DEPTH = 16;
/** The global object, by its names in Node and in every runtime. */
const GLOBAL_OBJECTS = new Set(['global', 'globalThis']);
const MAX_ORIGINS = 64;
/** Per query: a question whose answer fans out over the whole project is given up, and says so. */
const MAX_STEPS = 600;
/** Decorators that inject by token, and the argument that names it. */
const INJECTORS = new Set(['InjectMetric', 'Inject']);
const CONTAINER_READS = new Set(['get']);
const CONTAINER_WRITES = new Set(['set']);
/** Per-request bags a framework hands to every handler: Express `res.locals` (and `app.locals`). */
const REQUEST_BAGS = new Set(['locals']);

/**
 * The one answer to "where does this value come from", for metric objects and the objects label
 * values are read from alike: through variables (a module `let` assigned in an init function
 * included), destructuring, object literals and their spreads, element access with constant keys,
 * `Map#set`/`get` and records written by key, class fields and parameter properties, static
 * fields (per subclass through `this.constructor`), parameters from every call site and `super()`
 * call, values returned by project functions, `??`/`||`/ternaries, and DI tokens. Where syntax
 * stops, the checker's declaration of a property. Memoized; a walk that runs over its step budget
 * is cut short and reported through {@link ValueFlow.wasCut}.
 */
export class ValueFlow {
  private readonly memo = new Map<ts.Node, Source[]>();
  private readonly active = new Set<ts.Node>();
  /** Bumped whenever a walk is cut short: such a result depends on where it started, so is not kept. */
  private cuts = 0;
  /** The cuts that left values out (too deep, too wide); a cycle adds nothing its other paths miss. */
  private budgetCuts = 0;
  private steps = 0;
  private readonly queryMemo = new Map<ts.Node, Source[]>();
  /** Bumped on a read of {@link queryMemo}: a result built from a partial one is partial too. */
  private partialReads = 0;
  /**
   * Bumped on each call-site lookup of a method: its callers are filtered by which receivers hold
   * metrics, an answer that changes while metrics are being resolved.
   */
  private volatileReads = 0;
  /** The deepest depth a `members` walk checked against {@link MAX_DEPTH} so far, for {@link remembered}. */
  private deepest = -Infinity;
  /** What a member of an object, a field of a class, a parameter takes: see {@link remembered}. */
  private readonly remembers = new Map<ts.Node, Map<string, Remembered>>();
  private readonly assignments = new Map<ts.Node, ts.BinaryExpression[]>();
  /** The caller guards of a use, while the writes to its function's parameters are followed. */
  private readonly writeGuards = new Map<ts.SignatureDeclaration, ParameterGuards>();
  private readonly containerWrites = new Map<string, { key: string | undefined; value: ts.Expression }[]>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly types: TypeOracle,
    private readonly callersOf: (fn: ts.SignatureDeclaration) => Caller[],
    /** Whether `callersOf(fn)` can no longer change (the call graph's `callersSettled`). */
    private readonly callersSettled: (fn: ts.SignatureDeclaration) => boolean = () => false,
    /** Whether code in the first file's package can hold objects of the second's (`PackageIndex.reaches`). */
    private readonly reaches: (from: string, to: string) => boolean = () => true,
  ) {}

  /** Drops what was learnt so far (the call graph's answers change once every metric is known). */
  forget(): void {
    this.memo.clear();
    this.remembers.clear();
  }

  /** What an import of a project file names there (types included). */
  followImport(decl: Extract<Declaration, { kind: 'import' }>): Declaration | undefined {
    return this.project.followImport(decl);
  }

  /** Whether an import names an installed package rather than a project file. */
  isPackage(decl: Extract<Declaration, { kind: 'import' }>): boolean {
    return this.project.importedFile(decl) === undefined;
  }

  /** The values `expr` may evaluate to, each as far as obslint could follow it. */
  origins(expr: ts.Expression): Source[] {
    this.steps = 0;
    this.queryMemo.clear();
    this.lastCut = false;
    const before = this.cuts;
    const budgetBefore = this.budgetCuts;
    const found = this.follow(expr, 0);
    this.lastCut = this.cuts !== before;
    this.lastBudgetCut = this.budgetCuts !== budgetBefore;
    return found;
  }

  private lastCut = false;
  private lastBudgetCut = false;

  /** Whether the last query was cut short (a cycle, too deep, too wide): its answer may be incomplete. */
  wasCut(): boolean {
    return this.lastCut;
  }

  /** Whether the last query left values out (too deep, too wide), not only cycles that add nothing. */
  leftValuesOut(): boolean {
    return this.lastBudgetCut;
  }

  /**
   * A sub-answer asked again under many queries (the fields of one big metrics object, what every
   * caller passes to one parameter), kept once it is what recomputing it would give: no cut (cycle,
   * depth, step budget) anywhere under it, so every value it followed is in {@link memo} for good;
   * no partial answer of the current query read, and no method's callers looked up, by its own
   * steps (those of values followed and kept count as the kept value: asked again, they are that
   * value). Only the depth it started at matters still, for the depth checks of its own `members`
   * walks: it is reused from a depth that leaves them the room they had. Partial answers are never
   * kept: each query works them out again, as without this memo.
   */
  private remembered<T>(node: ts.Node, key: string, depth: number, compute: () => T): T {
    let table = this.remembers.get(node);
    const kept = table?.get(key);
    if (kept && depth + kept.reach <= MAX_DEPTH) {
      this.deepest = Math.max(this.deepest, depth + kept.reach);
      return kept.value as T;
    }
    const cuts = this.cuts;
    const partialReads = this.partialReads;
    const volatileReads = this.volatileReads;
    const outer = this.deepest;
    this.deepest = -Infinity;
    let value: T;
    let reach: number;
    try {
      value = compute();
    } finally {
      reach = this.deepest - depth;
      this.deepest = Math.max(outer, this.deepest);
    }
    if (cuts === this.cuts && partialReads === this.partialReads && volatileReads === this.volatileReads) {
      if (!table) this.remembers.set(node, (table = new Map<string, Remembered>()));
      table.set(key, { value, reach });
    }
    return value;
  }

  /**
   * The call sites of a function; a method's are marked as an answer that may change (see
   * {@link remembered}) until the call graph says they are final: a method with thousands of
   * callers by name was otherwise walked again under every query.
   */
  private callSites(fn: ts.SignatureDeclaration): Caller[] {
    const calls = this.callersOf(fn);
    if (isMethodLike(fn) && !this.callersSettled(fn)) this.volatileReads++;
    return calls;
  }

  private follow(expr: ts.Expression, depth: number): Source[] {
    const e = skipOuter(expr);
    const cached = this.memo.get(e);
    if (cached) return cached;
    const partial = this.queryMemo.get(e);
    if (partial) {
      this.partialReads++;
      return partial;
    }
    // A cycle (a field assigned from itself, mutual constructors) adds nothing new; a query that
    // fans out over the whole project is given up rather than allowed to dominate the run.
    if (depth > MAX_DEPTH || this.active.has(e) || ++this.steps > MAX_STEPS) {
      this.cuts++;
      if (!this.active.has(e)) this.budgetCuts++;
      return [];
    }
    const cutsBefore = this.cuts;
    const { partialReads, volatileReads, deepest } = this;
    this.active.add(e);
    let found: Source[];
    try {
      found = dedupe(this.uncached(e, depth), MAX_ORIGINS);
    } finally {
      this.active.delete(e);
    }
    // A result cut short depends on where the walk started: kept for this query only.
    if (this.cuts !== cutsBefore) {
      this.queryMemo.set(e, found);
      return found;
    }
    this.memo.set(e, found);
    // Kept for good: asked again, from any depth, it is this answer, whatever it was built from.
    this.partialReads = partialReads;
    this.volatileReads = volatileReads;
    this.deepest = deepest;
    return found;
  }

  private uncached(e: ts.Expression, depth: number): Source[] {
    if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined')) return [];
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken)
        return [...this.follow(e.left, depth + 1), ...this.follow(e.right, depth + 1)];
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.follow(e.right, depth + 1);
      // `x ??= new Counter(…)`, `a = b = c`: the assigned value.
      if (
        op === ts.SyntaxKind.EqualsToken ||
        op === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        op === ts.SyntaxKind.BarBarEqualsToken
      )
        return [
          ...this.follow(e.right, depth + 1),
          ...(op === ts.SyntaxKind.EqualsToken ? [] : this.follow(e.left, depth + 1)),
        ];
      return [{ expr: e, path: [] }];
    }
    if (ts.isConditionalExpression(e))
      return [...this.follow(e.whenTrue, depth + 1), ...this.follow(e.whenFalse, depth + 1)];
    if (ts.isIdentifier(e)) {
      const decl = lookup(e.text, e);
      return decl ? this.declared(decl, e, depth) : [{ expr: e, path: [] }];
    }
    if (ts.isCallExpression(e)) return this.called(e, depth);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return this.member(e, depth);
    return [{ expr: e, path: [] }];
  }

  private member(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): Source[] {
    const keys = this.keysOf(e);
    const base = skipOuter(e.expression);
    // A container filled by key (`metrics[name] = new Counter(…)`, `this.metrics.set(name, …)`).
    const stored = this.storedIn(this.containerAt(base), keys, depth);
    if (!keys) return stored.length > 0 ? stored : [{ expr: e, path: [] }];
    // `this.constructor.queueName`: the static field of this class and of every subclass.
    if (
      ts.isPropertyAccessExpression(base) &&
      base.name.text === 'constructor' &&
      skipOuter(base.expression).kind === ts.SyntaxKind.ThisKeyword
    )
      return keys.flatMap((key) => this.staticFieldPerSubclass(e, key, depth));
    if (base.kind === ts.SyntaxKind.ThisKeyword) return keys.flatMap((key) => this.thisMember(e, key, depth));
    const bagged = this.putInRequestBag(base, keys, depth);
    if (bagged.length > 0) return bagged;
    // The flow first: structurally equal types (`m.mesh` and `m.topics`) are one type to the
    // checker, which then names only one of them. The checker where the flow stops short.
    const flowed = [...keys.flatMap((key) => this.members(this.follow(base, depth + 1), [key], depth)), ...stored];
    if (flowed.some((o) => isInjected(o) || o.path.length === 0)) return flowed;
    const declared = keys.length === 1 && this.declaredByChecker(e, depth);
    if (declared) return declared;
    const decorated = keys.length === 1 ? this.decoration(e, keys[0], depth) : [];
    return decorated.length > 0 ? decorated : flowed;
  }

  /**
   * `server.customMetrics.staleCursorCounter` where `server` is the framework's instance (its type
   * from the framework's package, which obslint does not read): what the project decorates that
   * instance with under the name, `fastify.customMetrics = { … }` or `fastify.decorate('customMetrics',
   * { … })` in a plugin. A plain assignment counts only for names no ordinary object would use
   * (`customMetrics`, `app_metrics`), a `decorate('otel', …)` for any name, and only when every plain
   * assignment of the name is to such an instance (a variable or parameter); only decorations in
   * packages the reading code can reach (two services may each decorate theirs).
   */
  private decoration(read: ts.Expression, key: string, depth: number): Source[] {
    const reachable = (node: ts.Node): boolean =>
      this.reaches(read.getSourceFile().fileName, node.getSourceFile().fileName);
    const distinctive = /[a-z][A-Z_]/.test(key);
    const decorations = (this.project.callsByName.get('decorate') ?? []).filter(
      (call): call is ts.CallExpression =>
        ts.isCallExpression(call) &&
        call.arguments.length >= 2 &&
        ts.isStringLiteralLike(call.arguments[0]) &&
        call.arguments[0].text === key &&
        reachable(call),
    );
    if (!distinctive && decorations.length === 0) return [];
    const writes = this.memberWritesOf(key).filter(reachable);
    const holders = writes.map((w) => skipOuter((skipOuter(w.left) as ts.PropertyAccessExpression).expression));
    if (!holders.every(ts.isIdentifier)) return [];
    return [
      ...(distinctive ? writes.flatMap((w) => this.follow(w.right, depth + 1)) : []),
      ...decorations.flatMap((call) => this.follow(call.arguments[1], depth + 1)),
    ];
  }

  /**
   * What `base[key]` holds for one key a caller chose (`this.metrics[name]` in `inc(name, labels)`,
   * called as `agent.inc(NAMES.ERRORS, …)`): the container's value under that key.
   */
  originsUnder(container: ts.Expression, key: string): Source[] {
    this.steps = 0;
    this.queryMemo.clear();
    const base = skipOuter(container);
    return dedupe(
      [...this.members(this.follow(base, 1), [key], 1), ...this.storedIn(this.containerAt(base), [key], 1)],
      MAX_ORIGINS,
    );
  }

  /** The keys a lookup `c[key]` reads, when obslint can tell them (constants, or built from constants callers pass). */
  keysRead(e: ts.ElementAccessExpression): string[] | undefined {
    return this.keysOf(e);
  }

  /** The member names an access reads: `a.b`, `a['b']`, `a[KEY]` and `a[key]` with `key` fed constants. */
  private keysOf(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string[] | undefined {
    const name = propertyName(e);
    if (name !== undefined) return [name];
    if (!ts.isElementAccessExpression(e)) return undefined;
    const constants = constantKeys(e.argumentExpression, this.evaluator);
    if (constants.length > 0) return constants;
    // `this.metrics[name]` in `get(name)`: the constants its callers pass.
    const arg = keyExpression(e.argumentExpression);
    if (ts.isIdentifier(arg)) {
      const decl = lookup(arg.text, arg);
      if (decl?.kind === 'parameter' && decl.path.length === 0) {
        const passed = this.callSites(decl.fn).flatMap((call) => eitherBranch(call.arguments?.[decl.index]));
        const values = passed.map((p) => (p ? scalarText(this.evaluator.eval(p)) : undefined));
        if (values.length > 0 && values.every((v) => v !== undefined)) return [...new Set(values)];
      }
      return undefined;
    }
    // `this.metrics[`app_${kind}_total`]` in `count(kind)`: the key built from what each caller passes.
    const fn = this.parameterOwner(arg);
    if (!fn) return undefined;
    const values = this.callSites(fn).flatMap((call) =>
      argumentChoices(call.arguments ?? []).map((args) =>
        scalarText(this.evaluator.eval(arg, bindArguments(fn, args, EMPTY_ENV))),
      ),
    );
    return values.length > 0 && values.every((v) => v !== undefined) ? [...new Set(values)] : undefined;
  }

  /** The one function whose parameters an expression reads, if it reads any and only those. */
  private parameterOwner(expr: ts.Expression): ts.SignatureDeclaration | undefined {
    let owner: ts.SignatureDeclaration | undefined;
    let other = false;
    forEachDescendant(expr, (node) => {
      if (!ts.isIdentifier(node) || (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) return;
      const decl = lookup(node.text, node);
      if (decl?.kind !== 'parameter') return;
      if (owner && owner !== decl.fn) other = true;
      owner = decl.fn;
    });
    return other ? undefined : owner;
  }

  private declared(decl: Declaration, use: ts.Identifier, depth: number): Source[] {
    switch (decl.kind) {
      case 'variable': {
        const init = decl.node.initializer;
        const written = decl.isConst ? [] : this.assignedTo(decl);
        const values = [...(init ? [init] : []), ...written];
        return values.flatMap((v) => this.members(this.follow(v, depth + 1), decl.path, depth));
      }
      case 'parameter': {
        const injected = decl.path.length === 0 ? injectionToken(decl.node, this.evaluator) : undefined;
        if (injected) return [{ ...injected, node: decl.node, path: [] }];
        // `switch (metric) { case 'a': a.inc(labels) … }`: only the callers that pass 'a' reach this use
        // (and the same callers reach the parameter where a write reads it back: `params = f(params)`).
        const guards = this.writeGuards.get(decl.fn) ?? parameterGuards(use, decl.fn, this.evaluator);
        const given = this.iteratedElements(decl, depth) ?? this.passed(decl.fn, decl.index, decl.path, depth, guards);
        // `context = { ...context, metricFailure }`: what the function writes to its parameter, too.
        const written = decl.path.length === 0 ? this.writtenToParameter(decl) : [];
        // `(metrics: MetricsLogger) => …` handed to a package, or a function nothing in the project
        // calls: an instance of the package's class its type names (library paths read that type).
        // `(metricsService: MetricsService)` that a container (Nest) fills: an instance of the project class.
        if (
          given.length === 0 &&
          written.length === 0 &&
          decl.path.length === 0 &&
          (this.typedByPackage(decl.node) || this.injectedInstanceOf(decl.node))
        )
          return [{ expr: decl.node.name as ts.Identifier, path: [] }];
        if (written.length === 0) return given;
        const outer = this.writeGuards.get(decl.fn);
        this.writeGuards.set(decl.fn, guards);
        try {
          return [...given, ...written.flatMap((v) => this.follow(v, depth + 1))];
        } finally {
          if (outer) this.writeGuards.set(decl.fn, outer);
          else this.writeGuards.delete(decl.fn);
        }
      }
      case 'import': {
        const target = this.project.followImport(decl);
        // A package the imported module re-exports (`module.exports.prom = promClient`) is
        // followed from where that module imports it.
        if (target?.kind === 'import' && this.isPackage(target)) return [{ expr: target.name, path: [] }];
        if (target) return this.declared(target, use, depth + 1);
        return [{ expr: use, path: [] }];
      }
      case 'expression':
        return this.follow(decl.node, depth + 1);
      case 'loop': {
        // `for (const { metrics } of [{ metrics: m.mesh }, { metrics: m.topic }])`: each element.
        const items = ts.isForOfStatement(decl.loop) ? skipOuter(decl.loop.expression) : undefined;
        if (!items) return [];
        if (!ts.isArrayLiteralExpression(items)) return this.elementsOf(items, decl.path, depth + 1) ?? [];
        return items.elements.flatMap((item) =>
          ts.isSpreadElement(item) ? [] : this.members(this.follow(item, depth + 1), decl.path, depth + 1),
        );
      }
      default:
        return [{ expr: use, path: [] }];
    }
  }

  /**
   * The project class a parameter's type names, when nothing in the project passes it (a dependency-
   * injection container constructs it: `constructor(private readonly metrics: MetricsService)`).
   */
  private injectedInstanceOf(param: ts.ParameterDeclaration): ts.ClassDeclaration | undefined {
    const typeName = namedType(param);
    return typeName && this.classNamed(typeName);
  }

  private typedByPackage(param: ts.ParameterDeclaration): boolean {
    const typeName = namedType(param);
    const decl = typeName && lookup(typeName.text, typeName);
    return decl?.kind === 'import' && this.isPackage(decl);
  }

  /**
   * The first parameter of a callback that iterates a collection: `Object.values(metrics).forEach((m) => …)`,
   * `list.map((m) => …)`, `_.mapValues(metrics, (m) => …)`, `Object.entries(metrics).forEach(([, m]) => …)`:
   * the collection's elements (an object's property values).
   */
  private iteratedElements(decl: Extract<Declaration, { kind: 'parameter' }>, depth: number): Source[] | undefined {
    const fn = decl.fn;
    if (decl.index !== 0 || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
    const call = fn.parent;
    if (!ts.isCallExpression(call)) return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const collection =
      call.arguments[0] === fn && ARRAY_ITERATORS.has(method)
        ? callee.expression
        : call.arguments[1] === fn && COLLECTION_ITERATORS.has(method) && ts.isIdentifier(skipOuter(callee.expression))
          ? call.arguments[0]
          : undefined;
    return collection && this.elementsOf(collection, decl.path, depth);
  }

  private elementsOf(collection: ts.Expression, path: string[], depth: number): Source[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const c = skipOuter(collection);
    // `const rows = list.filter(…).map((r) => ({ … }))`: the elements the callback returns.
    if (ts.isIdentifier(c)) {
      const decl = lookup(c.text, c);
      if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer) {
        const init = skipOuter(decl.node.initializer);
        if (ts.isCallExpression(init)) return this.elementsOf(init, path, depth + 1);
      }
    }
    const callee = ts.isCallExpression(c) ? skipOuter(c.expression) : undefined;
    if (ts.isCallExpression(c) && callee && ts.isPropertyAccessExpression(callee)) {
      const callback = c.arguments[0] && skipOuter(c.arguments[0]);
      if (callee.name.text === 'map' && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)))
        return returnedValues(callback).flatMap((v) => this.members(this.follow(v, depth + 1), path, depth));
      if (ELEMENT_KEEPING.has(callee.name.text)) return this.elementsOf(callee.expression, path, depth + 1);
    }
    // `Object.values(o)`, `Object.entries(o)` (the value is element 1 of each pair).
    if (ts.isCallExpression(c) && c.arguments[0] && skipOuter(c.expression).getText() === 'Object.values')
      return this.valuesOf(c.arguments[0], path, depth);
    if (ts.isCallExpression(c) && c.arguments[0] && skipOuter(c.expression).getText() === 'Object.entries')
      return path[0] === '1' ? this.valuesOf(c.arguments[0], path.slice(1), depth) : undefined;
    return this.valuesOf(c, path, depth);
  }

  /** The elements of an array literal or the property values of an object literal an expression holds. */
  private valuesOf(holder: ts.Expression, path: string[], depth: number): Source[] | undefined {
    const values: ts.Expression[] = [];
    for (const origin of this.follow(holder, depth + 1)) {
      const literal = isInjected(origin) || origin.path.length > 0 ? undefined : skipOuter(origin.expr);
      if (literal && ts.isArrayLiteralExpression(literal) && !literal.elements.some(ts.isSpreadElement))
        values.push(...literal.elements);
      else if (literal && ts.isObjectLiteralExpression(literal) && literal.properties.every(ts.isPropertyAssignment))
        values.push(...literal.properties.map((p) => (p as ts.PropertyAssignment).initializer));
      else return undefined;
    }
    return values.length > 0 ? values.flatMap((v) => this.members(this.follow(v, depth + 1), path, depth)) : undefined;
  }

  /** Every value assigned to a `let`/`var` after its declaration, anywhere in its scope. */
  /** What a `let` is assigned after its declaration (`x = …`, `x ??= …`, `x ||= …`). */
  private assignedTo(decl: Extract<Declaration, { kind: 'variable' }>): ts.Expression[] {
    return this.assignmentsTo(decl).map((a) => a.right);
  }

  /** The values a function assigns to one of its own parameters (`params = withDefaults(params)`). */
  private writtenToParameter(decl: Extract<Declaration, { kind: 'parameter' }>): ts.Expression[] {
    return this.assignmentsTo(decl).map((a) => a.right);
  }

  /**
   * The assignments to a variable (in the block that declares it) or to a parameter (in its
   * function): `x = …`, `x ??= …`, `x ||= …`.
   */
  assignmentsTo(decl: Extract<Declaration, { kind: 'variable' | 'parameter' }>): readonly ts.BinaryExpression[] {
    const cached = this.assignments.get(decl.node);
    if (cached) return cached;
    const scope =
      decl.kind === 'variable'
        ? (decl.node.parent?.parent?.parent ?? decl.node.getSourceFile())
        : (decl.fn as ts.FunctionLikeDeclaration).body;
    const found = scope ? assignmentsIn(scope, decl.name.text, decl.node) : [];
    this.assignments.set(decl.node, found);
    return found;
  }

  /** What every call site passes as parameter `index` of `fn` (`new Client(urls, { metrics })`). */
  private passed(
    fn: ts.SignatureDeclaration,
    index: number,
    path: string[],
    depth: number,
    guards: ParameterGuards = new Map(),
  ): Source[] {
    const guarded =
      guards.size > 0
        ? [
            JSON.stringify(
              [...guards].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, { values }]) => [key, [...values].sort()]),
            ),
          ]
        : [];
    return this.remembered(fn, ['passed', index, ...path, ...guarded].join('\u0000'), depth, () => {
      const found: Source[] = [];
      for (const call of this.callSites(fn)) {
        if (!passesGuards(call, fn, guards, this.evaluator)) continue;
        const arg = call.arguments?.[index];
        // `prom(histogram)` of `prom(h, serialize = defaultSerializer)`: the default, where a call leaves it out.
        const given = arg ?? (call.arguments?.some(ts.isSpreadElement) ? undefined : fn.parameters[index]?.initializer);
        if (given && !ts.isSpreadElement(given))
          found.push(...this.members(this.follow(given, depth + 1), path, depth));
      }
      return found;
    });
  }

  /** `f()`: what a project function returns; `map.get(k)`: what was `set` under that key. */
  private called(e: ts.CallExpression, depth: number): Source[] {
    const callee = skipOuter(e.expression);
    const method = propertyName(callee);
    // `app.get(MetricsService)`: the container's instance, read member by member (`memberOf`), though
    // the application is written to like a map too (`app.set('trust proxy', 1)`).
    if (this.resolvedFromContainer(e)) return [{ expr: e, path: [] }];
    if (method !== undefined && CONTAINER_READS.has(method) && ts.isPropertyAccessExpression(callee)) {
      const stored = this.containerRead(callee.expression, e.arguments[0], depth);
      if (stored) return stored;
    }
    const fn = calledFunction(callee, this.project) ?? this.calledMethod(callee, depth);
    const passedBack = fn && this.returnedArguments(fn, e);
    if (passedBack)
      return [{ expr: e, path: [], expanded: true }, ...passedBack.flatMap((a) => this.follow(a, depth + 1))];
    let returns: readonly ts.Expression[] = fn
      ? [...returnedValues(fn).flatMap((r) => this.invokedArgument(fn, r, e) ?? [r]), ...this.overridden(fn, callee)]
      : this.passedFunctions(callee, depth).flatMap(returnedValues);
    if (!fn && returns.length === 0) returns = singletonFactory(e);
    if (returns.length === 0) return [{ expr: e, path: [] }];
    // The call itself stays an origin: a wrapper call is where the metrics it creates are defined.
    return [
      { expr: e, path: [], expanded: true },
      ...returns.flatMap((r) => (fn && this.fieldNamedByArgument(fn, r, e, depth)) ?? this.follow(r, depth + 1)),
    ];
  }

  /**
   * `this._registerMetricHandlers()` in a base class: what the subclasses that override the method
   * return too (`this` may be any of them: a subclass's own metrics are built there).
   */
  private overridden(fn: ts.SignatureDeclaration, callee: ts.Expression): ts.Expression[] {
    if (!ts.isMethodDeclaration(fn) || !ts.isPropertyAccessExpression(callee)) return [];
    if (skipOuter(callee.expression).kind !== ts.SyntaxKind.ThisKeyword) return [];
    const owner = enclosingClassLike(fn);
    if (!owner) return [];
    return this.project
      .classesExtending(owner)
      .flatMap((cls) =>
        cls.members.flatMap((m) =>
          ts.isMethodDeclaration(m) && m.body && propertyKey(m.name) === callee.name.text ? returnedValues(m) : [],
        ),
      );
  }

  /**
   * `attachMetric(name, metric)` that returns `metric` (or the one registered under the same name):
   * a function that hands back an argument returns, at each call, what that call passed, not what
   * every caller passes. Undefined when no returned value is a parameter.
   */
  private returnedArguments(fn: ts.SignatureDeclaration, call: ts.CallExpression): ts.Expression[] | undefined {
    const passed: ts.Expression[] = [];
    for (const decl of returnedParameters(fn)) {
      const arg = call.arguments[decl.index];
      if (arg && !ts.isSpreadElement(arg)) passed.push(arg);
    }
    return passed.length > 0 ? passed : undefined;
  }

  /** The project function or method a call runs, as value flow resolves it (`this.configure(…)` too). */
  functionCalled(call: ts.CallExpression, askChecker = true): ts.SignatureDeclaration | undefined {
    const callee = skipOuter(call.expression);
    const named = calledFunction(callee, this.project);
    if (named) return named;
    this.steps = 0;
    this.queryMemo.clear();
    return this.calledMethod(callee, 0, askChecker);
  }

  /**
   * `getHistogram(title) { return this[title] }` called as `getHistogram('connectionDuration')`: the
   * field that call names, not every field of the class; likewise `return this.metrics[name]`, the
   * member of what the object holds.
   */
  private fieldNamedByArgument(
    fn: ts.SignatureDeclaration,
    returned: ts.Expression,
    call: ts.CallExpression,
    depth: number,
  ): Source[] | undefined {
    let read = skipOuter(returned);
    // `const metric = this.metrics?.[name]; if (!metric) throw …; return metric`.
    if (ts.isIdentifier(read)) {
      const held = lookup(read.text, read);
      if (held?.kind !== 'variable' || !held.isConst || held.path.length > 0 || !held.node.initializer)
        return undefined;
      read = skipOuter(held.node.initializer);
    }
    if (!ts.isElementAccessExpression(read)) return undefined;
    const key = skipOuter(read.argumentExpression);
    const decl = ts.isIdentifier(key) ? lookup(key.text, key) : undefined;
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0) return undefined;
    const arg = call.arguments[decl.index];
    const name = arg && scalarText(this.evaluator.eval(arg));
    if (name === undefined) return undefined;
    const base = skipOuter(read.expression);
    if (base.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(read);
      return cls ? this.instanceField(cls, name, depth + 1) : undefined;
    }
    // `this.metrics[name]` in `get(name)`: the member this call names, not every caller's.
    const found = [
      ...this.members(this.follow(base, depth + 1), [name], depth),
      ...this.storedIn(this.containerAt(base), [name], depth),
    ];
    return found.length > 0 ? found : undefined;
  }

  /**
   * `register(name, () => meter.createCounter(name))` where `register` returns `factory()`: what
   * the function passed at this call site returns, not what every caller's does.
   */
  private invokedArgument(
    fn: ts.SignatureDeclaration,
    returned: ts.Expression,
    call: ts.CallExpression,
  ): readonly ts.Expression[] | undefined {
    const invoked = skipOuter(returned);
    if (!ts.isCallExpression(invoked) || !ts.isIdentifier(invoked.expression)) return undefined;
    const decl = lookup(invoked.expression.text, invoked.expression);
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0) return undefined;
    const passed = call.arguments[decl.index] && skipOuter(call.arguments[decl.index]);
    return passed && (ts.isArrowFunction(passed) || ts.isFunctionExpression(passed))
      ? returnedValues(passed)
      : undefined;
  }

  /** `labels(operator)` where `labels` is a parameter: the functions the callers pass for it. */
  private passedFunctions(callee: ts.Expression, depth: number): ts.SignatureDeclaration[] {
    // A parameter, or a field the constructor keeps one in (`this.metricsDefinition()`).
    const passed = ts.isIdentifier(callee)
      ? lookup(callee.text, callee)?.kind === 'parameter'
      : ts.isPropertyAccessExpression(callee) && skipOuter(callee.expression).kind === ts.SyntaxKind.ThisKeyword;
    if (!passed) return [];
    return this.follow(callee, depth + 1).flatMap((source) => {
      const fn = isInjected(source) || source.path.length > 0 ? undefined : skipOuter(source.expr);
      return fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? [fn] : [];
    });
  }

  /** `registry.counter(…)` where `registry` is an instance of a project class: that class's method. */
  private calledMethod(callee: ts.Expression, depth: number, askChecker = true): ts.SignatureDeclaration | undefined {
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    const receiver = skipOuter(callee.expression);
    // `stats.getClient()` where `stats = require('./statsd')` (or `import * as stats`): the module's export.
    const moduleDecl = ts.isIdentifier(receiver) ? lookup(receiver.text, receiver) : undefined;
    const moduleFile = moduleDecl?.kind === 'import' ? this.project.namespaceFile(moduleDecl) : undefined;
    const exported = moduleFile && functionOfDeclaration(this.project.findExport(moduleFile, method));
    if (exported) return exported;
    const classes: ts.ClassLikeDeclaration[] = [];
    // `Monitoring.attachMetric(…)`: a static method of the class named.
    const named = receiver.kind === ts.SyntaxKind.ThisKeyword ? undefined : this.classNamed(receiver);
    if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(receiver);
      if (cls) classes.push(cls);
    } else if (named) classes.push(named);
    else {
      for (const source of this.follow(receiver, depth + 1)) {
        if (isInjected(source) || source.path.length > 0) continue;
        const created = skipOuter(source.expr);
        const cls = ts.isNewExpression(created) ? this.classNamed(created.expression) : undefined;
        if (cls) classes.push(cls);
      }
    }
    for (const start of classes)
      for (
        let cls: ts.ClassLikeDeclaration | undefined = start, hops = 0;
        cls && hops < 8;
        cls = this.project.baseClass(cls), hops++
      ) {
        const found = cls.members.find(
          (m): m is ts.MethodDeclaration =>
            ts.isMethodDeclaration(m) && propertyKey(m.name) === method && m.body !== undefined,
        );
        if (found) return found;
      }
    // `ctx.metrics.getCounter(name)` where `ctx: Context` declares `metrics: MetricsHandler` and the
    // framework makes `ctx`: the method the checker says it is.
    // (Asked only for a name some class of the project declares a method by: the checker is costly.)
    if (!askChecker || classes.length > 0 || !handedOver(receiver) || !this.classMethodNames().has(method))
      return undefined;
    return this.types
      .declarations(callee)
      .find((d): d is ts.MethodDeclaration => ts.isMethodDeclaration(d) && d.body !== undefined);
  }

  private readonly methodNames = new Set<string>();
  private classesNamed = 0;

  /** The names of the methods with a body the project's classes declare (those parsed so far). */
  private classMethodNames(): ReadonlySet<string> {
    const classes = this.project.classes();
    if (classes.length > this.classesNamed) {
      for (const cls of classes.slice(this.classesNamed))
        for (const member of cls.members)
          if (ts.isMethodDeclaration(member) && member.body && member.name) {
            const name = propertyKey(member.name);
            if (name !== undefined) this.methodNames.add(name);
          }
      this.classesNamed = classes.length;
    }
    return this.methodNames;
  }

  /** The class an expression names: `Metrics`, imported or not, or a namespace's `metrics.Metrics`. */
  /**
   * `app.get(MetricsService)`, `moduleRef.resolve(MetricsService)`: a dependency-injection container
   * (Nest's application or module reference) handing out its instance of a project class. A project
   * method of that name is the project's own and is read as such.
   */
  resolvedFromContainer(call: ts.CallExpression): ts.ClassDeclaration | undefined {
    const callee = skipOuter(call.expression);
    const method = propertyName(callee);
    if ((method !== 'get' && method !== 'resolve') || call.arguments.length === 0) return undefined;
    const token = skipOuter(call.arguments[0]);
    if (!ts.isIdentifier(token) && !ts.isPropertyAccessExpression(token)) return undefined;
    if (calledFunction(callee, this.project)) return undefined;
    return this.classNamed(token);
  }

  private classNamed(expr: ts.Expression): ts.ClassDeclaration | undefined {
    const callee = skipOuter(expr);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(skipOuter(callee.expression))) {
      const namespace = skipOuter(callee.expression) as ts.Identifier;
      const decl = lookup(namespace.text, namespace);
      const file = decl?.kind === 'import' ? this.project.namespaceFile(decl) : undefined;
      return file ? classOf(this.project.findExport(file, callee.name.text)) : undefined;
    }
    const decl = ts.isIdentifier(callee) ? lookup(callee.text, callee) : undefined;
    return decl?.kind === 'class'
      ? decl.node
      : decl?.kind === 'import'
        ? classOf(this.project.followImport(decl))
        : undefined;
  }

  /**
   * `registry.get('orders')` on a `Map` (or a record) the project fills with `set(key, value)` or
   * `registry[key] = value`: the values stored under that key (every value when the key is not
   * constant). Undefined when the container is not one obslint can see being filled.
   */
  private containerRead(
    container: ts.Expression,
    keyExpr: ts.Expression | undefined,
    depth: number,
  ): Source[] | undefined {
    const key = keyExpr ? scalarText(this.evaluator.eval(keyExpr)) : undefined;
    const keys = key === undefined ? undefined : [key];
    const named = this.containerAt(container);
    // `registry.get('x')` where `registry` holds a Map created elsewhere (`this.metrics`, passed on).
    const stored = named
      ? this.storedIn(named, keys, depth)
      : this.follow(container, depth + 1).flatMap((o) =>
          isInjected(o) || o.path.length > 0 ? [] : this.storedIn(containerCreatedBy(o.expr), keys, depth),
        );
    return stored.length > 0 ? stored : undefined;
  }

  /** Values written into a container under one of `keys` (any key when they are not known). */
  private storedIn(container: Container | undefined, keys: string[] | undefined, depth: number): Source[] {
    if (!container) return [];
    const key = ['stored', container.id, ...(keys ? ['', ...keys] : [])].join('\u0000');
    return this.remembered(container.scope, key, depth, () => this.storedUnder(container, keys, depth));
  }

  private storedUnder(container: Container, keys: string[] | undefined, depth: number): Source[] {
    return this.writesOf(container)
      .filter((w) => !keys || w.key === undefined || keys.includes(w.key))
      .flatMap((w) => {
        const found = this.follow(w.value, depth + 1);
        const { element } = w;
        // A write under a key built at run time, read under a constant one: the key tells which.
        const key = w.key === undefined && keys?.length === 1 ? keys[0] : undefined;
        if (element === undefined && key === undefined) return found;
        const writtenUnder = key === undefined ? undefined : w.keyExpr;
        return found.map((o) =>
          isInjected(o)
            ? o
            : {
                ...o,
                ...(element === undefined ? {} : { element }),
                ...(key === undefined ? {} : { key }),
                ...(writtenUnder === undefined ? {} : { writtenUnder }),
              },
        );
      });
  }

  /**
   * A write's key: constant, or per element when it is read from the element of a loop over a
   * constant array (`for (const m of METRICS) this.metrics[m.name] = new Counter(…)`).
   */
  private keyedWrites(key: ts.Expression, value: ts.Expression, group?: GroupChoice): ContainerWrite[] {
    const evaluated = this.evaluator.eval(key);
    const constant = scalarText(evaluated);
    if (constant !== undefined) return [{ key: constant, value }];
    if (evaluated.k !== 'param') return [{ key: undefined, value, keyExpr: key }];
    const binding = evaluated.decl;
    const turns = iterations(binding, this.evaluator, this.project);
    if (!turns) return [{ key: undefined, value, keyExpr: key }];
    return turns.flatMap(({ bound, group: turnGroup }, element) =>
      // `counters[service][key] = …` over `Object.entries(TABLE[service])`, read as `counters.api.x`:
      // only the entries of the table's `api` group are filed there.
      group && turnGroup && turnGroup.key !== group.key && sameName(turnGroup.by, group.chosenBy)
        ? []
        : [{ key: scalarText(this.evaluator.eval(key, new Map([[binding, bound]]))), value, element }],
    );
  }

  /**
   * The container an expression names: a variable (imported or not), a field of `this`, or one
   * held in such a container under a constant key (`counters.api`, filled by `counters[s][k] = …`).
   */
  private containerAt(container: ts.Expression): Container | undefined {
    const c = skipOuter(container);
    const key = (ts.isPropertyAccessExpression(c) || ts.isElementAccessExpression(c)) && this.constantKeyOf(c);
    if (key && !(ts.isPropertyAccessExpression(c) && skipOuter(c.expression).kind === ts.SyntaxKind.ThisKeyword)) {
      const holder = this.containerAt(c.expression);
      return holder && this.heldContainer(holder, key);
    }
    if (ts.isIdentifier(c)) {
      const decl = this.project.declarationOf(c);
      if (decl?.kind !== 'variable' || decl.path.length > 0) return undefined;
      return variableContainer(decl.node);
    }
    if (ts.isPropertyAccessExpression(c) && skipOuter(c.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(c);
      return cls ? fieldContainer(cls, c.name.text) : undefined;
    }
    return undefined;
  }

  /** The container held in `holder` under `key`: written through either a constant or a computed key. */
  private heldContainer(holder: Container, key: string): Container {
    const id = `${holder.id}\u0000.${key}`;
    let held = this.heldContainers.get(id);
    if (!held) {
      const denotes = (x: ts.Expression): boolean =>
        (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) &&
        [key, undefined].includes(this.constantKeyOf(x)) &&
        holder.denotes(skipOuter(x.expression));
      this.heldContainers.set(id, (held = { id, scope: holder.scope, denotes, init: undefined, key }));
    }
    return held;
  }

  private readonly heldContainers = new Map<string, Container>();

  /** `a.b`, `a['b']`, `a[B]` with `B` constant: the key; undefined when it is computed at run time. */
  private constantKeyOf(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
    return (
      propertyName(e) ??
      (ts.isElementAccessExpression(e) ? scalarText(this.evaluator.eval(e.argumentExpression)) : undefined)
    );
  }

  /**
   * `set(key, value)` calls, `[key] = value` and `.key = value` writes on one container (a variable
   * or a class field), keyed when the key is constant, and the entries of a `new Map([...])`.
   */
  private writesOf(container: Container | undefined): ContainerWrite[] {
    if (!container) return [];
    const { id, scope, denotes, init } = container;
    const cached = this.containerWrites.get(id);
    if (cached) return cached;
    const found: ContainerWrite[] = [];
    for (const write of possibleWritesIn(scope)) {
      if (ts.isCallExpression(write)) {
        const callee = write.expression as ts.PropertyAccessExpression;
        if (denotes(skipOuter(callee.expression)))
          found.push(...this.keyedWrites(write.arguments[0], write.arguments[1]));
      } else {
        const left = skipOuter(write.left);
        if (ts.isElementAccessExpression(left) && denotes(skipOuter(left.expression)))
          found.push(...this.keyedWrites(left.argumentExpression, write.right, groupChoice(container, left)));
        else if (ts.isPropertyAccessExpression(left) && denotes(skipOuter(left.expression)))
          found.push({ key: left.name.text, value: write.right });
      }
    }
    // `new Map([['a', x], ['b', y]])`: entries given at construction.
    const created = init && skipOuter(init);
    if (created && ts.isNewExpression(created) && created.arguments?.[0]) {
      const entries = skipOuter(created.arguments[0]);
      if (ts.isArrayLiteralExpression(entries))
        for (const entry of entries.elements)
          if (ts.isArrayLiteralExpression(entry) && entry.elements.length === 2)
            found.push({ key: scalarText(this.evaluator.eval(entry.elements[0])), value: entry.elements[1] });
    }
    this.containerWrites.set(id, found);
    return found;
  }

  /**
   * `this.member` at `at`: the class's field, or, outside a class, what a constructor function's
   * body assigns (`function P() { this.client = client }`, read in `P.prototype.m = function () { … }`).
   */
  private thisMember(at: ts.Node, member: string, depth: number): Source[] {
    const cls = enclosingClassLike(at) ?? this.thisParameterClass(at);
    if (cls) return this.instanceField(cls, member, depth);
    // A method decorator's replacement (`descriptor.value = function () { this.prometheus … }`): the
    // instance of each class whose method it decorates.
    const replacement = thisFunction(at);
    const decorated = replacement ? decoratedClasses(replacement, this.project) : [];
    if (decorated.length > 0) return decorated.flatMap((c) => this.instanceField(c, member, depth));
    const literal = objectLiteralOfThis(at);
    if (literal) return this.literalMember(literal, member, depth);
    const ctor = constructorFunctionOf(at);
    return ctor ? constructorFunctionAssignments(ctor, member).flatMap((v) => this.follow(v, depth + 1)) : [];
  }

  /** `this.metrics`: its initializer, every `this.metrics = …` in the class and its bases, or a parameter property. */
  private instanceField(cls: ts.ClassLikeDeclaration, member: string, depth: number, hops = 0): Source[] {
    return this.remembered(cls, `field\u0000${hops}\u0000${member}`, depth, () =>
      this.fieldValues(cls, member, depth, hops),
    );
  }

  private fieldValues(cls: ts.ClassLikeDeclaration, member: string, depth: number, hops: number): Source[] {
    const found: Source[] = [];
    for (const element of cls.members) {
      const named = element.name && propertyKey(element.name) === member;
      if (ts.isPropertyDeclaration(element) && named) {
        const injected = injectionToken(element, this.evaluator);
        if (injected) found.push({ ...injected, node: element, path: [] });
        else if (element.initializer) found.push(...this.follow(element.initializer, depth + 1));
      }
      if (ts.isGetAccessorDeclaration(element) && named && element.body)
        for (const returned of returnedValues(element)) found.push(...this.follow(returned, depth + 1));
      if (ts.isConstructorDeclaration(element)) {
        element.parameters.forEach((param, i) => {
          if (!ts.isIdentifier(param.name) || param.name.text !== member || !ts.getModifiers(param)?.length) return;
          const injected = injectionToken(param, this.evaluator);
          if (injected) found.push({ ...injected, node: param, path: [] });
          else {
            const passed = this.passed(element, i, [], depth);
            found.push(...passed);
            // `constructor(private readonly metrics: MetricsService)`, filled by a container: an instance of it.
            if (passed.length === 0 && this.injectedInstanceOf(param)) found.push({ expr: param.name, path: [] });
          }
        });
      }
    }
    for (const value of this.thisAssignments(cls, member)) found.push(...this.follow(value, depth + 1));
    // `export function setupMetrics(this: Validator) { this.m = {} }`, attached to the class as a field.
    for (const value of this.thisWritesWhere(member, (write) => this.thisParameterClass(write) === cls))
      found.push(...this.follow(value, depth + 1));
    // `const collector = new Collector(); collector.metrics = createMetrics()`: written from outside.
    for (const write of this.memberWritesOf(member)) {
      const target = skipOuter(write.left) as ts.PropertyAccessExpression;
      const instances = this.follow(target.expression, depth + 1);
      if (instances.some((o) => !isInjected(o) && o.path.length === 0 && this.isInstanceOf(o.expr, cls)))
        found.push(...this.follow(write.right, depth + 1));
    }
    if (found.length > 0 || hops >= BASE_CLASS_HOPS) return found;
    const base = this.project.baseClass(cls);
    const inherited = base ? this.instanceField(base, member, depth + 1, hops + 1) : [];
    if (inherited.length > 0 || hops > 0) return inherited;
    // `this.resolverMetrics.inc()` in a base class whose subclasses each create their own
    // (`addMetrics() { this.resolverMetrics = new Counter(…) }`): any subclass's, none from above.
    return this.subclassesOf(cls).flatMap((sub) => this.instanceField(sub, member, depth + 1, BASE_CLASS_HOPS));
  }

  /**
   * `res.locals.metrics` (Express's per-request bag): what any middleware puts there under that
   * name (`res.locals.metrics = { registry: this.metrics }`). The request object reaches the
   * handler from the framework, so the flow cannot follow it there.
   */
  private putInRequestBag(base: ts.Expression, keys: string[], depth: number): Source[] {
    if (!ts.isPropertyAccessExpression(base) || !REQUEST_BAGS.has(base.name.text)) return [];
    const isBag = (x: ts.Expression): boolean => ts.isPropertyAccessExpression(x) && REQUEST_BAGS.has(x.name.text);
    return keys.flatMap((key) =>
      this.memberWritesOf(key)
        .filter((w) => isBag(skipOuter((skipOuter(w.left) as ts.PropertyAccessExpression).expression)))
        .flatMap((w) => this.follow(w.right, depth + 1)),
    );
  }

  private readonly thisWrites = new Map<ts.ClassLikeDeclaration, Map<string, ts.Expression[]>>();

  /** `this.member = value` in a class, found once per class and member: a class is walked whole. */
  private thisAssignments(cls: ts.ClassLikeDeclaration, member: string): ts.Expression[] {
    let byMember = this.thisWrites.get(cls);
    if (!byMember) this.thisWrites.set(cls, (byMember = new Map<string, ts.Expression[]>()));
    let values = byMember.get(member);
    if (!values) {
      const found: ts.Expression[] = [];
      forEachThisAssignment(cls, member, (value) => void found.push(value));
      byMember.set(member, (values = found));
    }
    return values;
  }

  /** `x.member = value` anywhere in the project, other than `this.member = value`. */
  private memberWritesOf(member: string): ts.BinaryExpression[] {
    return this.project.memberAssignments(member).filter((write) => !writesThis(write));
  }

  /**
   * A member of an object literal read through `this` in one of its methods: what the literal holds
   * under that name, and what its methods store there (`if (!this.instance) this.instance = new StatsD()`).
   */
  private literalMember(literal: ts.ObjectLiteralExpression, member: string, depth: number): Source[] {
    const found = [...(this.memberOf(literal, member, depth) ?? [])];
    for (const value of this.thisWritesWhere(member, (write) => objectLiteralOfThis(write) === literal))
      append(found, this.follow(value, depth + 1));
    return distinct(found);
  }

  /** What `this.member = value` stores, where the `this` of the write is the one asked about. */
  private thisWritesWhere(member: string, ofThis: (write: ts.BinaryExpression) => boolean): ts.Expression[] {
    return this.thisWritesOutsideMethods(member)
      .filter(ofThis)
      .map((write) => write.right);
  }

  /**
   * `this.member = value` in functions that are no class's methods (a `this:`-typed function, an
   * object literal's method), found once per member: each instance-field question asks.
   */
  private thisWritesOutsideMethods(member: string): ts.BinaryExpression[] {
    let writes = this.outsideThisWrites.get(member);
    if (!writes) {
      writes = this.project.memberAssignments(member).filter((write) => {
        const fn = writesThis(write) ? thisFunction(write) : undefined;
        return fn !== undefined && !ts.isClassLike(fn.parent);
      });
      this.outsideThisWrites.set(member, writes);
    }
    return writes;
  }

  private readonly outsideThisWrites = new Map<string, ts.BinaryExpression[]>();

  /** The class a function outside any class declares its `this` to be (`function setup(this: Validator)`). */
  private thisParameterClass(at: ts.Node): ts.ClassDeclaration | undefined {
    const fn = thisFunction(at);
    if (!fn || ts.isClassLike(fn.parent)) return undefined;
    const first = fn.parameters[0];
    if (!first || !ts.isIdentifier(first.name) || first.name.text !== 'this' || !first.type) return undefined;
    return ts.isTypeReferenceNode(first.type) && ts.isIdentifier(first.type.typeName)
      ? this.classNamed(first.type.typeName)
      : undefined;
  }

  private isInstanceOf(expr: ts.Expression, cls: ts.ClassLikeDeclaration): boolean {
    const e = skipOuter(expr);
    if (!ts.isNewExpression(e)) return false;
    for (
      let c: ts.ClassLikeDeclaration | undefined = this.classNamed(e.expression), hops = 0;
      c && hops < 8;
      c = this.project.baseClass(c), hops++
    )
      if (c === cls) return true;
    return false;
  }

  /** A static field read through `this.constructor`: the class's own and each subclass's override. */
  private staticFieldPerSubclass(e: ts.Expression, member: string, depth: number): Source[] {
    const cls = enclosingClassLike(e);
    if (!cls) return [];
    const found: Source[] = [];
    for (const c of [cls, ...this.subclassesOf(cls)]) {
      const field = c.members.find(
        (m) => ts.isPropertyDeclaration(m) && propertyKey(m.name) === member && isStatic(m),
      ) as ts.PropertyDeclaration | undefined;
      if (field?.initializer) found.push(...this.follow(field.initializer, depth + 1));
    }
    return found;
  }

  private subclassIndex?: Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]>;

  /** Every project class that extends `cls`, directly or not. */
  private subclassesOf(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration[] {
    if (!this.subclassIndex) {
      this.subclassIndex = new Map();
      for (const file of this.project.files.values())
        forEachDescendant(file, (node) => {
          if (!ts.isClassLike(node)) return;
          const base = this.project.baseClass(node);
          if (!base) return;
          const list = this.subclassIndex!.get(base) ?? [];
          list.push(node);
          this.subclassIndex!.set(base, list);
        });
    }
    const out: ts.ClassLikeDeclaration[] = [];
    const queue = [cls];
    while (queue.length > 0 && out.length < 200) {
      for (const sub of this.subclassIndex.get(queue.shift()!) ?? []) {
        if (out.includes(sub)) continue;
        out.push(sub);
        queue.push(sub);
      }
    }
    return out;
  }

  /**
   * `m?.eth1HttpClient` typed by `ReturnType<typeof createMetrics>`: the checker names the property
   * of the object that created it. Interface members declare no value, so they are left to the flow.
   */
  private declaredByChecker(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    depth: number,
  ): Source[] | undefined {
    if (!ts.isPropertyAccessExpression(e)) return undefined;
    const found: Source[] = [];
    for (const decl of this.types.declarations(e)) {
      if ((ts.isPropertyAssignment(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer)
        found.push(...this.follow(decl.initializer, depth + 1));
      else if (ts.isShorthandPropertyAssignment(decl)) found.push(...this.follow(decl.name, depth + 1));
    }
    return found.length > 0 ? found : undefined;
  }

  /**
   * `path` read from each origin: into object literals and their spreads, module namespaces,
   * classes (static fields) and instances of project classes, and what project functions return.
   */
  private members(origins: Source[], path: string[], depth: number): Source[] {
    if (path.length === 0) return origins;
    this.deepest = Math.max(this.deepest, depth);
    if (depth > MAX_DEPTH) {
      this.cuts++;
      this.budgetCuts++;
      return [];
    }
    const found: Source[] = [];
    const [member, ...rest] = path as [string, ...string[]];
    for (const origin of origins) {
      if (isInjected(origin) || origin.path.length > 0) {
        found.push({ ...origin, path: [...origin.path, ...path] });
        continue;
      }
      const object = skipOuter(origin.expr);
      const read = this.memberOf(object, member, depth);
      if (read) append(found, this.members(read, rest, depth + 1));
      else found.push({ expr: origin.expr, path: [...path] });
    }
    return distinct(found);
  }

  /** The values `member` of one object may hold, or undefined when obslint cannot look inside it. */
  private memberOf(object: ts.Expression, member: string, depth: number): Source[] | undefined {
    // `this.metrics = { ...this.metrics, ...more }` reads its own member again: the cycle adds
    // nothing, and walking it down to the depth limit used up the step budget before `more`.
    for (let i = 0; i < this.objectsBeingRead.length; i++)
      if (this.objectsBeingRead[i] === object && this.membersBeingRead[i] === member) {
        this.cuts++;
        return [];
      }
    this.objectsBeingRead.push(object);
    this.membersBeingRead.push(member);
    try {
      return this.remembered(object, `member\u0000${member}`, depth, () => this.readMember(object, member, depth));
    } finally {
      this.objectsBeingRead.pop();
      this.membersBeingRead.pop();
    }
  }

  /**
   * The members being read, innermost last: a stack no deeper than the depth limit, scanned rather
   * than hashed (a map keyed by node, filled and emptied on every read, was a tenth of extraction).
   */
  private readonly objectsBeingRead: ts.Node[] = [];
  private readonly membersBeingRead: string[] = [];

  private readMember(object: ts.Expression, member: string, depth: number): Source[] | undefined {
    // `const { client, register } = this`
    if (object.kind === ts.SyntaxKind.ThisKeyword) return this.thisMember(object, member, depth);
    if (ts.isObjectLiteralExpression(object)) {
      const found: Source[] = [];
      for (const prop of object.properties) {
        if (ts.isPropertyAssignment(prop) && this.evaluator.keyOf(prop.name) === member)
          append(found, this.follow(prop.initializer, depth + 1));
        else if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === member)
          append(found, this.follow(prop.name, depth + 1));
        // `get requests() { return (_requests ??= meter.createCounter(…)) }`: what the getter returns.
        else if (ts.isGetAccessorDeclaration(prop) && propertyKey(prop.name) === member && prop.body)
          for (const returned of returnedValues(prop)) append(found, this.follow(returned, depth + 1));
        else if (
          (ts.isMethodDeclaration(prop) || ts.isGetAccessorDeclaration(prop)) &&
          propertyKey(prop.name) === member
        )
          found.push({ expr: object, path: [member] });
        else if (ts.isSpreadAssignment(prop))
          append(found, this.members(this.follow(prop.expression, depth + 1), [member], depth + 1));
      }
      // `{}` that a variable or field starts as and is filled by key later (`res.locals.registry['x']`).
      if (found.length === 0) append(found, this.storedIn(containerCreatedBy(object), [member], depth));
      return distinct(found);
    }
    if (ts.isIdentifier(object)) {
      const decl = lookup(object.text, object);
      // `global.statsClient = getInstance()` in one module, `const { statsClient } = global` in another.
      if (!decl && GLOBAL_OBJECTS.has(object.text)) return this.globalMember(member, depth);
      // `import * as metrics from './metrics'`: the module's export.
      // `import Metrics from '@acme/metrics'` of a module exporting property by property, alike.
      const file = decl?.kind === 'import' ? this.project.namespaceFile(decl) : undefined;
      if (file) {
        const target = this.project.findExport(file, member);
        // `Metrics.prom.Counter`, where the module re-exports a package: where it imports it.
        if (target?.kind === 'import' && this.isPackage(target)) return [{ expr: target.name, path: [] }];
        return target ? this.declared(target, object, depth + 1) : undefined;
      }
      const cls = this.classNamed(object);
      if (cls) return this.staticField(cls, member, depth);
      const instanceOf = decl?.kind === 'parameter' && decl.path.length === 0 && this.injectedInstanceOf(decl.node);
      return instanceOf ? this.instanceField(instanceOf, member, depth) : undefined;
    }
    if (ts.isNewExpression(object)) {
      const cls = this.classNamed(object.expression);
      return cls ? this.instanceField(cls, member, depth) : undefined;
    }
    if (ts.isCallExpression(object)) {
      const cls = this.resolvedFromContainer(object);
      return cls ? this.instanceField(cls, member, depth) : undefined;
    }
    // A record filled by key (`const metrics = {}; metrics[name] = new Counter(…)`) is read in `follow`.
    return undefined;
  }

  /** What the project stores on the global object under a name (`global.statsClient = …`). */
  private globalMember(member: string, depth: number): Source[] | undefined {
    const found: Source[] = [];
    for (const write of this.memberWritesOf(member)) {
      const owner = skipOuter((skipOuter(write.left) as ts.PropertyAccessExpression).expression);
      if (ts.isIdentifier(owner) && GLOBAL_OBJECTS.has(owner.text) && !lookup(owner.text, owner))
        append(found, this.follow(write.right, depth + 1));
    }
    return found.length > 0 ? found : undefined;
  }

  /** `Metrics.requests`: the static field's initializer, or what `Metrics.requests = …` stores (a lazy singleton). */
  private staticField(cls: ts.ClassDeclaration, member: string, depth: number): Source[] | undefined {
    for (const element of cls.members)
      if (ts.isPropertyDeclaration(element) && propertyKey(element.name) === member && element.initializer)
        return this.follow(element.initializer, depth + 1);
    const found: Source[] = [];
    for (const write of this.memberWritesOf(member)) {
      const owner = skipOuter((skipOuter(write.left) as ts.PropertyAccessExpression).expression);
      if (ts.isIdentifier(owner) && this.classNamed(owner) === cls) append(found, this.follow(write.right, depth + 1));
    }
    return found.length > 0 ? found : undefined;
  }
}

/** `Tracker` of a parameter `(tracker: Tracker)`: the one name its type annotation gives. */
function namedType(param: ts.ParameterDeclaration): ts.Identifier | undefined {
  const type = param.type;
  return ts.isIdentifier(param.name) && type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)
    ? type.typeName
    : undefined;
}

/** `@InjectMetric(NAME)` / `@Inject(TOKEN)` on a parameter or property: the token, when constant. */
function injectionToken(
  node: ts.ParameterDeclaration | ts.PropertyDeclaration,
  evaluator: StaticEvaluator,
): { token: string; by: string } | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = skipOuter(decorator.expression);
    if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || !INJECTORS.has(call.expression.text))
      continue;
    const arg = call.arguments[0];
    const token = arg ? tokenOf(arg, call.expression.text, evaluator) : undefined;
    if (token) return token;
  }
  return ts.isParameter(node) ? factoryInjection(node, evaluator) : undefined;
}

/**
 * A token as an injector names it: `getToken(NAME)` (@willsoto/nestjs-prometheus) is the metric of
 * that name, as `@InjectMetric(NAME)` is.
 */
function tokenOf(
  arg: ts.Expression,
  by: string,
  evaluator: StaticEvaluator,
): { token: string; by: string } | undefined {
  const e = skipOuter(arg);
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.arguments[0]) {
    const decl = lookup(e.expression.text, e.expression);
    if (decl?.kind === 'import' && NEST_PROMETHEUS.modules.has(decl.module) && decl.imported === 'getToken') {
      const name = scalarText(evaluator.eval(e.arguments[0]));
      return name !== undefined ? { token: name, by: NEST_PROMETHEUS.inject } : undefined;
    }
  }
  const token = scalarText(evaluator.eval(e));
  return token !== undefined ? { token, by } : undefined;
}

/** `{ provide: X, useFactory: (config, histogram) => …, inject: [Configuration, getToken(NAME)] }`: what the container passes. */
function factoryInjection(
  param: ts.ParameterDeclaration,
  evaluator: StaticEvaluator,
): { token: string; by: string } | undefined {
  const factory = param.parent;
  const holder = factory.parent;
  if (!ts.isPropertyAssignment(holder) || propertyKey(holder.name) !== 'useFactory' || holder.initializer !== factory)
    return undefined;
  const list = literalProperty(holder.parent, ['inject']);
  const index = factory.parameters.indexOf(param);
  const entry = list && ts.isArrayLiteralExpression(list) ? list.elements[index] : undefined;
  return entry && !ts.isSpreadElement(entry) ? tokenOf(entry, 'Inject', evaluator) : undefined;
}

/** A sub-answer of {@link ValueFlow} kept across queries, and how far below its start depth it looked. */
interface Remembered {
  value: unknown;
  reach: number;
}

function classOf(decl: Declaration | undefined): ts.ClassDeclaration | undefined {
  return decl?.kind === 'class' ? decl.node : undefined;
}

/** `pos:file` per node, for {@link dedupe}: finding a node's file walks up the whole tree. */
const placeOf = new WeakMap<ts.Node, string>();

function place(o: Source): string {
  const node = isInjected(o) ? o.node : o.expr;
  let at = placeOf.get(node);
  if (at === undefined) placeOf.set(node, (at = `${node.pos}:${node.getSourceFile().fileName}`));
  return at;
}

/** What tells two origins at the same place apart. */
function detail(o: Source): string {
  const element = !isInjected(o) && o.element !== undefined ? `@${o.element}` : '';
  const named = !isInjected(o) && o.key !== undefined ? `[${o.key}]` : '';
  return `${o.path.join('.')}${element}${named}`;
}

/**
 * The first `limit` origins that differ by place, path, element and key. Lists run to thousands
 * (every caller's arguments): the details are compared only between origins at one place, and the
 * scan stops at the limit.
 */
function dedupe(origins: Source[], limit: number): Source[] {
  const kept: Source[] = [];
  const atPlace = new Map<string, Source[]>();
  for (const o of origins) {
    if (kept.length >= limit) break;
    const at = place(o);
    const others = atPlace.get(at);
    if (!others) atPlace.set(at, [o]);
    else {
      const own = detail(o);
      if (others.some((other) => detail(other) === own)) continue;
      others.push(o);
    }
    kept.push(o);
  }
  return kept;
}

/**
 * The expression a lookup key stands for: `const key = \`${name}/\`; counters[key]` is
 * `counters[\`${name}/\`]` (a `let` too, where it is read before it is first written).
 */
function keyExpression(expr: ts.Expression): ts.Expression {
  let e = skipOuter(expr);
  for (let hops = 0; hops < 4 && ts.isIdentifier(e); hops++) {
    const decl = lookup(e.text, e);
    if (
      decl?.kind !== 'variable' ||
      decl.path.length > 0 ||
      !decl.node.initializer ||
      (!decl.isConst && !readBeforeAnyWrite(decl, e))
    )
      break;
    e = skipOuter(decl.node.initializer);
  }
  return e;
}

/** `hit ? HITS : MISSES`: each branch an argument may be (a conditional's two, anything else itself). */
function eitherBranch(arg: ts.Expression | undefined): (ts.Expression | undefined)[] {
  return arg === undefined ? [arg] : conditionalBranches(arg);
}

/** The argument lists a call may pass, one per choice of its conditional arguments (at most 16). */
function argumentChoices(args: readonly ts.Expression[]): (readonly ts.Expression[])[] {
  let lists: ts.Expression[][] = [[]];
  for (const arg of args) {
    const branches = eitherBranch(arg).filter((b): b is ts.Expression => b !== undefined);
    if (lists.length * branches.length > 16) return [args];
    lists = lists.flatMap((list) => branches.map((b) => [...list, b]));
  }
  return lists;
}

/**
 * `nextleton('metrics', () => new AppMetrics())`, `singleton(() => createMetrics())`: a library call
 * handed a factory that takes nothing keeps one instance of what the factory makes (across hot
 * reloads, per process) and returns it; what the factory returns, when the call's result is read
 * as that object. A call that returns something else (a timer, a store) makes no metric resolve.
 */
function singletonFactory(call: ts.CallExpression): readonly ts.Expression[] {
  const factories = call.arguments.filter(
    (a): a is ts.ArrowFunction | ts.FunctionExpression =>
      (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && a.parameters.length === 0,
  );
  return factories.length === 1 ? returnedValues(factories[0]) : [];
}

/** A parameter, or a member of one (`ctx.metrics`): an object the caller (or a framework) hands over. */
function handedOver(receiver: ts.Expression): boolean {
  let root = skipOuter(receiver);
  while (ts.isPropertyAccessExpression(root)) root = skipOuter(root.expression);
  return ts.isIdentifier(root) && lookup(root.text, root)?.kind === 'parameter';
}
