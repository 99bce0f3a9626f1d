import { ts } from 'ts-morph';
import type { Bound, FlowStep, UnboundedCategory } from '../../types.js';
import {
  boundedPart,
  configuredPart,
  countOf,
  finite,
  fromSettings,
  isPerInstance,
  product,
  unbounded,
  unboundedSources,
  union,
  settingElements,
  unknown,
  withStep,
} from '../../model/bounds.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { moduleOf } from '../libraries/clients.js';
import {
  constInitializer,
  declaredType,
  enclosingClassLike,
  enclosingFunction,
  forEachThisAssignment,
  functionName,
  isModuleLevel,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import type { CallGraph } from './call-graph.js';

import { calledFunction, copiedParameter, returnedValues } from '../syntax/functions.js';
import { forEachDescendant } from '../syntax/walk.js';
import { MAX_DEPTH, STEP_BUDGET, TOO_FAR } from './limits.js';
import { ParameterValues, type ValueWalker } from './parameters.js';
import { assignedValues, isReassigned, runningTotal } from './variable-writes.js';
import {
  chain,
  DERIVING_METHODS,
  isProcessEnv,
  isRequestHandler,
  KnownSources,
  MATH_PASSTHROUGH,
  namedAsRequest,
  PASSTHROUGH_METHODS,
  shortened,
  text,
  type RouteFacts,
} from './sources.js';
import {
  bindArguments,
  EMPTY_ENV,
  enumValues,
  scalarText,
  staticStrings,
  tableValues,
  type Env,
  type Static,
  type StaticEvaluator,
} from './static-eval.js';
import { narrowed, tableKeys } from './narrowing.js';
import { OncePerProcess } from './once-per-process.js';
import { typeBound } from './type-bounds.js';
import type { TypeOracle } from './type-oracle.js';
import { isInjected, type ValueFlow } from './value-flow.js';
import { subscriptionsFor } from '../libraries/kafkajs.js';
import { trpcMiddlewareInput, type TrpcInput } from '../libraries/trpc.js';
import { routeSchemaShapes, zodField, zodParse, type ZodField } from '../libraries/zod.js';
import { GRPC_STATUS_NAMES, isGrpcStatusEnum } from '../libraries/grpc.js';
import { inEncapsulatedFastifyHook, inMatchedNestRoute } from '../libraries/web-frameworks.js';

/** `parts.length - 2` for `parts[…]`: a position counted from the end of the same array (numbers and its length only). */
function fromOwnLength(index: ts.Expression, array: ts.Expression): boolean {
  const e = skipOuter(index);
  if (ts.isNumericLiteral(e)) return true;
  if (ts.isPropertyAccessExpression(e))
    return e.name.text === 'length' && skipOuter(e.expression).getText() === array.getText();
  return (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === ts.SyntaxKind.MinusToken || e.operatorToken.kind === ts.SyntaxKind.PlusToken) &&
    fromOwnLength(e.left, array) &&
    fromOwnLength(e.right, array)
  );
}

/** What a module knows of its own file: CommonJS' `module`, `__filename` and `__dirname`, not declared in it. */
const MODULE_GLOBALS = new Set(['module', '__filename', '__dirname']);

function isModuleGlobal(id: ts.Identifier): boolean {
  return MODULE_GLOBALS.has(id.text) && !lookup(id.text, id) && !id.getSourceFile().isDeclarationFile;
}

/** Parts of a parsed URL that name its server, not the resource. */
const HOST_PARTS = new Set(['hostname', 'host', 'origin', 'protocol', 'port']);

/** `hono/route` helpers that return the pattern of the route the request matched. */
const HONO_ROUTE_HELPERS = new Set(['routePath', 'baseRoutePath']);

/** `baggage.getEntry(key)`, `propagation.getActiveBaggage()?.getEntry(key)`. */
function isBaggageEntry(e: ts.Expression): boolean {
  const call = skipOuter(e);
  if (!ts.isCallExpression(call)) return false;
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'getEntry') return false;
  const holder = skipOuter(callee.expression);
  const named = ts.isCallExpression(holder) ? skipOuter(holder.expression) : holder;
  const holderName = ts.isIdentifier(named) ? named.text : propertyName(named);
  return holderName !== undefined && /baggage/i.test(holderName);
}

/** Where a label value comes from, and how many values it can take. */
export class ProvenanceAnalyzer implements ValueWalker {
  private readonly sources: KnownSources;
  private readonly parameters: ParameterValues;
  readonly once: OncePerProcess;
  /** The `let`s whose writes are being read: one read inside its own writes adds nothing. */
  private readonly readingWrites = new Set<ts.Node>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly calls: CallGraph,
    facts: RouteFacts,
    private readonly flow: ValueFlow,
    private readonly types: TypeOracle,
  ) {
    this.sources = new KnownSources(project, facts);
    this.once = new OncePerProcess(calls);
    this.parameters = new ParameterValues(project, evaluator, calls, this.sources, this, types);
  }

  /**
   * `req.route?.path || req.path`, `req.route ? req.route.path : req.url`: the raw URL is read only
   * where no route matched, which, before the middleware calls `next()`, is every request, and in an
   * app that mounts a reverse proxy, every request it forwards.
   */
  private routeFallback(template: Bound, fallback: Bound, at: ts.Node): Bound {
    if (!isRouteTemplateOnly(template) || fallback.kind !== 'unbounded' || fallback.category !== 'raw-url')
      return fallback;
    return {
      ...fallback,
      fallback: readBeforeNext(at) ? 'before-routing' : this.sources.proxied(at) ? 'proxied' : 'unmatched',
    };
  }

  /** One step of a value's flow, at `node`. */
  step(node: ts.Node, message: string): FlowStep {
    return this.sources.step(node, message);
  }
  /** A matched route's template where `node` runs: the routes the project registers (a framework's own metrics label by it). */
  routeTemplate(node: ts.Node): Bound {
    return this.sources.routeTemplate(node);
  }

  /** See `ofName`. */
  readingNames = false;

  /**
   * What a name (a span's, a tracer's or meter's) is built from. Unlike a label value, a value made
   * once per process is no bound here: an id made at start-up is a new name for every process.
   */
  ofName(expr: ts.Expression, env: Env = EMPTY_ENV): Bound {
    const before = this.readingNames;
    this.readingNames = true;
    try {
      return this.of(expr, env);
    } finally {
      this.readingNames = before;
    }
  }

  of(expr: ts.Expression, env: Env = EMPTY_ENV, depth = 0): Bound {
    return this.counted(expr, () => this.uncounted(expr, env, depth));
  }

  /** Steps taken by the question being answered (every `of` and `pathOf` from the outermost call). */
  private steps = 0;
  private nesting = 0;

  /**
   * One step of the current question, within its budget: a value that reaches many callers, each
   * reaching many more, is exponential in the depth followed (a 7-minute run on one codebase).
   */
  private counted(at: ts.Node, step: () => Bound): Bound {
    if (this.nesting === 0) this.steps = 0;
    if (++this.steps > STEP_BUDGET) return unknown(TOO_FAR, text(at));
    this.nesting++;
    try {
      return step();
    } finally {
      this.nesting--;
    }
  }

  private uncounted(expr: ts.Expression, env: Env, depth: number): Bound {
    if (depth > MAX_DEPTH) return unknown(TOO_FAR, text(expr));
    const e = skipOuter(expr);

    if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return finite([e.text], 'literal');
    // `let status: string | null = null`, set before every use: the placeholder is one value at most.
    if (
      e.kind === ts.SyntaxKind.TrueKeyword ||
      e.kind === ts.SyntaxKind.FalseKeyword ||
      e.kind === ts.SyntaxKind.NullKeyword
    )
      return finite([e.getText()], 'literal');
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken)
      return finite(['true', 'false'], 'boolean');
    if (ts.isBinaryExpression(e)) return this.binary(e, env, depth);
    if (ts.isConditionalExpression(e)) {
      const whenTrue = this.of(e.whenTrue, env, depth + 1);
      // `request.route ? request.route.path : request.path` where Nest (or an encapsulated fastify
      // plugin's hook) runs the code: the route matched.
      if (isRouteTemplateOnly(whenTrue) && (inMatchedNestRoute(e) || inEncapsulatedFastifyHook(e, this.project)))
        return whenTrue;
      return union([whenTrue, this.routeFallback(whenTrue, this.of(e.whenFalse, env, depth + 1), e)])!;
    }
    if (ts.isTemplateExpression(e)) return this.sources.routeWithMount(e) ?? this.template(e, env, depth);
    if ((isNewUrl(e) || isUrlParse(e)) && e.arguments?.[0]) {
      const url = this.of(e.arguments[0], env, depth + 1);
      if (url.kind === 'unbounded') return withStep(url, this.sources.step(e, `parsed by \`${text(e)}\``));
    }
    if (ts.isCallExpression(e)) return this.call(e, env, depth);
    // `new URLSearchParams(req.url.split('?')[1])`: the query string of a request, its values request input.
    if (
      ts.isNewExpression(e) &&
      ts.isIdentifier(e.expression) &&
      e.expression.text === 'URLSearchParams' &&
      e.arguments?.[0]
    ) {
      const query = this.of(e.arguments[0], env, depth + 1);
      if (query.kind === 'unbounded')
        return withStep(
          query.category === 'raw-url' ? { ...query, category: 'request-input', reason: 'request input' } : query,
          this.sources.step(e, `parsed by \`${text(e)}\``),
        );
    }
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Date') {
      return unbounded('timestamp', 'a timestamp', text(e), [this.sources.step(e, `\`${text(e)}\` is a timestamp`)]);
    }
    if (ts.isIdentifier(e)) return this.identifier(e, env, depth);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return this.member(e, env, depth);
    return unknown('an expression obslint cannot evaluate', text(e));
  }

  private binary(e: ts.BinaryExpression, env: Env, depth: number): Bound {
    const op = e.operatorToken.kind;
    // `a ?? b`, `a || b`, `a && b`: one of the operands.
    if (
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.AmpersandAmpersandToken
    ) {
      // `err && err.response && err.response.status`: the left side is the value only when it is
      // falsy (absent, empty), whatever it holds otherwise (an error, a request).
      const whole = this.of(e.left, env, depth + 1);
      const left =
        op === ts.SyntaxKind.AmpersandAmpersandToken
          ? falsyPart(whole)
          : op === ts.SyntaxKind.BarBarToken
            ? truthyPart(whole)
            : whole;
      // `options?.name ?? c.req.path` where every caller passes a `name`: the fallback never runs.
      if (op !== ts.SyntaxKind.AmpersandAmpersandToken && this.alwaysPassed(e.left)) return left;
      // `request.route?.path || request.path` in a Nest interceptor or guard: it runs inside the
      // matched route's handler, so the route is always there and the fallback never runs.
      if (op !== ts.SyntaxKind.AmpersandAmpersandToken && isRouteTemplateOnly(left) && inMatchedNestRoute(e))
        return left;
      // `request.routeOptions?.url || request.url` in a hook of an encapsulated fastify plugin: the
      // hook runs only for the plugin's own routes, so the fallback never runs.
      if (
        op !== ts.SyntaxKind.AmpersandAmpersandToken &&
        isRouteTemplateOnly(left) &&
        inEncapsulatedFastifyHook(e, this.project)
      )
        return left;
      // `req.method || 'UNKNOWN'`: a request a server received always has its method.
      if (op !== ts.SyntaxKind.AmpersandAmpersandToken && isHttpMethodOnly(left)) return left;
      // `c.req.routePath || c.req.path`: Hono's route path is never empty (a middleware's own `*` where
      // no route matched), so the fallback never runs.
      if (op !== ts.SyntaxKind.AmpersandAmpersandToken && isRouteTemplateOnly(left) && isHonoRoutePath(e.left))
        return left;
      const value = this.of(e.right, env, depth + 1);
      const right = op === ts.SyntaxKind.AmpersandAmpersandToken ? value : this.routeFallback(left, value, e);
      // `process.env.REGION ?? 'eu'`: a setting or its default, still one value per instance.
      if (
        op !== ts.SyntaxKind.AmpersandAmpersandToken &&
        isPerInstance(left) &&
        right.kind === 'finite' &&
        right.values.length === 1
      )
        return left;
      return union([left, right])!;
    }
    if (op === ts.SyntaxKind.PlusToken) {
      const baseUrl = this.sources.routeWithMount(e);
      if (baseUrl) return baseUrl;
      return this.concatenation([e.left, e.right], e, env, depth);
    }
    if (
      [
        ts.SyntaxKind.EqualsEqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsEqualsToken,
        ts.SyntaxKind.EqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsToken,
        ts.SyntaxKind.LessThanToken,
        ts.SyntaxKind.GreaterThanToken,
        ts.SyntaxKind.LessThanEqualsToken,
        ts.SyntaxKind.GreaterThanEqualsToken,
        ts.SyntaxKind.InstanceOfKeyword,
        ts.SyntaxKind.InKeyword,
      ].includes(op)
    ) {
      return finite(['true', 'false'], 'comparison');
    }
    // Arithmetic on an unbounded value (a timestamp difference, an id times two) stays unbounded.
    const operands = [this.of(e.left, env, depth + 1), this.of(e.right, env, depth + 1)];
    const bad = operands.find((b) => b.kind === 'unbounded');
    if (bad) return withStep(bad, this.sources.step(e, `\`${text(e)}\` is computed from it`));
    // `res.statusCode / 100`: no more results than combinations of its operands.
    const counts = operands.map(countOf);
    if (counts.every((c) => c !== undefined)) {
      const count = counts.reduce((a, b) => a * b, 1);
      return boundedPart(`derived:${text(e)}`, count, `at most ${count} results of \`${text(e)}\``);
    }
    return unknown('arithmetic obslint cannot bound', text(e));
  }

  /** The unbounded source among the values a `let` is given and what `+=` appends to it, if any. */
  private appendedTo(decl: Extract<Declaration, { kind: 'variable' }>, env: Env, depth: number): Bound | undefined {
    const parts = assignedValues(decl, true);
    if (!parts) return undefined;
    this.readingWrites.add(decl.node);
    try {
      return parts.map((v) => this.valueAt(v.value, v.path, env, depth + 1)).find((b) => b.kind === 'unbounded');
    } finally {
      this.readingWrites.delete(decl.node);
    }
  }

  private template(e: ts.TemplateExpression, env: Env, depth: number): Bound {
    const parts: ts.Expression[] = [];
    const literalParts: string[] = [e.head.text];
    for (const span of e.templateSpans) {
      parts.push(span.expression);
      literalParts.push(span.literal.text);
    }
    if (parts.length === 1 && !e.head.text && !e.templateSpans[0].literal.text)
      return this.typedWhereUnknown(parts[0], this.of(parts[0], env, depth + 1));
    return this.concatenation(parts, e, env, depth, literalParts);
  }

  /**
   * A part of a template or concatenation obslint cannot follow, bounded by its type where that is a
   * union of literals (`${runtimeType}` with `runtimeType: 'nodejs' | 'aworker'`): as for a label's
   * value itself, whose type is asked only of the whole, here a `string`.
   */
  private typedWhereUnknown(part: ts.Expression, bound: Bound): Bound {
    if (bound.kind !== 'unknown') return bound;
    const typed = this.types.finiteValues(part);
    return typed ? finite(typed.values, `type \`${shortened(typed.type)}\``) : bound;
  }

  private concatenation(
    exprs: ts.Expression[],
    whole: ts.Expression,
    env: Env,
    depth: number,
    literals?: string[],
  ): Bound {
    const bounds = exprs.map((x) => this.typedWhereUnknown(x, this.of(x, env, depth + 1)));
    const staticText =
      literals?.join('') ??
      exprs
        .map((x) => scalarText(this.evaluator.eval(x, env)))
        .filter(Boolean)
        .join('');
    const bad = bounds.find((b) => b.kind === 'unbounded');
    if (bad && bad.kind === 'unbounded') {
      const looksLikePath = /^\/|:\/\//.test(literals?.[0] ?? staticText);
      const category = looksLikePath && bad.category !== 'raw-url' ? 'literal-path' : bad.category;
      return {
        ...bad,
        category,
        source: text(whole),
        origin: bad.origin ?? bad.source,
        reason: `${describeWhole(whole)} with ${bad.reason}`,
        flow: [...bad.flow, this.sources.step(whole, `built into \`${text(whole)}\``)],
      };
    }
    const unsure = bounds.find((b) => b.kind === 'unknown');
    if (unsure) return withStep(unsure, this.sources.step(whole, `built into \`${text(whole)}\``));
    // `${context.getClass().name}.${context.getHandler().name}`: a handler belongs to one class, so
    // there are as many pairs as handlers.
    const named = bounds.some((b) => onlyPart(b) === 'nest-getHandler')
      ? bounds.map((b) => (onlyPart(b) === 'nest-getClass' ? finite([''], "the handler's class") : b))
      : bounds;
    const pieces: Bound[] = [];
    if (literals) {
      pieces.push(finite([literals[0]], 'literal'));
      named.forEach((b, i) => pieces.push(b, finite([literals[i + 1]], 'literal')));
    } else {
      pieces.push(...named);
    }
    return product(pieces, 'template of bounded parts');
  }

  private call(e: ts.CallExpression, env: Env, depth: number): Bound {
    const callee = skipOuter(e.expression);
    const name = ts.isIdentifier(callee) ? callee.text : propertyName(callee);
    const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
    const receiverText = receiver ? text(receiver) : '';
    if (
      name === 'String' ||
      name === 'Number' ||
      name === 'Boolean' ||
      name === 'encodeURIComponent' ||
      name === 'decodeURIComponent'
    ) {
      if (name === 'Boolean') return finite(['true', 'false'], 'boolean');
      return e.arguments[0] ? this.of(e.arguments[0], env, depth + 1) : finite([''], 'literal');
    }
    // `Object.keys(pathMap).find(…)` of a constant table (or one of those a constant table holds): a key.
    if (name && FINDING_METHODS.has(name) && receiver) {
      const listed = keysListed(receiver, this.evaluator, env);
      if (listed) return finite(listed.keys, `a key of \`${text(listed.table)}\``);
      // `SUPPORTED.find((known) => known === lang)`: one of a constant list's values (or undefined).
      const list = this.evaluator.eval(receiver, env);
      const values = list.k === 'arr' ? list.items.map(scalarText) : [];
      if (values.length > 0 && values.every((v) => v !== undefined))
        return finite(values, `an element of \`${text(receiver)}\``);
    }
    // `Object.keys(req.body.types)[0]`: the keys (or values) of request input are the client's choice too.
    if (receiverText === 'Object' && name && OBJECT_VIEWS.has(name) && e.arguments[0]) {
      const viewed = this.of(e.arguments[0], env, depth + 1);
      if (viewed.kind === 'unbounded')
        return withStep(viewed, this.sources.step(e, `\`${text(e)}\` lists what it holds`));
    }
    // Node's `util.format('req.%s.%s', src, zoom)`: a string built from its arguments, as a template is.
    if (name === 'format' && e.arguments.length > 1 && fromNodeUtil(callee, this.project))
      return this.concatenation([...e.arguments], e, env, depth);
    // `parseInt(req.query.marketIndex)`: a number read from the value takes at most as many values.
    if ((name === 'parseInt' || name === 'parseFloat') && (!receiver || receiverText === 'Number') && e.arguments[0])
      return this.of(e.arguments[0], env, depth + 1);
    // Hono's `routePath(c)` and `baseRoutePath(c)` (from `hono/route`): the pattern of the route that matched.
    if (ts.isIdentifier(callee)) {
      const decl = lookup(callee.text, callee);
      if (decl?.kind === 'import' && decl.module === 'hono/route' && HONO_ROUTE_HELPERS.has(decl.imported))
        return this.sources.routeTemplate(e);
    }
    if (name && PASSTHROUGH_METHODS.has(name) && receiver) return this.of(receiver, env, depth + 1);
    // `urls.split(',').map((url) => url.trim())` of a setting: still the deployment's setting.
    if (name && COLLECTION_TRANSFORMS.has(name) && receiver) {
      const base = this.of(receiver, env, depth + 1);
      if (fromSettings(base)) return base;
    }
    // `JSON.parse(process.env.NODE_URLS)`: what a setting spells out is a setting.
    if (name === 'parse' && receiverText === 'JSON' && e.arguments[0]) {
      const parsed = this.of(e.arguments[0], env, depth + 1);
      if (fromSettings(parsed)) return parsed;
    }
    if (name && MATH_PASSTHROUGH.has(name) && receiverText === 'Math' && e.arguments[0]) {
      // `Math.floor(statusCode / 100)`: the status class, one of five.
      const divided = skipOuter(e.arguments[0]);
      if (
        ts.isBinaryExpression(divided) &&
        divided.operatorToken.kind === ts.SyntaxKind.SlashToken &&
        scalarText(this.evaluator.eval(divided.right, env)) === '100'
      ) {
        const code = this.of(divided.left, env, depth + 1);
        if (code.kind === 'bounded' && code.parts.some((p) => p.source === 'status-code'))
          return finite(['1', '2', '3', '4', '5'], 'the class of an HTTP status code');
      }
      return this.of(e.arguments[0], env, depth + 1);
    }
    if (name && DERIVING_METHODS.has(name) && receiver) {
      const base = this.of(receiver, env, depth + 1);
      if (base.kind === 'unbounded') return withStep(base, this.sources.step(e, `\`${text(e)}\` is derived from it`));
      // A function of a bounded value, given constants (`path.replace(/\\?.*/, '')`), takes no more values than it.
      const constantArguments = e.arguments.every(
        (a) => ts.isRegularExpressionLiteral(skipOuter(a)) || scalarText(this.evaluator.eval(a, env)) !== undefined,
      );
      if (base.kind === 'bounded' && constantArguments) return base;
      if (base.kind === 'finite' && constantArguments)
        return boundedPart(`derived:${text(e)}`, base.values.length, `\`${text(e)}\` of ${base.reason}`);
    }
    const status = name ? this.sources.statusOfError(name, receiver) : undefined;
    if (status) return status;
    const generated = name ? this.sources.generatedBy(e, name, receiver) : undefined;
    // An id, a timestamp or a random value made once per process (an instance id at start-up) is
    // one value per instance, like `_.uniqueId` below.
    if (generated)
      return generated.kind === 'unbounded' && !this.readingNames && this.once.runsOnce(e)
        ? this.oncePerProcess(e, `\`${text(e)}\`, evaluated once per process`)
        : generated;
    if (name === 'uniqueId') return this.uniqueId(e);
    const returned = this.returnedBy(e, env, depth);
    if (returned.kind !== 'unknown' || !name) return returned;
    return this.sources.fixedPerProcess(e, name, receiver) ?? returned;
  }

  /** `_.uniqueId('w_')` counts up per call: one value where it runs once per process, else a new one each time. */
  private uniqueId(e: ts.CallExpression): Bound {
    if (this.once.runsOnce(e)) return this.oncePerProcess(e, `\`${text(e)}\`, evaluated once per process`);
    return unbounded('uuid', 'a generated id', text(e), [
      this.sources.step(e, `\`${text(e)}\` generates a new id on every call`),
    ]);
  }

  /**
   * `Chain.id` where `export const Chain = chainIdToChainMap[_chain]` at a module's top level: computed
   * once, when the module loads (from arguments, the environment, a table), and never assigned again.
   * Not a collection's size, a method's result, or a member the project writes (`state.current = …`).
   */
  private moduleConstantMember(e: ts.PropertyAccessExpression): boolean {
    if (e.name.text === 'length' || e.name.text === 'size') return false;
    let root: ts.Expression = e;
    while (ts.isPropertyAccessExpression(root)) root = skipOuter(root.expression);
    const constant = ts.isIdentifier(root) ? this.project.moduleConstant(root) : undefined;
    if (!constant) return false;
    // A module's tables and registries are filled and read by key: not one value.
    const { init } = constant;
    if (ts.isArrayLiteralExpression(init) || ts.isNewExpression(init) || ts.isObjectLiteralExpression(init))
      return false;
    return this.project.memberWritesOf(constant.node, e.name.text).length === 0;
  }

  /**
   * `keeperState.phase` of `export const keeperState = { phase: 'idle' }`, which functions here and
   * in other modules assign (`keeperState.phase = 'settling'`, `keeperState.user = req.user.id`): the
   * initial value and every value assigned, unbounded ones too; undefined where one cannot be followed.
   */
  private moduleStateValues(e: ts.PropertyAccessExpression, depth: number): Bound | undefined {
    const base = skipOuter(e.expression);
    const constant = ts.isIdentifier(base) ? this.project.moduleConstant(base) : undefined;
    const init = constant?.init;
    if (!constant || !init || !ts.isObjectLiteralExpression(init)) return undefined;
    const writes = this.project.memberWritesOf(constant.node, e.name.text);
    if (writes.length === 0) return undefined;
    const initial = init.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === e.name.text,
    );
    // Where each write is: a finding sits where the value enters (`workerState.lastTenant = req.…`).
    const bounds = [
      ...(initial ? [this.of(initial.initializer, EMPTY_ENV, depth + 1)] : []),
      ...writes.map((w) =>
        withStep(this.of(w.right, EMPTY_ENV, depth + 1), {
          ...this.sources.step(w, `assigned to \`${text(e)}\``),
          call: true,
        }),
      ),
    ];
    if (bounds.some((b) => b.kind === 'unknown')) return undefined;
    const all = union(bounds)!;
    return all.kind === 'finite' ? finite(all.values, `every value the project gives \`${text(e)}\``) : all;
  }

  /** A value computed once per process, whatever it is: one value per instance. */
  private oncePerProcess(at: ts.Node, what: string): Bound {
    const { file, line, column } = this.project.location(at);
    return boundedPart(`once:${file}:${line}:${column}`, 1, `${what} (one value per instance)`);
  }

  /**
   * `res.handlerName` that handlers set (`res.handlerName = 'autocomplete'`) and a middleware reads:
   * a property of the request or response the project writes only constants to, anywhere, takes
   * those. Names too common to be one property (`status`, `type`, `name`) are not read this way.
   */
  private assignedEverywhere(property: string, depth: number): Bound | undefined {
    if (!/[a-z][A-Z_]/.test(property)) return undefined;
    const writes = this.project.memberAssignments(property);
    if (writes.length === 0) return undefined;
    const bounds: Bound[] = [];
    for (const write of writes) {
      const value = scalarText(this.evaluator.eval(write.right));
      // `request.apiMethod = apiMethod` in `callApiMethod(apiMethod, request)`: what its callers pass.
      const bound = value !== undefined ? finite([value], 'literal') : this.of(write.right, EMPTY_ENV, depth + 1);
      if (bound.kind === 'unknown' || bound.kind === 'unbounded') return undefined;
      bounds.push(bound);
    }
    const all = union(bounds)!;
    return all.kind === 'finite' ? finite(all.values, `every value the project assigns to \`.${property}\``) : all;
  }

  /**
   * `getStatus?.(result)` where `getStatus` is a parameter: what the functions every caller passes
   * return (`(r) => (r ? 'hit' : 'miss')`), when each caller passes one obslint can read.
   */
  private passedFunctionsResult(call: ts.CallExpression, env: Env, depth: number): Bound | undefined {
    // `getStatus()`, `args.queryId('daily')`, `queryId('daily')` of a destructured `{ queryId }`:
    // a function a parameter holds, at some path.
    const path: string[] = [];
    let callee = skipOuter(call.expression);
    while (ts.isPropertyAccessExpression(callee)) {
      path.unshift(callee.name.text);
      callee = skipOuter(callee.expression);
    }
    const decl = ts.isIdentifier(callee) ? lookup(callee.text, callee) : undefined;
    if (decl?.kind !== 'parameter' || decl.path.length + path.length > PASSED_FUNCTION_PATH) return undefined;
    const callers = this.calls.confirmedCallersOf(decl.fn);
    if (callers.length === 0) return undefined;
    const results: Bound[] = [];
    for (const caller of callers) {
      const arg = caller.arguments?.[decl.index];
      // A caller that passes no function leaves the call out (`getStatus?.()`): it adds nothing.
      if (!arg) continue;
      const fn = functionAt(arg, [...decl.path, ...path], this.project);
      const returns = fn && (fn as ts.FunctionLikeDeclaration).body ? returnedValues(fn) : [];
      if (returns.length === 0) return undefined;
      // Each function's result for the arguments of this call (`aggregation => `count_${aggregation}``).
      const callEnv = bindArguments(fn!, call.arguments, env);
      results.push(...returns.map((r) => this.of(r, callEnv, depth + 1)));
    }
    const bound = union(results);
    return bound && bound.kind !== 'unknown' ? bound : undefined;
  }

  /** A project function's result: the union of what its `return` statements give, for these arguments. */
  private returnedBy(call: ts.CallExpression, env: Env, depth: number): Bound {
    const fn = calledFunction(call.expression, this.project);
    // A declared return type is the function's contract: `toPlan(raw): Plan` maps anything onto Plan.
    const declared = fn?.type ? typeBound(fn.type, this.project, this.evaluator) : undefined;
    if (declared)
      return finite(
        (declared as Extract<Bound, { kind: 'finite' }>).values,
        `return type of \`${functionName(fn!) ?? text(call.expression)}()\``,
      );
    if (!fn) {
      const passed = this.passedFunctionsResult(call, env, depth);
      if (passed) return passed;
    }
    if (!fn || !(fn as ts.FunctionLikeDeclaration).body)
      return unknown(`the result of \`${text(call.expression)}()\``, text(call));
    const callEnv = bindArguments(fn, call.arguments, env);
    const returns = returnedValues(fn);
    if (returns.length === 0)
      return unknown(`\`${text(call.expression)}()\` returns nothing obslint can see`, text(call));
    const bounds = returns.map((r) => this.of(r, callEnv, depth + 1));
    const result = union(bounds)!;
    if (result.kind === 'finite')
      return finite(result.values, `returned by \`${functionName(fn) ?? text(call.expression)}()\``);
    return withStep(result, this.sources.step(call, `returned by \`${text(call.expression)}()\``));
  }

  private identifier(id: ts.Identifier, env: Env, depth: number): Bound {
    if (id.text === 'undefined') return finite(['undefined'], 'literal');
    const guarded = narrowed(id, this.evaluator, env);
    if (guarded) return guarded;
    const decl = lookup(id.text, id);
    if (!decl && isModuleGlobal(id)) return this.ownModule(id);
    if (!decl) return unknown(`\`${id.text}\` is not declared in the project`, id.text);
    return this.declaration(decl, id, env, depth);
  }

  /**
   * `module`, `__filename`, `__dirname` (CommonJS): the module's own file, one value per module, whatever is read of it (`module.filename.split('/')`, a connector
   * named after its directory): a base class given `module` by each subclass takes one per subclass.
   */
  private ownModule(at: ts.Node): Bound {
    const { file } = this.project.location(at);
    return boundedPart(`module:${file}`, 1, `the module \`${file}\` itself (one value per module)`);
  }

  private declaration(decl: Declaration, use: ts.Expression, env: Env, depth: number): Bound {
    const name = text(use);
    switch (decl.kind) {
      case 'variable': {
        const typed =
          decl.node.type && decl.path.length === 0
            ? typeBound(decl.node.type, this.project, this.evaluator)
            : undefined;
        // A `let` that is written again (`i++`, `x = …`) is not its initializer: only its type can bound it.
        if (!decl.isConst && isReassigned(decl)) {
          // `status = res.statusCode || status || 200`: read inside its own writes, the variable holds
          // one of the values the other writes give it, which the outer reading counts already.
          if (this.readingWrites.has(decl.node)) return finite([], `\`${name}\` read in its own assignment`);
          const assigned = assignedValues(decl);
          this.readingWrites.add(decl.node);
          let values: Bound | undefined;
          try {
            values = assigned && union(assigned.map((v) => this.valueAt(v.value, v.path, env, depth + 1)));
          } finally {
            this.readingWrites.delete(decl.node);
          }
          if (values && values.kind !== 'unknown')
            return withStep(values, this.sources.step(use, `\`${name}\` is each value assigned to it`));
          // `mx = util.format('req.%s', src); if (scale) mx += scale`: appending to a string keeps
          // what made it unbounded, and an unbounded part appended makes it so.
          const grown = assigned ? undefined : this.appendedTo(decl, env, depth);
          if (grown) return withStep(grown, this.sources.step(use, `\`${name}\` is built up by \`+=\``));
          return (
            typed ??
            this.parameters.loopCounter(decl) ??
            (runningTotal(decl)
              ? unbounded('count', 'a count added up as the code runs', name, [
                  this.sources.step(use, `\`${name}\` adds up as it goes: each total is a series of its own`),
                ])
              : undefined) ??
            this.byOwnName(decl.name.text, use, decl.name) ??
            // Every write is a plain assignment: the one obslint cannot bound is the reason to give.
            (values
              ? withStep(values, this.sources.step(use, `\`${name}\` is each value assigned to it`))
              : unknown(`\`${decl.name.text}\` is reassigned`, name, [
                  this.sources.step(use, `\`${name}\` changes after its declaration`),
                ]))
          );
        }
        if (decl.node.initializer) {
          const fromInit = this.valueAt(decl.node.initializer, decl.path, env, depth + 1);
          // An annotation does not check request input any more than a cast does.
          if (typed && fromInit.kind !== 'unbounded') return typed;
          // A module-level constant obslint cannot read is evaluated once: one value per instance
          // (`CHAIN_ID = networks.acala`). A generated one (`randomUUID()`) still changes every start.
          if (fromInit.kind === 'unknown' && decl.isConst && isModuleLevel(decl.node)) {
            return boundedPart(
              `const:${this.project.location(decl.name).file}:${decl.name.text}`,
              1,
              `module constant \`${decl.name.text}\` (one value per instance)`,
            );
          }
          // `const region = await lookupRegion()` in start-up code that runs once.
          if (fromInit.kind === 'unknown' && decl.isConst && this.once.runsOnce(decl.node))
            return this.oncePerProcess(decl.name, `\`${decl.name.text}\`, computed once per process`);
          if (fromInit.kind === 'unknown')
            return (
              this.byOwnName(decl.name.text, use, decl.name) ??
              withStep(fromInit, this.sources.step(use, `\`${name}\``))
            );
          return withStep(
            fromInit,
            this.sources.step(decl.name, `\`${decl.name.text}\` = \`${text(decl.node.initializer)}\``),
          );
        }
        if (typed) return typed;
        return (
          this.byOwnName(decl.name.text, use, decl.name) ??
          unknown(`\`${name}\` is assigned where obslint does not follow`, name)
        );
      }
      case 'expression':
        return this.of(decl.node, env, depth + 1);
      case 'parameter':
        return this.parameter(decl, use, env, depth);
      case 'loop':
        return this.parameters.loopVariable(decl, use, env, depth);
      case 'enum':
        return finite([...enumValues(decl.node).values()].map(String), `enum \`${decl.node.name.text}\``);
      case 'catch':
        return unbounded('error-message', 'an error', name, [this.sources.step(use, `\`${name}\` is a caught error`)]);
      case 'import': {
        // `import { env } from 'node:process'`: the environment, one value per instance.
        if (isProcessEnv(decl))
          return boundedPart(`env:${name}`, 1, `\`${name}\`, the environment (one value per instance)`);
        const target = this.project.followImport(decl);
        if (target) return this.declaration(target, use, EMPTY_ENV, depth + 1);
        return unknown(`\`${name}\` is imported from \`${decl.module}\``, name);
      }
      default:
        return unknown(`\`${name}\` is not a value obslint can follow`, name);
    }
  }

  /**
   * What a variable's or parameter's name promises (`email`, `userId`), for a read of the binding
   * itself: `email.templateId` reads a property of an object named `email`, not an email address.
   */
  private byOwnName(name: string, use: ts.Expression, binding?: ts.Identifier): Bound | undefined {
    // `conId = DEFAULT_CON_ID`: a binding that falls back to a constant selects one of a few things
    // the code knows (a connection, a namespace), not one of an entity's ids.
    if (binding && this.defaultsToConstant(binding)) return undefined;
    return ts.isIdentifier(skipOuter(use)) ? this.sources.byName(name, use) : undefined;
  }

  /**
   * Whether a parameter or destructured binding has a default that is a constant, or a variable
   * falls back to one (`const conId = args[3] ?? DEFAULT_CON_ID`).
   */
  private defaultsToConstant(name: ts.Identifier): boolean {
    const holder = name.parent;
    let fallback =
      (ts.isParameter(holder) || ts.isBindingElement(holder)) && holder.name === name ? holder.initializer : undefined;
    if (ts.isVariableDeclaration(holder) && holder.name === name && holder.initializer) {
      const init = skipOuter(holder.initializer);
      if (ts.isBinaryExpression(init) && NULLISH_OR.has(init.operatorToken.kind)) fallback = init.right;
    }
    return fallback !== undefined && scalarText(this.evaluator.eval(fallback)) !== undefined;
  }

  private parameter(
    decl: Extract<Declaration, { kind: 'parameter' }>,
    use: ts.Expression,
    env: Env,
    depth: number,
  ): Bound {
    const name = text(use);
    const bound = env.get(decl.node);
    if (bound) {
      if (!bound.arg)
        return decl.node.initializer
          ? this.of(decl.node.initializer, env, depth + 1)
          : finite(['undefined'], 'omitted argument');
      const value = this.valueAt(bound.arg, decl.path, bound.env, depth + 1);
      return withStep(value, this.sources.step(decl.name, `passed as \`${decl.name.text}\``));
    }
    const typed =
      decl.node.type && decl.path.length === 0 ? typeBound(decl.node.type, this.project, this.evaluator) : undefined;
    if (typed) return typed;
    if (decl.path.length === 0 && namedAsRequest(decl)) return unknown(`\`${name}\` is a request object`, name);
    // `async ({ method, route }, res) => …`: destructured from the request a handler is given.
    if (ts.isObjectBindingPattern(decl.node.name) && decl.index === 0 && isRequestHandler(decl.fn)) {
      const request = this.sources.classifyChain(['req', ...decl.path], use, name);
      if (request) return request;
    }
    // `socket.onAny((event) => …)`: the event name the client chose, and what it sent with it.
    const sent = this.sources.socketIoSent(decl, [], use, name);
    if (sent) return sent;
    const subscribed = this.subscribedTopic(decl, depth);
    if (subscribed) return subscribed;
    const trpc = trpcMiddlewareInput(decl, this.project);
    if (trpc) return this.trpcInput(trpc, decl, use);
    // What the callers pass outranks what the name promises (`failed('missingBlock')` to `id`). An
    // event listener's parameter names are the emitter's, not the value's: no name heuristic there.
    const passed = this.parameters.fromCallers(decl, use, depth);
    // An element of a list the deployment configures (`for (const peerId of config.peerIds)`) is one of
    // those, whatever its name promises.
    if (passed.kind !== 'unknown' || passed.setting || this.parameters.listenedEvent(decl) !== undefined) return passed;
    return this.byOwnName(decl.name.text, use, decl.name) ?? passed;
  }

  /**
   * `req.id` where the project's own middleware sets it (`(req as any).id = apiId`, each route passing
   * its API's name): the values it sets, not what the name promises. Only a property no request
   * carries by itself (not `req.body`, `req.params`, …), and only where every write is to a request.
   */
  private setOnRequest(path: readonly string[], at: ts.Node, depth: number): Bound | undefined {
    if (path.length !== 2 || !REQUEST_ROOTS_SET.has(path[0]) || this.sources.requestCarries(path[1])) return undefined;
    const writes = this.project.memberAssignments(path[1]).filter((write) => {
      const target = skipOuter(write.left);
      const holder = ts.isPropertyAccessExpression(target) ? skipOuter(target.expression) : undefined;
      // The request a middleware is handed (`(req, res, next) => { req.id = … }`), not a local of that name.
      const decl = holder && ts.isIdentifier(holder) ? lookup(holder.text, holder) : undefined;
      return (
        decl?.kind === 'parameter' &&
        decl.path.length === 0 &&
        REQUEST_ROOTS_SET.has(decl.name.text) &&
        !this.neverRuns(write)
      );
    });
    if (writes.length === 0 || depth > 8) return undefined;
    const values = union(writes.map((write) => this.of(write.right, EMPTY_ENV, depth + 1)))!;
    return values.kind === 'unknown'
      ? undefined
      : withStep(values, this.sources.step(at, `\`${path.join('.')}\` is what the project's code sets on the request`));
  }

  /**
   * Whether code is in a middleware nothing makes: the function it is in is returned by a factory
   * (`setApiId: (id) => (req, res, next) => …`) that nothing calls.
   */
  private neverRuns(node: ts.Node): boolean {
    const fn = enclosingFunction(node);
    const maker = fn && (ts.isArrowFunction(fn.parent) ? fn.parent : enclosingFunction(fn));
    return (
      maker !== undefined &&
      returnedValues(maker).some((r) => skipOuter(r) === fn) &&
      this.calls.callersOf(maker).length === 0
    );
  }

  /** A tRPC middleware's `path` (one per procedure the project declares) or `type`. */
  private trpcInput(input: TrpcInput, decl: Extract<Declaration, { kind: 'parameter' }>, use: ts.Expression): Bound {
    if (input.input === 'type') return finite(['mutation', 'query', 'subscription'], 'tRPC procedure type');
    const name = text(use);
    if (input.procedures === 0) return unknown('a tRPC procedure path, but obslint found no procedures to count', name);
    return withStep(
      boundedPart(
        'trpc-procedure',
        input.procedures,
        `a tRPC procedure path (${input.procedures} procedures declared)`,
      ),
      this.sources.step(decl.name, `\`${decl.name.text}\` is the path of the procedure the middleware runs for`),
    );
  }

  /** A kafkajs handler's `topic`: one of the topics its consumer subscribed to. */
  private subscribedTopic(decl: Extract<Declaration, { kind: 'parameter' }>, depth: number): Bound | undefined {
    const subscriptions = subscriptionsFor(decl, this.project);
    if (!subscriptions) return undefined;
    const bounds = subscriptions.map(({ topic, topics, call }) => {
      const step = this.sources.step(call, `\`${text(decl.name)}\` is a topic this consumer subscribed to`);
      if (topic) return withStep(this.of(topic, EMPTY_ENV, depth + 1), step);
      const elements = this.arrayElements(topics!);
      return elements
        ? withStep(union(elements.map((e) => this.of(e, EMPTY_ENV, depth + 1)))!, step)
        : unknown(`the topics \`${text(topics!)}\` the consumer subscribed to`, text(topics!));
    });
    return union(bounds);
  }

  /**
   * The elements of the array literals `expr` may be (`topics` passed down from `[orders(),
   * refunds()]`); undefined when one of its origins is no array literal, has spreads or holes, or
   * is a variable the code appends to.
   */
  arrayElements(expr: ts.Expression): ts.Expression[] | undefined {
    const origins = this.flow.origins(expr).filter((o) => isInjected(o) || !o.expanded);
    if (origins.length === 0 || this.flow.wasCut()) return undefined;
    const elements: ts.Expression[] = [];
    for (const origin of origins) {
      const array = isInjected(origin) || origin.path.length > 0 ? undefined : skipOuter(origin.expr);
      if (
        !array ||
        !ts.isArrayLiteralExpression(array) ||
        array.elements.length === 0 ||
        array.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e)) ||
        this.project.isAppendedTo(array.parent)
      )
        return undefined;
      elements.push(...array.elements);
    }
    return elements;
  }

  /**
   * An element of a collection read at a key obslint cannot know (`this.urls[this.current]`): what
   * the collection's literals hold, or an element of a list of settings (`this.urls =
   * Array.isArray(urls) ? urls : [urls]`, `urls` from the configuration: as many as it lists).
   * Undefined where any origin is neither.
   */
  private elementOf(collection: ts.Expression, depth: number): Bound | undefined {
    const origins = this.flow.origins(collection).filter((o) => isInjected(o) || !o.expanded);
    if (origins.length === 0 || this.flow.leftValuesOut()) return undefined;
    const bounds: Bound[] = [];
    for (const origin of origins) {
      if (isInjected(origin) || origin.path.length > 0) return undefined;
      const held = skipOuter(origin.expr);
      if (!ts.isArrayLiteralExpression(held)) {
        // A list the deployment sets (`NODE_URLS.split(',')`); anything else (a string, a
        // number) is no collection whose elements obslint knows.
        if (!fromSettings(this.of(held, EMPTY_ENV, depth + 1))) return undefined;
        bounds.push(
          settingElements(`an element of \`${text(collection)}\`, a list the deployment configures`, text(collection)),
        );
        continue;
      }
      for (const item of held.elements) {
        const value = ts.isSpreadElement(item)
          ? this.elementOf(item.expression, depth + 1)
          : this.of(item, EMPTY_ENV, depth + 1);
        if (!value || (value.kind === 'unknown' && !value.setting)) return undefined;
        bounds.push(value);
      }
    }
    return union(bounds);
  }

  /** `topics` where `const topics = ['a']; topics.push(extra)`: more than its initializer. */
  grows(expr: ts.Expression): boolean {
    const e = skipOuter(expr);
    if (!ts.isIdentifier(e)) return false;
    const decl = lookup(e.text, e);
    return decl?.kind === 'variable' && decl.path.length === 0 && this.project.isAppendedTo(decl.node);
  }

  /** The value of `expr`, or of the property `path` reads from it (a destructured binding). */
  valueAt(expr: ts.Expression, path: string[], env: Env, depth: number): Bound {
    return path.length === 0 ? this.of(expr, env, depth) : this.pathOf(expr, path, env, depth);
  }

  /** `const { a } = x` and destructured parameters: the property of the bound value. */
  private pathOf(base: ts.Expression, path: string[], env: Env, depth: number): Bound {
    return this.counted(base, () => this.pathOfUncounted(base, path, env, depth));
  }

  private pathOfUncounted(base: ts.Expression, path: string[], env: Env, depth: number): Bound {
    if (depth > MAX_DEPTH) return unknown(TOO_FAR, text(base));
    let e = skipOuter(base);
    // `new Connector(module)` read as `module.filename` by the constructor: the caller's own file.
    if (ts.isIdentifier(e) && isModuleGlobal(e)) return this.ownModule(e);
    for (let i = 0; i < path.length; i++) {
      if (ts.isCallExpression(e)) {
        const validated = this.zodValidated(e, path.slice(i), env, depth);
        if (validated) return validated;
        // `const { stateId } = pick(x)`: the property of what the function returns.
        const fn = calledFunction(e.expression, this.project);
        if (fn) {
          const callEnv = bindArguments(fn, e.arguments, env);
          const returns = returnedValues(fn);
          if (returns.length > 0) return union(returns.map((r) => this.pathOf(r, path.slice(i), callEnv, depth + 1)))!;
        }
      }
      if (ts.isConditionalExpression(e)) {
        return union([
          this.pathOf(e.whenTrue, path.slice(i), env, depth + 1),
          this.pathOf(e.whenFalse, path.slice(i), env, depth + 1),
        ])!;
      }
      if (!ts.isObjectLiteralExpression(e)) {
        const validated = this.routeValidated(e, path[i], env);
        if (validated) return validated;
        const synthetic = `${text(e)}.${path.slice(i).join('.')}`;
        const root = chain(e);
        const expanded = root && this.sources.expandAliases([...root.names, ...path.slice(i)], e);
        const set = expanded && this.setOnRequest(expanded, e, depth);
        if (set) return set;
        const classified = expanded && this.sources.classifyChain(expanded, e, synthetic);
        const kept = classified && this.unlessJsonRpc(e, classified, e, synthetic);
        if (kept) return kept;
        // `payload.queue` where `payload` is a parameter: the property of what this call (or every
        // call) passes; a constant object's property.
        if (ts.isIdentifier(e)) {
          // Through an import too: `mountRoute(app, listGuildsRoute)` of `export default defineRoute({ path: … })`.
          const decl = this.project.declarationOf(e);
          const passed =
            decl?.kind === 'parameter' && !namedAsRequest(decl)
              ? this.parameter({ ...decl, path: [...decl.path, ...path.slice(i)] }, e, env, depth + 1)
              : decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
                ? this.pathOf(decl.node.initializer, path.slice(i), env, depth + 1)
                : decl?.kind === 'expression'
                  ? this.pathOf(decl.node, path.slice(i), EMPTY_ENV, depth + 1)
                  : undefined;
          if (passed && passed.kind !== 'unknown') return passed;
        }
        // `this.dbReqOpts.bucketId`: the property of each object the class stores in that field.
        if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
          const cls = enclosingClassLike(e);
          const writes = cls ? fieldWrites(this.project, cls, e.name.text) : [];
          const stored =
            writes.length > 0 && union(writes.map((w) => this.pathOf(w, path.slice(i), EMPTY_ENV, depth + 1)))!;
          if (stored && stored.kind !== 'unknown') return stored;
        }
        if (root) return unknown(`\`${synthetic}\``, synthetic);
        const base = this.of(e, env, depth + 1);
        if (base.kind === 'unbounded')
          return withStep(base, this.sources.step(e, `\`${path.slice(i).join('.')}\` is read from it`));
        return unknown(`\`${synthetic}\``, synthetic);
      }
      const key = path[i];
      const prop = e.properties.find(
        (p) =>
          (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) &&
          ts.isIdentifier(p.name) &&
          p.name.text === key,
      );
      if (!prop) {
        // `{ ...request, type: 'http' }.path`: the spread object's property (the last spread wins).
        const spread = [...e.properties].reverse().find(ts.isSpreadAssignment);
        if (spread) return this.pathOf(spread.expression, path.slice(i), env, depth + 1);
        // `emit(event, { modelId, task })` read as `data.taskId`: an object written in the call, with
        // every key named, has nothing there: the read is undefined (and nothing can add it later).
        if (isArgumentWithNamedKeys(e)) return finite(['undefined'], `\`${key}\` is not in \`${text(e)}\``);
        return unknown(`no \`${key}\` in \`${text(e)}\``, text(e));
      }
      const value = ts.isPropertyAssignment(prop) ? prop.initializer : (prop as ts.ShorthandPropertyAssignment).name;
      if (i === path.length - 1) return this.of(value, env, depth + 1);
      e = skipOuter(value);
    }
    return this.of(e, env, depth + 1);
  }

  /**
   * `intentSchema.parse(request.body).intentType`: a field of what a zod object schema let through.
   * `z.enum([…])`, `z.literal(…)`, `z.boolean()` and unions of them bound it; `z.string()` (with
   * length checks or a format) lets any text through, so parsing request input leaves request input.
   */
  private zodValidated(call: ts.CallExpression, path: string[], env: Env, depth: number): Bound | undefined {
    const parsed = zodParse(call, this.project);
    const key = parsed && parsedKey(path, parsed.under);
    const field = parsed && key !== undefined ? zodField(parsed.shapes, key, this.project) : undefined;
    if (!parsed || !field || key === undefined) return undefined;
    const shown = `${text(call)}.${path.join('.')}`;
    if (field.kind === 'values') return this.zodValues(field, key, env);
    const [category, what] = ZOD_STRING_KINDS[field.format ?? ''] ?? ['request-input', 'request input'];
    const written = `z.string()${field.format ? `.${field.format}()` : ''}`;
    const passes = field.format ? `any ${field.format} the client sends passes` : 'any text the client sends passes';
    // Hono validated a part of the request: whatever the client sends for the field, in its format, passes.
    if (parsed.requestPart)
      return unbounded(category, what, shown, [
        this.sources.step(call, `\`${key}\` is \`${written}\` in the route's schema: ${passes}`),
      ]);
    // The schema's own check is not what makes the field bounded: what it lets through is read here.
    let given = skipOuter(parsed.input);
    while (ts.isBinaryExpression(given) && NULLISH_OR.has(given.operatorToken.kind)) given = skipOuter(given.left);
    const root = chain(given);
    const input = root
      ? this.sources.classifyChain(this.sources.expandAliases(root.names, given), given, text(given), true)
      : this.of(given, env, depth + 1);
    if (!input || !unboundedSources(input).some((s) => s.category === 'request-input')) return undefined;
    return unbounded(category, what, shown, [
      this.sources.step(call, `\`${key}\` is \`${written}\` in the schema: ${passes}`),
    ]);
  }

  /** The values a zod field of literals, enums and booleans lets through. */
  private zodValues(field: Extract<ZodField, { kind: 'values' }>, key: string, env: Env): Bound | undefined {
    const values = field.booleans ? ['true', 'false'] : [];
    for (const expr of field.values) {
      const evaluated = this.evaluator.eval(expr, env);
      const strings = staticStrings(evaluated) ?? optionalList(scalarText(evaluated));
      if (!strings) return undefined;
      values.push(...strings);
    }
    return finite(values, `values the zod schema allows for \`${key}\``);
  }

  /** `request.params.providerId` where the route's zod schema declares `params`: what it lets through. */
  private routeValidated(part: ts.Expression, key: string, env: Env): Bound | undefined {
    const shapes = routeSchemaShapes(part, this.project);
    const field = shapes && zodField(shapes, key, this.project);
    return field?.kind === 'values' ? this.zodValues(field, key, env) : undefined;
  }

  /** `const checked = Schema.safeParse(req.body); … checked.data.plan`: the field the schema let through. */
  private safeParsedField(e: ts.PropertyAccessExpression, env: Env, depth: number): Bound | undefined {
    const holder = skipOuter(e.expression);
    if (!ts.isPropertyAccessExpression(holder)) return undefined;
    const id = skipOuter(holder.expression);
    const decl = ts.isIdentifier(id) ? lookup(id.text, id) : undefined;
    const init =
      decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
        ? skipOuter(decl.node.initializer)
        : undefined;
    return init && ts.isCallExpression(init)
      ? this.zodValidated(init, [holder.name.text, e.name.text], env, depth)
      : undefined;
  }

  private instanceField(e: ts.PropertyAccessExpression, depth: number): Bound | undefined {
    const cls = enclosingClassLike(e);
    const name = e.name.text;
    if (!cls || name === 'constructor') return undefined;
    const writes = fieldWrites(this.project, cls, name);
    if (writes.length === 0) return undefined;
    const step = this.sources.step(e, `\`${text(e)}\` is set by its class`);
    const values = writes.map((w) => {
      const value = this.of(w, EMPTY_ENV, depth + 1);
      // `this.errorCodes = config.get('codes')` in a constructor only start-up code calls.
      return value.kind === 'unknown' && this.once.runsOnce(w)
        ? this.oncePerProcess(w, `\`${text(e)}\`, set once per process`)
        : value;
    });
    return withStep(union(values)!, step);
  }

  /**
   * `OperationStatus.COMPLETED`, `Method.AbciQuery`, a capitalised member of a capitalised import from a package obslint
   * cannot read (or any member of an import from a project module that is missing): a member of an
   * enum or constant object. One value per site, spelled as written (its value is in the module).
   */
  private unreadPackageConstant(e: ts.PropertyAccessExpression): Bound | undefined {
    const holder = skipOuter(e.expression);
    if (!ts.isIdentifier(holder)) return undefined;
    const decl = lookup(holder.text, holder);
    if (decl?.kind !== 'import' || this.project.followImport(decl)) return undefined;
    // A project module that is not there (a git submodule, generated code): what it exports is
    // constant (`lithafalconEndpoints.itemId`, a path, whatever its name says).
    const missingProjectModule = decl.module.startsWith('.');
    if (!missingProjectModule && (!/^[A-Z]/.test(holder.text) || !/^[A-Z][A-Za-z0-9_]*$/.test(e.name.text)))
      return undefined;
    return finite(
      [text(e)],
      `constant \`${text(e)}\` of ${missingProjectModule ? 'module' : 'package'} \`${decl.module}\``,
    );
  }

  /** `Code[code]` on a numeric enum is a member's name: that one when the key is known, else any. */
  private enumMemberName(e: ts.ElementAccessExpression, env: Env): Bound | undefined {
    const table = skipOuter(e.expression);
    if (ts.isIdentifier(table) && isGrpcStatusEnum(lookup(table.text, table)))
      return finite([...GRPC_STATUS_NAMES], `gRPC status names (\`${text(e)}\`)`);
    const enumDecl = ts.isIdentifier(table) ? this.project.declarationOf(table) : undefined;
    if (enumDecl?.kind !== 'enum') return undefined;
    const numeric = [...enumValues(enumDecl.node)].filter(([, v]) => typeof v === 'number');
    if (numeric.length === 0) return undefined;
    const key = scalarText(this.evaluator.eval(e.argumentExpression, env));
    const named = numeric.filter(([, v]) => key === undefined || String(v) === key).map(([k]) => k);
    return named.length > 0
      ? finite(named, `member name${named.length === 1 ? '' : 's'} of enum \`${enumDecl.node.name.text}\``)
      : undefined;
  }

  /**
   * `cacheKey.split(':')[0]` where every key is built as `'user:' + id`: the text before the
   * separator, whatever follows it.
   */
  private splitHead(e: ts.ElementAccessExpression): Bound | undefined {
    const index = skipOuter(e.argumentExpression);
    const call = skipOuter(e.expression);
    if (!ts.isNumericLiteral(index) || index.text !== '0' || !ts.isCallExpression(call) || !call.arguments[0])
      return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'split') return undefined;
    const separator = scalarText(this.evaluator.eval(call.arguments[0]));
    if (!separator) return undefined;
    const heads = this.literalHeads(callee.expression, 0);
    if (!heads || heads.some((h) => !h.includes(separator))) return undefined;
    const parts = [...new Set(heads.map((h) => h.split(separator)[0]))];
    return finite(parts, `the text before \`${separator}\` in \`${text(callee.expression)}\``);
  }

  /**
   * `commandTypeDetails[command.category].id` of a constant table (`{ [CommandType.CUSTOM]: { id:
   * 'Custom', … }, … }`) read by a key obslint cannot tell: whichever entry it is, its field is one
   * of the entries' constants, whatever the field's name suggests.
   */
  private fieldOfEveryEntry(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, env: Env): Bound | undefined {
    const entry = skipOuter(e.expression);
    if (!ts.isPropertyAccessExpression(e) || !ts.isElementAccessExpression(entry)) return undefined;
    const table = this.evaluator.eval(entry.expression, env);
    if (table.k !== 'obj' || table.props.size === 0) return undefined;
    const values = new Set<string>();
    for (const row of table.props.values()) {
      const cell = row.k === 'obj' ? row.props.get(e.name.text) : undefined;
      const field = cell && scalarText(cell);
      if (field === undefined) return undefined;
      values.add(field);
    }
    return finite([...values], `the \`${e.name.text}\` of an entry of the constant \`${text(entry.expression)}\``);
  }

  /**
   * `request.routeOptions.url?.split('?', 1)[0]`: a part of each value a bounded expression takes
   * is bounded as well, by no more values than it takes (a route template has no query to cut).
   */
  private splitPart(e: ts.ElementAccessExpression, env: Env, depth: number): Bound | undefined {
    const index = skipOuter(e.argumentExpression);
    const array = skipOuter(e.expression);
    // `const parts = file.split('/'); parts[parts.length - 2]`: the split a constant holds.
    const call = ts.isIdentifier(array) ? constInitializer(array) : array;
    if (!call || !ts.isCallExpression(call) || !call.arguments[0]) return undefined;
    // A fixed position, or one counted from the end of the same parts: one part per value split.
    const literal = ts.isNumericLiteral(index) ? Number(index.text) : undefined;
    if (literal === undefined && !fromOwnLength(index, array)) return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'split') return undefined;
    const separator = scalarText(this.evaluator.eval(call.arguments[0], env));
    if (separator === undefined) return undefined;
    const whole = this.of(callee.expression, env, depth + 1);
    const reason = `a part of \`${text(callee.expression)}\` split at \`${separator}\``;
    if (whole.kind === 'finite' && literal !== undefined)
      return finite([...new Set(whole.values.map((v) => v.split(separator)[literal] ?? ''))], reason);
    if (whole.kind === 'finite') return boundedPart(`derived:${text(e)}`, whole.values.length, reason);
    return whole.kind === 'bounded' ? whole : undefined;
  }

  /**
   * The texts a string expression is known to start with, one per way it is built: `'user:' + id`,
   * `` `job:${id}` ``, through constants, parameters (each caller's argument) and returned values.
   */
  private literalHeads(expr: ts.Expression, depth: number): string[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = skipOuter(expr);
    if (ts.isStringLiteralLike(e)) return [e.text];
    if (ts.isTemplateExpression(e)) return e.head.text ? [e.head.text] : undefined;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = scalarText(this.evaluator.eval(e.left));
      return left ? [left] : this.literalHeads(e.left, depth + 1);
    }
    if (ts.isCallExpression(e)) {
      const fn = calledFunction(e.expression, this.project);
      const returns = fn ? returnedValues(fn) : [];
      return returns.length > 0 ? this.allHeads(returns, depth) : undefined;
    }
    if (!ts.isIdentifier(e)) return undefined;
    const decl = lookup(e.text, e);
    if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer)
      return this.literalHeads(decl.node.initializer, depth + 1);
    if (decl?.kind !== 'parameter' || decl.path.length > 0) return undefined;
    const args = this.calls.confirmedCallersOf(decl.fn).map((call) => call.arguments?.[decl.index]);
    return args.length > 0 && args.every((a) => a !== undefined) ? this.allHeads(args, depth) : undefined;
  }

  /**
   * `options?.name` (or `options.name`) on a parameter every visible caller passes an object literal
   * that sets `name` to a value that is not itself nullish: the property is always there.
   */
  private alwaysPassed(e: ts.Expression): boolean {
    const access = skipOuter(e);
    if (!ts.isPropertyAccessExpression(access)) return false;
    const base = skipOuter(access.expression);
    const decl = ts.isIdentifier(base) ? lookup(base.text, base) : undefined;
    if (decl?.kind !== 'parameter' || decl.path.length > 0 || decl.node.dotDotDotToken) return false;
    const key = access.name.text;
    const callers = this.calls.confirmedCallersOf(decl.fn);
    return (
      callers.length > 0 &&
      callers.every((call) => {
        const arg = call.arguments?.[decl.index];
        const literal = arg && skipOuter(arg);
        return (
          literal !== undefined &&
          ts.isObjectLiteralExpression(literal) &&
          literal.properties.some(
            (p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === key && !maybeNullish(p.initializer),
          )
        );
      })
    );
  }

  private allHeads(exprs: readonly ts.Expression[], depth: number): string[] | undefined {
    const heads: string[] = [];
    for (const x of exprs) {
      const found = this.literalHeads(x, depth + 1);
      if (!found) return undefined;
      heads.push(...found);
    }
    return heads;
  }

  /** A part of an unbounded value: a URL's host is one of the few a service talks to, not the raw URL. */
  private partOf(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    base: Bound & { kind: 'unbounded' },
  ): Bound {
    // The host of a URL built with an id in its path (`new URL(\`${api}/orders/${id}\`).hostname`) is the service's.
    if ((base.category === 'raw-url' || parsedUrl(e.expression)) && HOST_PARTS.has(propertyName(e) ?? ''))
      return unknown(`the host of \`${base.source}\``, text(e), [this.sources.step(e, `\`${text(e)}\` is a host`)]);
    return withStep(base, this.sources.step(e, `\`${text(e)}\` is part of it`));
  }

  /**
   * `url.pathname` where `const url = new URL(req.url)` (or a helper's `new URL(…)` of it): only a
   * variable's URL; the property of another unbounded value (`user.name` of a user read by a request's
   * id) is not a part of that value.
   */
  private partOfUrlVariable(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    env: Env,
    depth: number,
  ): Bound | undefined {
    const base = skipOuter(e.expression);
    if (!ts.isIdentifier(base) || lookup(base.text, base)?.kind !== 'variable') return undefined;
    const bound = this.of(base, env, depth + 1);
    return bound.kind === 'unbounded' && bound.category === 'raw-url' ? this.partOf(e, bound) : undefined;
  }

  /**
   * A part of an element a `const` picked from a constant collection, one of that part's values
   * across it: `const moch = MochOptions[key]; moch.key` (any of a table's values, whatever the key),
   * `const match = Object.entries(STATIC).find(([, v]) => url.endsWith(v)); match?.[0]`.
   */
  private partOfPickedElement(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    env: Env,
  ): Bound | undefined {
    const key = ts.isPropertyAccessExpression(e)
      ? e.name.text
      : scalarText(this.evaluator.eval(e.argumentExpression, env));
    const base = skipOuter(e.expression);
    if (key === undefined || !ts.isIdentifier(base)) return undefined;
    const decl = lookup(base.text, base);
    if (decl?.kind !== 'variable' || !decl.isConst || !decl.node.initializer) return undefined;
    const picked = this.pickedFrom(skipOuter(decl.node.initializer), env);
    const items = picked && this.evaluator.elementsAt(picked.elements, [...decl.path, key]);
    const values = items && staticStrings(items);
    return values ? finite([...new Set(values)], `\`${key}\` of ${picked.what}`) : undefined;
  }

  /** The collection a picking expression takes one element of: `TABLE[anyKey]`, `list.find(…)`. */
  private pickedFrom(read: ts.Expression, env: Env): { elements: Static; what: string } | undefined {
    if (ts.isElementAccessExpression(read)) {
      if (scalarText(this.evaluator.eval(read.argumentExpression, env)) !== undefined) return undefined;
      const table = this.evaluator.eval(read.expression, env);
      return table.k === 'obj'
        ? { elements: tableValues(table), what: `the values of \`${text(read.expression)}\`` }
        : undefined;
    }
    const callee = ts.isCallExpression(read) ? skipOuter(read.expression) : undefined;
    if (!callee || !ts.isPropertyAccessExpression(callee) || !FINDING_METHODS.has(callee.name.text)) return undefined;
    return {
      elements: this.evaluator.eval(callee.expression, env),
      what: `an element of \`${text(callee.expression)}\``,
    };
  }

  /**
   * `request.method` of a JSON-RPC message (its type has `jsonrpc`) is the procedure the message
   * names, not an HTTP method, whatever the variable is called: in a project that serves HTTP, the
   * client's choice; elsewhere the value's flow decides (undefined).
   */
  private unlessJsonRpc(message: ts.Expression, classified: Bound, at: ts.Node, source: string): Bound | undefined {
    const httpMethod = classified.kind === 'bounded' && classified.parts.some((p) => p.source === 'http-method');
    if (!httpMethod) return classified;
    // `let request: IJsonRpcRequest | IJsonRpcRequest[]` of a websocket message, whose type the
    // checker may not resolve (another workspace package): its `method` is no HTTP method either.
    const named = /json-?rpc/i.test(declaredType(message)?.getText() ?? '');
    if (!named && !this.types.hasProperty(message, 'jsonrpc')) return classified;
    return (
      this.sources.jsonRpcMethod(at, source) ??
      unknown(`the method a JSON-RPC message names (\`${source}\`)`, source, [
        this.sources.step(at, `\`${source}\` is the method a JSON-RPC message names`),
      ])
    );
  }

  /** The argument a call returns a copy of (`sanitize(data)`), when it is an identifier. */
  private copiedArgument(call: ts.CallExpression): ts.Identifier | undefined {
    const fn = calledFunction(call.expression, this.project);
    const index = fn && copiedParameter(fn);
    const arg = index !== undefined ? call.arguments[index] && skipOuter(call.arguments[index]) : undefined;
    return arg && ts.isIdentifier(arg) ? arg : undefined;
  }

  private member(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, env: Env, depth: number): Bound {
    // A constant is a constant, whatever its path looks like (`KIND.message`, `config.host`).
    const constant = scalarText(this.evaluator.eval(e, env));
    if (constant !== undefined) return finite([constant], `constant \`${text(e)}\``);
    const tableField = this.fieldOfEveryEntry(e, env);
    if (tableField) return tableField;
    const guarded = narrowed(e, this.evaluator, env);
    if (guarded) return guarded;
    const head = ts.isElementAccessExpression(e) ? (this.splitHead(e) ?? this.splitPart(e, env, depth)) : undefined;
    if (head) return head;
    // `propagation.getActiveBaggage()?.getEntry('tenant')?.value`: W3C baggage, which every caller
    // upstream may set, a client at the edge included.
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'value' && isBaggageEntry(e.expression))
      return unbounded('request-input', 'W3C baggage, which the caller sets', text(e), [
        this.sources.step(e, `\`${text(e)}\` is a baggage entry the request carried`),
      ]);
    const key = ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
    const groupKey = key === '_id' ? aggregateGroupKey(e.expression) : undefined;
    // Grouped by an id (`$userId`): as unbounded as the field; by `$type`, what the field holds.
    const byField = groupKey !== undefined ? this.sources.byName(groupKey.split('.').pop()!, e) : undefined;
    if (byField) return byField;
    if (groupKey !== undefined)
      return unknown(`\`${groupKey}\` of the documents grouped (the \`$group\` key)`, text(e), [
        this.sources.step(e, `\`${text(e)}\` is the \`${groupKey}\` each group shares`),
      ]);
    const validated = key !== undefined ? this.routeValidated(e.expression, key, env) : undefined;
    if (validated) return validated;
    const handler = key === 'name' ? this.sources.nestHandlerName(e.expression) : undefined;
    if (handler) return handler;
    const c = chain(e);
    // The access path with local aliases replaced by what they were read from (`const { query } = req`).
    const path = c && this.sources.expandAliases(c.names, e);
    const set = path && this.setOnRequest(path, e, depth);
    if (set) return set;
    if (path) {
      const classified = this.sources.classifyChain(path, e, text(e));
      const kept = classified && this.unlessJsonRpc(e.expression, classified, e, text(e));
      if (kept) return kept;
      // `const url = new URL(req.url); url.pathname`: a part of the raw URL a variable holds.
      const urlPart = this.partOfUrlVariable(e, env, depth);
      if (urlPart) return urlPart;
    } else {
      // `req.originalUrl.split('?')[0]`, `new URL(req.url).pathname`: a part of an unbounded value.
      const base = this.of(e.expression, env, depth + 1);
      if (base.kind === 'unbounded') return this.partOf(e, base);
      // `config.get('networks')[network].walletAddress`, `env[name]`: what a setting holds is a setting.
      if (isPerInstance(base)) return configuredPart(text(e));
    }
    const base = skipOuter(e.expression);
    if (ts.isPropertyAccessExpression(e) && base.kind === ts.SyntaxKind.ThisKeyword) {
      const field = this.instanceField(e, depth);
      if (field && field.kind !== 'unknown') return field;
    }
    // `order.customer` on a parameter: the property of what its callers (or emitters) pass.
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(base)) {
      const decl = lookup(base.text, base);
      // `for (const chain of config.chains) chain.rpcUrl`: the property of the collection's elements.
      if (decl?.kind === 'loop') {
        const element = this.parameters.loopVariable({ ...decl, path: [...decl.path, e.name.text] }, e, env, depth + 1);
        if (element.kind !== 'unknown' || element.setting) return element;
      }
      if (decl?.kind === 'parameter' && !namedAsRequest(decl)) {
        const passed = this.parameter({ ...decl, path: [...decl.path, e.name.text] }, e, env, depth + 1);
        if (passed.kind !== 'unknown') return passed;
      }
      // `const h = { ...request, type: 'http' }; h.path`: the property of the object it was built as;
      // `const labels = this.getMetricsLabels(); labels.chain`: of the object the function returns.
      const init =
        decl?.kind === 'variable' && decl.isConst && decl.node.initializer && skipOuter(decl.node.initializer);
      // `const eventData = sanitize(data); … eventData.tier`: `data.tier`, read where `eventData.tier`
      // is (inside `case Events.DraftCompleted:`, only the callers that pass that event).
      const original = init && ts.isCallExpression(init) ? this.copiedArgument(init) : undefined;
      const source = original && lookup(original.text, original);
      if (
        decl?.kind === 'variable' &&
        decl.path.length === 0 &&
        source?.kind === 'parameter' &&
        !namedAsRequest(source)
      ) {
        const passed = this.parameter({ ...source, path: [...source.path, e.name.text] }, e, env, depth + 1);
        if (passed.kind !== 'unknown') return passed;
      }
      if (
        decl?.kind === 'variable' &&
        init &&
        (ts.isObjectLiteralExpression(init) ||
          // `const operation = Array.isArray(body) ? body[0] : body; operation.operationName`
          ts.isConditionalExpression(init) ||
          (ts.isCallExpression(init) &&
            (calledFunction(init.expression, this.project) !== undefined || zodParse(init, this.project))))
      ) {
        const built = this.pathOf(init, [...decl.path, e.name.text], env, depth + 1);
        if (built.kind !== 'unknown') return built;
      }
    }
    const checked = ts.isPropertyAccessExpression(e) ? this.safeParsedField(e, env, depth) : undefined;
    if (checked) return checked;
    // `c.req.valid('query').customer`, `schema.parse(body).plan`: a field of what a schema let through.
    const parsed = skipOuter(e.expression);
    const field =
      ts.isPropertyAccessExpression(e) && ts.isCallExpression(parsed)
        ? this.zodValidated(parsed, [e.name.text], env, depth)
        : undefined;
    if (field) return field;
    const picked = this.partOfPickedElement(e, env);
    if (picked) return picked;
    const name = propertyName(e);
    const evaluated = this.evaluator.eval(e, env);
    const value = scalarText(evaluated);
    if (value !== undefined) return finite([value], `constant \`${text(e)}\``);
    const packaged = ts.isPropertyAccessExpression(e) ? this.unreadPackageConstant(e) : undefined;
    if (packaged) return packaged;
    const written =
      ts.isPropertyAccessExpression(e) && c && HANDLER_OBJECTS.test(c.names[0])
        ? this.assignedEverywhere(e.name.text, depth)
        : undefined;
    if (written) return written;
    const state = ts.isPropertyAccessExpression(e) ? this.moduleStateValues(e, depth) : undefined;
    if (state) return state;
    // The process's configuration, whatever its setting is called (`this.botConfig.botId`).
    const configured = path && this.sources.configured(path, e, text(e));
    if (configured) return configured;
    // Read in start-up code that runs once (`new FillerBot(config)` from `main()`): one value per
    // instance, whatever it is called (`config.botId`).
    if (c && this.once.runsOnce(e)) return this.oncePerProcess(e, `\`${text(e)}\`, read once per process`);
    if (ts.isPropertyAccessExpression(e) && this.moduleConstantMember(e))
      return this.oncePerProcess(e, `\`${text(e)}\`, a module's constant, set as it loads`);
    if (name !== undefined) {
      const byName = this.sources.byName(name, e);
      if (byName) return byName;
    }
    const reverse = ts.isElementAccessExpression(e) ? this.enumMemberName(e, env) : undefined;
    if (reverse) return reverse;
    if (ts.isElementAccessExpression(e) && !name) {
      // `CODES[anything]` is one of the table's values (or undefined), whatever the key.
      const table = this.evaluator.eval(e.expression, env);
      const values =
        table.k === 'obj' ? staticStrings({ k: 'arr', items: [...table.props.values()] }) : staticStrings(table);
      if (values) return finite([...values, 'undefined'], `values of \`${text(e.expression)}\``);
      // A table the module builds once and never writes (`codeToType[id.slice(-2)]`) hands back one
      // of its values, whatever the key: not the key's values.
      const keyBound = moduleTable(e.expression) ? undefined : this.of(e.argumentExpression, env, depth + 1);
      if (keyBound?.kind === 'unbounded') return keyBound;
      const element = this.elementOf(e.expression, depth);
      if (element)
        return withStep(element, this.sources.step(e, `\`${text(e)}\` is an element of \`${text(e.expression)}\``));
    }
    // `query.method` where `query: { method: 'balanceOf' | 'owner' }`: the property's type is the bound.
    const typed = this.types.finiteValues(e);
    if (typed) return finite(typed.values, `type \`${shortened(typed.type)}\``);
    const augmented = ts.isPropertyAccessExpression(e) ? augmentedTypeOf(e, this.project, this.evaluator) : undefined;
    if (augmented) return augmented;
    // `String(events.length)`: a measured quantity, every distinct count a series. How large it gets
    // (a batch of any size, or the few blobs a block may carry) is not in the code.
    if (ts.isPropertyAccessExpression(e) && (name === 'length' || name === 'size'))
      return unknown(
        `\`${text(e)}\` is a count of items, one series per distinct count: record it as the value of a histogram instead`,
        text(e),
      );
    return unknown(`\`${text(e)}\` is a property obslint cannot bound`, text(e));
  }
}

/** Array methods whose result holds (some of) the receiver's elements, transformed by the code. */
const COLLECTION_TRANSFORMS = new Set(['map', 'filter', 'flatMap', 'sort', 'reverse']);

const NULLISH_OR = new Set([ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken]);

/** What a zod string format says the text is. */
const ZOD_STRING_KINDS: Record<string, [UnboundedCategory, string]> = {
  uuid: ['id', 'an id'],
  cuid: ['id', 'an id'],
  cuid2: ['id', 'an id'],
  ulid: ['id', 'an id'],
  nanoid: ['id', 'an id'],
  email: ['email', 'an email address'],
  datetime: ['timestamp', 'a timestamp'],
};

/** The field a path reads of a parse's result: `.plan`, or `.data.plan` of a `safeParse`. */
function parsedKey(path: readonly string[], under: string | undefined): string | undefined {
  if (under === undefined) return path.length === 1 ? path[0] : undefined;
  return path.length === 2 && path[0] === under ? path[1] : undefined;
}

function optionalList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : [value];
}

/** `Object.keys(o)` and its kin: what `o` holds, listed. */
const OBJECT_VIEWS = new Set(['keys', 'values', 'entries']);

/** Array methods that return one of the array's elements (or undefined). */
const FINDING_METHODS = new Set(['find', 'findLast']);

/** The keys `Object.keys(table)` lists, when the table is a constant one or one a constant table holds. */
function keysListed(
  expr: ts.Expression,
  evaluator: StaticEvaluator,
  env: Env,
): { keys: string[]; table: ts.Expression } | undefined {
  const e = skipOuter(expr);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1 || text(e.expression) !== 'Object.keys') return undefined;
  const table = skipOuter(e.arguments[0]);
  const keys = tableKeys(table, evaluator, env);
  return keys && keys.length > 0 ? { keys: [...new Set(keys)].sort(), table } : undefined;
}

/**
 * `reply.rpcStatus` in a hook whose `reply` the framework types: the type the project gives the
 * member where it augments the framework's interfaces (`interface FastifyReply { rpcStatus: RpcStatus }`),
 * when every such declaration of the name has a finite type (their union, where packages differ).
 */
function augmentedTypeOf(
  e: ts.PropertyAccessExpression,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
): Bound | undefined {
  const members = project.augmentedMembers(e.name.text).filter(ts.isPropertySignature);
  if (members.length === 0) return undefined;
  const bounds = members.map((m) => (m.type ? typeBound(m.type, project, evaluator) : undefined));
  if (bounds.some((b) => b === undefined)) return undefined;
  const bound = union(bounds as Bound[]);
  return bound && bound.kind === 'finite'
    ? finite(bound.values, `type of \`${e.name.text}\` where the project augments its framework's types`)
    : undefined;
}

/**
 * `this.channel`: every value the class (its bases and subclasses included) stores there, from a
 * field initialiser, a parameter property or `this.channel = …`, each followed to where it comes
 * from (`options.channel` to what each `new` or `super({ channel: 'sms' })` passes).
 */
function fieldWrites(project: ProjectIndex, cls: ts.ClassLikeDeclaration, name: string): ts.Expression[] {
  const family = new Set(project.classesExtending(cls));
  for (let c = project.baseClass(cls), hops = 0; c && hops < 8; c = project.baseClass(c), hops++) family.add(c);
  const writes: ts.Expression[] = [];
  for (const c of family) {
    for (const member of c.members) {
      if (ts.isPropertyDeclaration(member) && member.initializer && propertyKey(member.name) === name)
        writes.push(member.initializer);
      if (ts.isConstructorDeclaration(member))
        for (const param of member.parameters)
          if (ts.isIdentifier(param.name) && param.name.text === name && ts.getModifiers(param)?.length)
            writes.push(param.name);
    }
    forEachThisAssignment(c, name, (value) => void writes.push(value));
  }
  return writes;
}

/** What `a || b` takes from `a`: not its empty values (`(req.route && req.route.path) || 'unmatched'`). */
function truthyPart(bound: Bound): Bound {
  const empty = (v: string): boolean => v === '' || v === 'undefined' || v === 'null';
  if (bound.kind === 'finite' && bound.values.some(empty))
    return { ...bound, values: bound.values.filter((v) => !empty(v)) };
  if (bound.kind === 'bounded' && bound.values.some(empty)) {
    const values = bound.values.filter((v) => !empty(v));
    return { ...bound, values, count: bound.count - (bound.values.length - values.length) };
  }
  return bound;
}

/** What `a && b` takes from `a`: its own literals where it has a few, else one "absent" value. */
function falsyPart(bound: Bound): Bound {
  return bound.kind === 'finite' ? bound : finite(['undefined'], 'the left side of `&&` when it is absent');
}

function describeWhole(e: ts.Expression): string {
  return ts.isTemplateExpression(e) ? 'a template string' : 'a concatenation';
}

/** The request and response a handler and its middleware share, where handlers leave notes for the middleware. */
const HANDLER_OBJECTS = /^(req|request|res|response|reply|ctx)$/;

/** A value that may be `undefined` or `null` by its form: those literals, an optional chain, a conditional with one. */
function maybeNullish(value: ts.Expression): boolean {
  const e = skipOuter(value);
  if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined')) return true;
  if (ts.isConditionalExpression(e)) return maybeNullish(e.whenTrue) || maybeNullish(e.whenFalse);
  let chain: ts.Node = e;
  while (ts.isPropertyAccessExpression(chain) || ts.isElementAccessExpression(chain) || ts.isCallExpression(chain)) {
    if (chain.questionDotToken) return true;
    chain = chain.expression;
  }
  return false;
}

/** `new URL(…)`, directly or through the constant holding it. */
function parsedUrl(expr: ts.Expression): boolean {
  let e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer)
      e = skipOuter(decl.node.initializer);
  }
  return isNewUrl(e) || isUrlParse(e);
}

function isNewUrl(e: ts.Expression): e is ts.NewExpression {
  return ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL';
}

const URL_MODULES = new Set(['url', 'node:url']);

/** Node's legacy `url.parse(req.originalUrl)` (`import * as Url from 'url'`, `const { parse } = require('url')`). */
function isUrlParse(e: ts.Expression): e is ts.CallExpression {
  if (!ts.isCallExpression(e)) return false;
  const callee = skipOuter(e.expression);
  const [holder, imported] = ts.isPropertyAccessExpression(callee)
    ? [skipOuter(callee.expression), callee.name.text === 'parse' ? ['*', 'default'] : []]
    : [callee, ['parse']];
  if (!ts.isIdentifier(holder) || imported.length === 0) return false;
  const decl = lookup(holder.text, holder);
  return decl?.kind === 'import' && URL_MODULES.has(decl.module) && imported.includes(decl.imported);
}

/**
 * `for (const line of await coll.aggregate([{ $group: { _id: '$type', … } }]).toArray()) line._id`:
 * a MongoDB group's `_id` is the field it groups by (`type`), not a document's id.
 */
function aggregateGroupKey(row: ts.Expression): string | undefined {
  const base = skipOuter(row);
  const decl = ts.isIdentifier(base) ? lookup(base.text, base) : undefined;
  if (decl?.kind !== 'loop' || decl.path.length > 0 || !ts.isForOfStatement(decl.loop)) return undefined;
  let rows = skipOuter(decl.loop.expression);
  if (ts.isIdentifier(rows)) {
    const held = lookup(rows.text, rows);
    if (held?.kind !== 'variable' || held.path.length > 0 || !held.node.initializer) return undefined;
    rows = skipOuter(held.node.initializer);
  }
  if (ts.isAwaitExpression(rows)) rows = skipOuter(rows.expression);
  if (ts.isCallExpression(rows) && propertyName(rows.expression) === 'toArray')
    rows = skipOuter((rows.expression as ts.PropertyAccessExpression).expression);
  if (!ts.isCallExpression(rows) || propertyName(rows.expression) !== 'aggregate') return undefined;
  const pipeline = rows.arguments[0] && skipOuter(rows.arguments[0]);
  if (!pipeline || !ts.isArrayLiteralExpression(pipeline)) return undefined;
  for (const stage of pipeline.elements) {
    const id = literalProperty(skipOuter(stage), ['$group', '_id']);
    if (id && ts.isStringLiteralLike(id) && /^\$[\w.]+$/.test(id.text)) return id.text.slice(1);
  }
  return undefined;
}

function isArgumentWithNamedKeys(literal: ts.ObjectLiteralExpression): boolean {
  const call = literal.parent;
  return (
    (ts.isCallExpression(call) || ts.isNewExpression(call)) &&
    (call.arguments?.some((a) => a === literal) ?? false) &&
    literal.properties.every((p) => p.name !== undefined && !ts.isComputedPropertyName(p.name))
  );
}

function isHonoRoutePath(e: ts.Expression): boolean {
  const read = skipOuter(e);
  return (
    ts.isPropertyAccessExpression(read) &&
    read.name.text === 'routePath' &&
    ts.isPropertyAccessExpression(skipOuter(read.expression)) &&
    (skipOuter(read.expression) as ts.PropertyAccessExpression).name.text === 'req'
  );
}

/** A request's HTTP method and nothing else. */
function isHttpMethodOnly(bound: Bound): boolean {
  return (
    bound.kind === 'bounded' &&
    bound.values.length === 0 &&
    bound.parts.length > 0 &&
    bound.parts.every((p) => p.source === 'http-method')
  );
}

/**
 * Whether `node` is read in a middleware's own body before it calls its `next` parameter (`(req,
 * res, next) => { … ; next(); }`, koa's `await next()`): the router has not matched the request yet.
 */
function readBeforeNext(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  const next = fn?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === 'next');
  if (!fn || !next || !('body' in fn) || !fn.body) return false;
  let before = false;
  forEachDescendant(fn.body, (n) => {
    if (
      !before &&
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'next' &&
      n.getStart() > node.getEnd() &&
      enclosingFunction(n) === fn
    )
      before = true;
  });
  return before;
}

function isRouteTemplateOnly(bound: Bound): boolean {
  return (
    bound.kind === 'bounded' &&
    bound.parts.some((p) => p.source === 'route-template') &&
    bound.parts.every((p) => p.source === 'route-template' || p.source === 'route-unmatched')
  );
}

/** How deep in a parameter's object a function it holds is looked for (`args.options.queryId`). */
const PASSED_FUNCTION_PATH = 2;

/**
 * The function an argument holds at a property path (`{ queryId: (a) => … }` or `{ queryId(a) {…} }`
 * at `queryId`, the argument itself at none), written in the call.
 */
function functionAt(
  arg: ts.Expression,
  path: readonly string[],
  project: ProjectIndex,
): ts.SignatureDeclaration | undefined {
  let at: ts.Expression = skipOuter(arg);
  for (const key of path) {
    if (!ts.isObjectLiteralExpression(at)) return undefined;
    const property = [...at.properties].reverse().find((p) => p.name !== undefined && propertyKey(p.name) === key);
    if (property && ts.isMethodDeclaration(property) && key === path[path.length - 1]) return property;
    if (property && ts.isPropertyAssignment(property)) at = skipOuter(property.initializer);
    else if (property && ts.isShorthandPropertyAssignment(property)) at = property.name;
    else return undefined;
  }
  return calledFunction(at, project);
}

/** The source of a bound made of one part (`nest-getClass`). */
function onlyPart(bound: Bound): string | undefined {
  return bound.kind === 'bounded' && bound.parts.length === 1 ? bound.parts[0].source : undefined;
}

/** `util.format` (or `format`) imported from Node's `util`. */
function fromNodeUtil(callee: ts.Expression, project: ProjectIndex): boolean {
  const root = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : callee;
  const module = ts.isIdentifier(root) ? moduleOf(root, project) : undefined;
  return module === 'util' || module === 'node:util';
}

/** The names a request object goes by where the project writes its own properties on it. */
const REQUEST_ROOTS_SET = new Set(['req', 'request']);

/** A module-level `const` the file never writes an entry of (`TABLE[key] = …`): a table built once. */
function moduleTable(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  if (decl?.kind !== 'variable' || !decl.isConst || decl.path.length > 0 || !isModuleLevel(decl.node)) return false;
  const name = decl.name.text.replace(/[$]/g, '\\$');
  return !new RegExp(`\\b${name}\\s*\\[[^\\]]*\\]\\s*=(?!=)`).test(decl.node.getSourceFile().text);
}
