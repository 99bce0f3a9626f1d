import { ts } from 'ts-morph';
import type { Bound, BoundPart, FlowStep, UnboundedCategory } from '../../types.js';
import {
  bounded,
  boundedPart,
  countOf,
  finite,
  HTTP_METHODS,
  product,
  unbounded,
  union,
  unknown,
  withStep,
} from '../../model/bounds.js';
import { calledFunction, returnedValues } from './functions.js';
import type { CallGraph } from './call-graph.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { functionName, lookup, propertyName, skipOuter, type Declaration } from '../syntax/scope.js';
import {
  bindArguments,
  EMPTY_ENV,
  enumValues,
  scalarText,
  staticStrings,
  type Env,
  type StaticEvaluator,
} from './static-eval.js';
import { ROUTE_METHODS } from '../libraries/web-frameworks.js';
import { typeBound } from './type-bounds.js';
import { forEachDescendant } from '../syntax/walk.js';

const MAX_DEPTH = 6;
const TOO_FAR = 'value followed too far';
const ITERATING_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find']);

const REQUEST_ROOTS = new Set(['req', 'request', 'ctx', 'context', 'c', 'event', 'incomingMessage', 'httpRequest']);
const AMBIGUOUS_ROOTS = new Set(['c', 'context', 'ctx', 'event']);
const RESPONSE_ROOTS = new Set(['res', 'response', 'reply', 'ctx', 'context', 'c']);
const RAW_URL_PROPS = new Set(['url', 'originalUrl', 'path', 'pathname', 'href', 'rawUrl']);
const REQUEST_INPUT_PROPS = new Set([
  'params',
  'query',
  'body',
  'headers',
  'cookies',
  'signedCookies',
  'ip',
  'ips',
  'hostname',
  'host',
  'search',
  'searchParams',
  'rawHeaders',
  'subdomains',
  'header',
]);
const ROUTE_TEMPLATE_SUFFIXES = [
  ['route', 'path'],
  ['routeOptions', 'url'],
  ['routerPath'],
  ['routeConfig', 'url'],
  ['_matchedRoute'],
  ['routePath'],
  ['matchedRoute'],
];
const UUID_CALLS = new Set([
  'randomUUID',
  'uuid',
  'uuidv4',
  'uuidv1',
  'uuidv7',
  'v4',
  'v1',
  'v7',
  'nanoid',
  'cuid',
  'createId',
  'ulid',
  'randomBytes',
  'objectId',
]);
const TIMESTAMP_CALLS = new Set([
  'now',
  'toISOString',
  'getTime',
  'toUTCString',
  'toLocaleString',
  'toDateString',
  'toLocaleDateString',
  'toLocaleTimeString',
  'hrtime',
]);
const PASSTHROUGH_METHODS = new Set([
  'toString',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'toLocaleLowerCase',
  'toLocaleUpperCase',
  'valueOf',
  'normalize',
]);
const REQUEST_INPUT_CALLS = new Set(['get', 'header', 'getHeader', 'param', 'cookie', 'query', 'queries']);
/** String and number methods whose result is as unbounded as their receiver. */
const DERIVING_METHODS = new Set([
  'split',
  'slice',
  'substring',
  'substr',
  'replace',
  'replaceAll',
  'concat',
  'at',
  'padStart',
  'padEnd',
  'trimStart',
  'trimEnd',
  'toFixed',
  'toPrecision',
  'join',
  'match',
]);
const MATH_PASSTHROUGH = new Set(['floor', 'ceil', 'round', 'trunc', 'abs']);

/** Ids of things a service has few of: routes, operations, rules, types, regions. */
const BOUNDED_ID_NAMES =
  /^(route|operation|op|rule|type|kind|schema|region|zone|provider|channel|method|status|state|error|reason|locale|currency|country|plan|tier|feature|flag|metric|queue|topic|protocol|worker|thread|shard|partition|core|cpu|bucket|table|collection|category|service|cluster|pool|env|environment|chain|network|net)(Id|ID|_id)$/;

/** Names that promise one value per entity: ids, keys, emails, timestamps. */
export function categoryOfName(name: string): UnboundedCategory | undefined {
  if (BOUNDED_ID_NAMES.test(name)) return undefined;
  if (
    /^(id|uuid|guid|ulid)$/i.test(name) ||
    /[a-z0-9](Id|ID|Uuid|UUID|Guid)$/.test(name) ||
    /_(id|uuid|guid)$/i.test(name)
  )
    return 'id';
  if (/^(email|e_mail|emailAddress|email_address)$/i.test(name) || /Email$/.test(name) || /(^|_)email(_|$)/i.test(name))
    return 'email';
  if (
    /^(timestamp|createdAt|updatedAt|deletedAt|created_at|updated_at|datetime|date|time)$/i.test(name) ||
    /[a-z0-9]Timestamp$/.test(name) ||
    /^(created|updated|deleted|started|ended|finished|sent|received)At$/.test(name)
  )
    return 'timestamp';
  return undefined;
}

/** Where a label value comes from, and how many values it can take. */
export class ProvenanceAnalyzer {
  private readonly paramMemo = new Map<ts.ParameterDeclaration, Bound>();
  private readonly inProgress = new Set<ts.ParameterDeclaration>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly calls: CallGraph,
    private readonly facts: {
      routeTemplates: () => string[];
      mountedRoutes: () => number;
      routeRegistrations: () => number;
      statusCodes: number;
    },
  ) {}

  of(expr: ts.Expression, env: Env = EMPTY_ENV, depth = 0): Bound {
    if (depth > MAX_DEPTH) return unknown(TOO_FAR, text(expr));
    const e = skipOuter(expr);

    if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return finite([e.text], 'literal');
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword)
      return finite([e.getText()], 'literal');
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken)
      return finite(['true', 'false'], 'boolean');
    if (ts.isBinaryExpression(e)) return this.binary(e, env, depth);
    if (ts.isConditionalExpression(e)) {
      return union([this.of(e.whenTrue, env, depth + 1), this.of(e.whenFalse, env, depth + 1)])!;
    }
    if (ts.isTemplateExpression(e)) return this.template(e, env, depth);
    if (ts.isCallExpression(e)) return this.call(e, env, depth);
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL' && e.arguments?.[0]) {
      const url = this.of(e.arguments[0], env, depth + 1);
      if (url.kind === 'unbounded') return withStep(url, this.step(e, `parsed by \`${text(e)}\``));
    }
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Date') {
      return unbounded('timestamp', 'a timestamp', text(e), [this.step(e, `\`${text(e)}\` is a timestamp`)]);
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
      return union([this.of(e.left, env, depth + 1), this.of(e.right, env, depth + 1)])!;
    }
    if (op === ts.SyntaxKind.PlusToken) {
      const baseUrl = this.routeWithMount(e);
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
    if (bad) return withStep(bad, this.step(e, `\`${text(e)}\` is computed from it`));
    // `res.statusCode / 100`: no more results than combinations of its operands.
    const counts = operands.map(countOf);
    if (counts.every((c) => c !== undefined)) {
      const count = counts.reduce((a, b) => a * b, 1);
      return boundedPart(`derived:${text(e)}`, count, `at most ${count} results of \`${text(e)}\``);
    }
    return unknown('arithmetic obslint cannot bound', text(e));
  }

  /**
   * `req.baseUrl + req.route.path` is still a template, but one per mount and route: the same
   * router-local path (`/`) under two mounts is two values, so every registration file counts.
   */
  private routeWithMount(e: ts.BinaryExpression): Bound | undefined {
    const left = chain(skipOuter(e.left));
    const right = chain(skipOuter(e.right));
    if (left?.names.at(-1) !== 'baseUrl' || !right || !isRouteTemplate(right.names)) return undefined;
    const routes = this.facts.mountedRoutes();
    return this.perRoute(e, 'a mounted route template', {
      source: 'mounted-route-template',
      count: routes,
      reason: `mount + route template (${routes} registration${routes === 1 ? '' : 's'}, counted per router file)`,
    });
  }

  private template(e: ts.TemplateExpression, env: Env, depth: number): Bound {
    const parts: ts.Expression[] = [];
    const literalParts: string[] = [e.head.text];
    for (const span of e.templateSpans) {
      parts.push(span.expression);
      literalParts.push(span.literal.text);
    }
    if (parts.length === 1 && !e.head.text && !e.templateSpans[0].literal.text)
      return this.of(parts[0], env, depth + 1);
    return this.concatenation(parts, e, env, depth, literalParts);
  }

  private concatenation(
    exprs: ts.Expression[],
    whole: ts.Expression,
    env: Env,
    depth: number,
    literals?: string[],
  ): Bound {
    const bounds = exprs.map((x) => this.of(x, env, depth + 1));
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
        flow: [...bad.flow, this.step(whole, `built into \`${text(whole)}\``)],
      };
    }
    const unsure = bounds.find((b) => b.kind === 'unknown');
    if (unsure) return withStep(unsure, this.step(whole, `built into \`${text(whole)}\``));
    const pieces: Bound[] = [];
    if (literals) {
      pieces.push(finite([literals[0]], 'literal'));
      bounds.forEach((b, i) => pieces.push(b, finite([literals[i + 1]], 'literal')));
    } else {
      pieces.push(...bounds);
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
    if (name && PASSTHROUGH_METHODS.has(name) && receiver) return this.of(receiver, env, depth + 1);
    if (name && MATH_PASSTHROUGH.has(name) && receiverText === 'Math' && e.arguments[0])
      return this.of(e.arguments[0], env, depth + 1);
    if (name && DERIVING_METHODS.has(name) && receiver) {
      const base = this.of(receiver, env, depth + 1);
      if (base.kind === 'unbounded') return withStep(base, this.step(e, `\`${text(e)}\` is derived from it`));
    }
    if (name === 'stringify' && receiverText === 'JSON')
      return unbounded('serialized', 'serialized JSON', text(e), [
        this.step(e, '`JSON.stringify` output is unbounded'),
      ]);
    if (name === 'random' && receiverText === 'Math')
      return unbounded('random', 'a random value', text(e), [this.step(e, '`Math.random()` is a random value')]);
    if (name && UUID_CALLS.has(name))
      return unbounded('uuid', 'a generated id', text(e), [this.step(e, `\`${name}()\` generates a unique id`)]);
    if (
      name &&
      TIMESTAMP_CALLS.has(name) &&
      (receiverText === 'Date' || receiverText === 'performance' || receiverText === 'process' || name !== 'now')
    ) {
      return unbounded('timestamp', 'a timestamp', text(e), [this.step(e, `\`${text(e)}\` is a timestamp`)]);
    }
    if (name && receiver && REQUEST_INPUT_CALLS.has(name)) {
      const root = chain(receiver);
      if (root && REQUEST_ROOTS.has(root.names[0]) && root.names.length <= 2) {
        return unbounded('request-input', 'request input', text(e), [this.step(e, `\`${text(e)}\` reads the request`)]);
      }
    }
    return this.returnedBy(e, env, depth);
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
    return withStep(result, this.step(call, `returned by \`${text(call.expression)}()\``));
  }

  private identifier(id: ts.Identifier, env: Env, depth: number): Bound {
    if (id.text === 'undefined') return finite(['undefined'], 'literal');
    const decl = lookup(id.text, id);
    if (!decl) return unknown(`\`${id.text}\` is not declared in the project`, id.text);
    return this.declaration(decl, id, env, depth);
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
          return (
            typed ??
            this.loopCounter(decl) ??
            this.byName(decl.name.text, use) ??
            unknown(`\`${decl.name.text}\` is reassigned`, name, [
              this.step(use, `\`${name}\` changes after its declaration`),
            ])
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
          if (fromInit.kind === 'unknown')
            return this.byName(decl.name.text, use) ?? withStep(fromInit, this.step(use, `\`${name}\``));
          return withStep(fromInit, this.step(decl.name, `\`${decl.name.text}\` = \`${text(decl.node.initializer)}\``));
        }
        if (typed) return typed;
        return (
          this.byName(decl.name.text, use) ?? unknown(`\`${name}\` is assigned where obslint does not follow`, name)
        );
      }
      case 'expression':
        return this.of(decl.node, env, depth + 1);
      case 'parameter':
        return this.parameter(decl, use, env, depth);
      case 'loop':
        return this.loopVariable(decl, use, env);
      case 'enum':
        return finite([...enumValues(decl.node).values()].map(String), `enum \`${decl.node.name.text}\``);
      case 'catch':
        return unbounded('error-message', 'an error', name, [this.step(use, `\`${name}\` is a caught error`)]);
      case 'import': {
        const target = this.project.followImport(decl);
        if (target) return this.declaration(target, use, EMPTY_ENV, depth + 1);
        return unknown(`\`${name}\` is imported from \`${decl.module}\``, name);
      }
      default:
        return unknown(`\`${name}\` is not a value obslint can follow`, name);
    }
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
      return withStep(value, this.step(decl.name, `passed as \`${decl.name.text}\``));
    }
    const typed =
      decl.node.type && decl.path.length === 0 ? typeBound(decl.node.type, this.project, this.evaluator) : undefined;
    if (typed) return typed;
    if (decl.path.length === 0 && REQUEST_ROOTS.has(decl.name.text))
      return unknown(`\`${name}\` is a request object`, name);
    // What the callers pass outranks what the name promises (`failed('missingBlock')` to `id`). An
    // event listener's parameter names are the emitter's, not the value's: no name heuristic there.
    const passed = this.fromCallers(decl, use, depth);
    if (passed.kind !== 'unknown' || this.listenedEvent(decl) !== undefined) return passed;
    return this.byName(decl.name.text, use) ?? passed;
  }

  /** A parameter takes what its callers pass: the union over every call site in the project. */
  private fromCallers(decl: Extract<Declaration, { kind: 'parameter' }>, use: ts.Expression, depth: number): Bound {
    const name = decl.name.text;
    const fnName = functionName(decl.fn);
    const memo = this.paramMemo.get(decl.node);
    if (memo && decl.path.length === 0) return memo;
    // A recursive call passes on what the outer calls passed: it adds no value of its own.
    if (this.inProgress.has(decl.node)) return finite([], 'recursive call');
    const iterated = this.iteratedValues(decl);
    if (iterated) return iterated;
    const emitted = this.emittedValues(decl, depth);
    if (emitted) return emitted;
    const calls = this.calls.confirmedCallersOf(decl.fn);
    if (calls.length === 0 || depth >= MAX_DEPTH) {
      return unknown(
        fnName
          ? `parameter \`${name}\` of \`${fnName}()\` has no call site obslint can see`
          : `parameter \`${name}\` of a callback`,
        name,
        [this.step(use, `\`${name}\` is a parameter`)],
      );
    }
    this.inProgress.add(decl.node);
    const bounds: Bound[] = [];
    try {
      for (const call of calls) {
        const arg = call.arguments?.[decl.index];
        if (!arg) {
          bounds.push(
            decl.node.initializer
              ? this.of(decl.node.initializer, EMPTY_ENV, depth + 1)
              : finite(['undefined'], 'omitted argument'),
          );
          continue;
        }
        const value = this.valueAt(arg, decl.path, EMPTY_ENV, depth + 1);
        bounds.push(
          withStep(value, { ...this.step(decl.name, `passed to \`${fnName ?? 'a function'}(${name})\``), call: true }),
        );
      }
    } finally {
      this.inProgress.delete(decl.node);
    }
    const result = union(bounds)!;
    const named =
      result.kind === 'finite'
        ? finite(
            result.values,
            `literals passed by ${calls.length} call site${calls.length === 1 ? '' : 's'} of \`${fnName}()\``,
          )
        : result;
    // Results cut short by the depth limit depend on where the walk started: not reusable.
    const cutShort = bounds.some((b) => b.kind === 'unknown' && b.reason === TOO_FAR);
    if (decl.path.length === 0 && !cutShort) this.paramMemo.set(decl.node, named);
    return named;
  }

  /** `for (let i = 0; i < SUBNETS; i++)`: the counter takes each value from start to limit. */
  private loopCounter(decl: Extract<Declaration, { kind: 'variable' }>): Bound | undefined {
    const loop = decl.node.parent?.parent;
    if (
      !loop ||
      !ts.isForStatement(loop) ||
      loop.initializer !== decl.node.parent ||
      !decl.node.initializer ||
      !loop.condition ||
      !loop.incrementor
    )
      return undefined;
    const name = decl.name.text;
    const step = skipOuter(loop.incrementor);
    const increments =
      (ts.isPostfixUnaryExpression(step) || ts.isPrefixUnaryExpression(step)) &&
      step.operator === ts.SyntaxKind.PlusPlusToken &&
      ts.isIdentifier(step.operand) &&
      step.operand.text === name;
    const condition = skipOuter(loop.condition);
    if (
      !increments ||
      !ts.isBinaryExpression(condition) ||
      !ts.isIdentifier(condition.left) ||
      condition.left.text !== name
    )
      return undefined;
    const inclusive = condition.operatorToken.kind === ts.SyntaxKind.LessThanEqualsToken;
    if (!inclusive && condition.operatorToken.kind !== ts.SyntaxKind.LessThanToken) return undefined;
    const start = Number(scalarText(this.evaluator.eval(decl.node.initializer)));
    const limit = Number(scalarText(this.evaluator.eval(condition.right)));
    const end = inclusive ? limit + 1 : limit;
    // The body may also write the counter: then the loop header does not bound it.
    if (!Number.isInteger(start) || !Number.isInteger(end) || end - start > 1000 || writesInside(loop.statement, decl))
      return undefined;
    return finite(
      Array.from({ length: Math.max(0, end - start) }, (_, i) => String(start + i)),
      `loop counter \`${name}\` from ${start} to ${end - 1}`,
    );
  }

  /**
   * `bus.on('order.placed', (order) => …)`: the listener's parameters take what every
   * `emit('order.placed', …)` in the project passes after the event name.
   */
  private emittedValues(decl: Extract<Declaration, { kind: 'parameter' }>, depth: number): Bound | undefined {
    const event = this.listenedEvent(decl);
    if (event === undefined) return undefined;
    const emits = this.emitsOf(event);
    if (emits.length === 0)
      return unknown(`listener of \`${event}\`, which nothing in the project emits`, decl.name.text);
    this.inProgress.add(decl.node);
    try {
      const bounds = emits.map((call) => {
        const arg = call.arguments[decl.index + 1];
        if (!arg) return finite(['undefined'], 'omitted argument');
        const value = this.valueAt(arg, decl.path, EMPTY_ENV, depth + 1);
        return withStep(value, { ...this.step(call, `emitted as \`${event}\``), call: true });
      });
      const result = union(bounds)!;
      return result.kind === 'finite' ? finite(result.values, `values emitted as \`${event}\``) : result;
    } finally {
      this.inProgress.delete(decl.node);
    }
  }

  /** The `emit(event, …)` calls of the project, grouped by event name once. */
  private emitsOf(event: string): ts.CallExpression[] {
    if (!this.emitsByEvent) {
      this.emitsByEvent = new Map();
      for (const call of this.project.callsByName.get('emit') ?? []) {
        const name =
          ts.isCallExpression(call) && call.arguments[0]
            ? scalarText(this.evaluator.eval(call.arguments[0]))
            : undefined;
        if (name === undefined) continue;
        const list = this.emitsByEvent.get(name) ?? [];
        list.push(call as ts.CallExpression);
        this.emitsByEvent.set(name, list);
      }
    }
    return this.emitsByEvent.get(event) ?? [];
  }

  private emitsByEvent?: Map<string, ts.CallExpression[]>;

  /** The event a listener parameter's function is registered for (`bus.on('placed', (order) => …)`). */
  private listenedEvent(decl: Extract<Declaration, { kind: 'parameter' }>): string | undefined {
    const registration = decl.fn.parent;
    if (
      !registration ||
      !ts.isCallExpression(registration) ||
      registration.arguments[1] !== (decl.fn as unknown as ts.Expression)
    )
      return undefined;
    if (!LISTENER_METHODS.has(propertyName(skipOuter(registration.expression)) ?? '')) return undefined;
    return registration.arguments[0] && scalarText(this.evaluator.eval(registration.arguments[0]));
  }

  /** `STEPS.forEach((step) => …)`: the callback's first parameter takes the array's elements. */
  private iteratedValues(decl: Extract<Declaration, { kind: 'parameter' }>): Bound | undefined {
    const call = decl.fn.parent;
    if (
      decl.index !== 0 ||
      decl.path.length > 0 ||
      !call ||
      !ts.isCallExpression(call) ||
      !ts.isPropertyAccessExpression(call.expression)
    )
      return undefined;
    if (
      !ITERATING_METHODS.has(call.expression.name.text) ||
      call.arguments[0] !== (decl.fn as unknown as ts.Expression)
    )
      return undefined;
    const items = staticStrings(this.evaluator.eval(call.expression.expression));
    return items ? finite(items, `elements of \`${text(call.expression.expression)}\``) : undefined;
  }

  private loopVariable(decl: Extract<Declaration, { kind: 'loop' }>, use: ts.Expression, env: Env): Bound {
    const name = text(use);
    if (ts.isForOfStatement(decl.loop) && decl.path.length === 0) {
      const items = staticStrings(this.evaluator.eval(decl.loop.expression, env));
      if (items) return finite(items, `elements of \`${text(decl.loop.expression)}\``);
    }
    if (ts.isForInStatement(decl.loop)) {
      const obj = this.evaluator.eval(decl.loop.expression, env);
      if (obj.k === 'obj') return finite([...obj.props.keys()], `keys of \`${text(decl.loop.expression)}\``);
    }
    return (
      this.byName(decl.name.text, use) ??
      unknown(`loop variable \`${name}\` over \`${text(decl.loop.expression)}\``, name)
    );
  }

  /** The value of `expr`, or of the property `path` reads from it (a destructured binding). */
  private valueAt(expr: ts.Expression, path: string[], env: Env, depth: number): Bound {
    return path.length === 0 ? this.of(expr, env, depth) : this.pathOf(expr, path, env, depth);
  }

  /** `const { a } = x` and destructured parameters: the property of the bound value. */
  private pathOf(base: ts.Expression, path: string[], env: Env, depth: number): Bound {
    if (depth > MAX_DEPTH) return unknown(TOO_FAR, text(base));
    let e = skipOuter(base);
    for (let i = 0; i < path.length; i++) {
      if (ts.isCallExpression(e)) {
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
        const synthetic = `${text(e)}.${path.slice(i).join('.')}`;
        const root = chain(e);
        if (root)
          return (
            this.classifyChain(this.expandAliases([...root.names, ...path.slice(i)], e), e, synthetic) ??
            unknown(`\`${synthetic}\``, synthetic)
          );
        const base = this.of(e, env, depth + 1);
        if (base.kind === 'unbounded')
          return withStep(base, this.step(e, `\`${path.slice(i).join('.')}\` is read from it`));
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
        return unknown(`no \`${key}\` in \`${text(e)}\``, text(e));
      }
      const value = ts.isPropertyAssignment(prop) ? prop.initializer : (prop as ts.ShorthandPropertyAssignment).name;
      if (i === path.length - 1) return this.of(value, env, depth + 1);
      e = skipOuter(value);
    }
    return this.of(e, env, depth + 1);
  }

  private member(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, env: Env, depth: number): Bound {
    // A constant is a constant, whatever its path looks like (`KIND.message`, `config.host`).
    const constant = scalarText(this.evaluator.eval(e, env));
    if (constant !== undefined) return finite([constant], `constant \`${text(e)}\``);
    const c = chain(e);
    if (c) {
      const classified = this.classifyChain(this.expandAliases(c.names, e), e, text(e));
      if (classified) return classified;
    } else {
      // `req.originalUrl.split('?')[0]`, `new URL(req.url).pathname`: a part of an unbounded value.
      const base = this.of(e.expression, env, depth + 1);
      if (base.kind === 'unbounded') return withStep(base, this.step(e, `\`${text(e)}\` is part of it`));
    }
    // `order.customer` on a parameter: the property of what its callers (or emitters) pass.
    const base = skipOuter(e.expression);
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(base)) {
      const decl = lookup(base.text, base);
      if (decl?.kind === 'parameter' && !REQUEST_ROOTS.has(decl.name.text)) {
        const passed = this.parameter({ ...decl, path: [...decl.path, e.name.text] }, e, env, depth + 1);
        if (passed.kind !== 'unknown') return passed;
      }
      // `const h = { ...request, type: 'http' }; h.path`: the property of the object it was built as.
      if (
        decl?.kind === 'variable' &&
        decl.isConst &&
        decl.node.initializer &&
        ts.isObjectLiteralExpression(skipOuter(decl.node.initializer))
      ) {
        const built = this.pathOf(decl.node.initializer, [...decl.path, e.name.text], env, depth + 1);
        if (built.kind !== 'unknown') return built;
      }
    }
    const name = propertyName(e);
    const evaluated = this.evaluator.eval(e, env);
    const value = scalarText(evaluated);
    if (value !== undefined) return finite([value], `constant \`${text(e)}\``);
    if (name !== undefined) {
      const byName = this.byName(name, e);
      if (byName) return byName;
    }
    if (ts.isElementAccessExpression(e) && !name) {
      // `CODES[anything]` is one of the table's values (or undefined), whatever the key.
      const table = this.evaluator.eval(e.expression, env);
      const values =
        table.k === 'obj' ? staticStrings({ k: 'arr', items: [...table.props.values()] }) : staticStrings(table);
      if (values) return finite([...values, 'undefined'], `values of \`${text(e.expression)}\``);
      const keyBound = this.of(e.argumentExpression, env, depth + 1);
      if (keyBound.kind === 'unbounded') return keyBound;
    }
    return unknown(`\`${text(e)}\` is a property obslint cannot bound`, text(e));
  }

  /**
   * `const { query } = req; query.sort` and `const body = req.body; body.facet`: the access path
   * with local aliases replaced by what they were read from, so request input is still recognised.
   */
  private expandAliases(names: string[], node: ts.Node): string[] {
    let expanded = names;
    for (let i = 0; i < 3; i++) {
      const decl = lookup(expanded[0], node);
      // `app.get('/x', ({ query }, res) => …)`: destructured from the request.
      if (decl?.kind === 'parameter' && decl.index === 0 && decl.path.length > 0 && isRequestHandler(decl.fn))
        return ['req', ...decl.path, ...expanded.slice(1)];
      if (decl?.kind !== 'variable' || !decl.isConst || !decl.node.initializer) return expanded;
      const source = chain(skipOuter(decl.node.initializer));
      if (!source) return expanded;
      expanded = [...source.names, ...decl.path, ...expanded.slice(1)];
    }
    return expanded;
  }

  /** Request, response, error and environment properties recognised by their access path. */
  private classifyChain(names: string[], node: ts.Expression, source: string): Bound | undefined {
    const root = names[0];
    const last = names[names.length - 1];
    // Short names (`c`, `context`, `event`) are a request only as a handler's parameter.
    if (AMBIGUOUS_ROOTS.has(root) && lookup(root, node)?.kind !== 'parameter') return undefined;
    if (root === 'process' && (names[1] === 'env' || PROCESS_CONSTANTS.has(names[1])))
      return boundedPart(`env:${source}`, 1, `\`${source}\` (one value per instance)`);
    if (isRouteTemplate(names)) return this.routeTemplate(node);
    if (
      last === 'operationId' &&
      names.some((n) => n === 'routeSchema' || n === 'schema' || n === 'routeOptions' || n === 'routeConfig')
    )
      return this.routeOperation(node);
    const requestRoot = REQUEST_ROOTS.has(root) || names.includes('req') || names.includes('request');
    if (requestRoot) {
      const inputIndex = names.findIndex((n, i) => i > 0 && REQUEST_INPUT_PROPS.has(n));
      if (inputIndex > 0) {
        return unbounded('request-input', 'request input', source, [this.step(node, `\`${source}\` is request input`)]);
      }
      // `req.method`, `ctx.request.method` (but `req.params.method` is request input, above).
      if (last === 'method' && names.length <= 3)
        return boundedPart('http-method', HTTP_METHODS.length, `HTTP method (${HTTP_METHODS.length})`, {
          domain: [...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toLowerCase())],
        });
      if (RAW_URL_PROPS.has(last)) {
        return unbounded('raw-url', 'raw URL', source, [this.step(node, `\`${source}\` is the raw request URL`)]);
      }
    }
    // `statusCode` is a status code whatever holds it (`reply`, `res`, `err`, `upstream`).
    if (
      last === 'statusCode' ||
      (last === 'status' && (RESPONSE_ROOTS.has(root) || names.includes('res') || names.includes('response')))
    ) {
      return boundedPart('status-code', this.facts.statusCodes, `HTTP status code (${this.facts.statusCodes})`, {
        pattern: '^[1-5][0-9][0-9]$',
      });
    }
    if ((last === 'message' || last === 'stack') && names.length >= 2) {
      return unbounded('error-message', 'an error message', source, [this.step(node, `\`${source}\` is free text`)]);
    }
    return undefined;
  }

  private routeTemplate(node: ts.Node): Bound {
    const routes = this.facts.routeTemplates();
    return this.perRoute(node, 'a matched route template', {
      source: 'route-template',
      count: routes.length,
      reason: `matched route template (${routes.length} route${routes.length === 1 ? '' : 's'} registered)`,
      domain: routes,
    });
  }

  /** fastify `request.routeOptions.schema.operationId`: at most one per registered route. */
  private routeOperation(node: ts.Node): Bound {
    const routes = this.facts.routeRegistrations();
    const part = {
      source: 'route-operation',
      count: routes,
      reason: `route operationId (at most one per registration, ${routes} registration${routes === 1 ? '' : 's'})`,
    };
    return this.perRoute(node, 'a route operationId', part, '1 for routes without one');
  }

  /** A bound counted from the project's route registrations, plus one value for requests none serves. */
  private perRoute(node: ts.Node, what: string, part: BoundPart, unmatched = '1 for requests no route matched'): Bound {
    if (part.count === 0) return unknown(`${what}, but obslint found no route registrations to count`, text(node));
    return bounded([part, { source: 'route-unmatched', count: 1, reason: unmatched, replaceable: true }]);
  }

  private byName(name: string, node: ts.Node): Bound | undefined {
    const category = categoryOfName(name);
    if (!category) return undefined;
    const what = category === 'id' ? 'an id' : category === 'email' ? 'an email address' : 'a timestamp';
    return unbounded(category, what, text(node), [this.step(node, `\`${text(node)}\` is ${what}`)]);
  }

  step(node: ts.Node, message: string): FlowStep {
    return { loc: this.project.location(node), message };
  }
}

const RESPONSE_PARAMS = new Set(['res', 'response', 'reply']);
/** Fixed for the life of a process: one value per instance, like its environment. */
const PROCESS_CONSTANTS = new Set([
  'version',
  'platform',
  'arch',
  'pid',
  'title',
  'execPath',
  'versions',
  'release',
  'argv0',
]);
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

/** A function registered as a route handler or middleware, or shaped like one (`(req, res)`). */
function isRequestHandler(fn: ts.SignatureDeclaration): boolean {
  const second = fn.parameters[1];
  if (second && ts.isIdentifier(second.name) && RESPONSE_PARAMS.has(second.name.text)) return true;
  const parent = fn.parent;
  if (!parent || !ts.isCallExpression(parent)) return false;
  const method = propertyName(parent.expression);
  return method !== undefined && (ROUTE_METHODS.has(method) || method === 'use');
}

const COMPOUND_ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

/** A declaration at the top of a module (`export const CHAIN_ID = networks.acala`). */
function isModuleLevel(node: ts.VariableDeclaration): boolean {
  const statement = node.parent?.parent;
  return statement !== undefined && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

/** Whether a variable is written after its declaration (assignment, `++`/`--`) anywhere in its scope. */
function isReassigned(decl: Extract<Declaration, { kind: 'variable' }>): boolean {
  const list = decl.node.parent;
  return writesInside(list?.parent?.parent ?? decl.node.getSourceFile(), decl);
}

/** Whether anything under `scope` writes the variable (assignment, `++`/`--`). */
function writesInside(scope: ts.Node, decl: Extract<Declaration, { kind: 'variable' }>): boolean {
  const writes = (target: ts.Expression): boolean => {
    const e = skipOuter(target);
    if (ts.isIdentifier(e)) return e.text === decl.name.text && lookup(e.text, e)?.node === decl.node;
    if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) return e.getText().includes(decl.name.text);
    return false;
  };
  let found = false;
  forEachDescendant(scope, (node) => {
    if (found) return false;
    if (ts.isBinaryExpression(node) && COMPOUND_ASSIGNMENTS.has(node.operatorToken.kind) && writes(node.left))
      found = true;
    else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) &&
      writes(node.operand)
    )
      found = true;
  });
  return found;
}

function isRouteTemplate(names: string[]): boolean {
  return ROUTE_TEMPLATE_SUFFIXES.some(
    (suffix) =>
      suffix.length <= names.length - 1 && suffix.every((s, i) => names[names.length - suffix.length + i] === s),
  );
}

/** `a.b.c` (optional chains and `!` included) as names; undefined for anything else. */
export function chain(expr: ts.Expression): { names: string[] } | undefined {
  const names: string[] = [];
  let e: ts.Expression = skipOuter(expr);
  for (;;) {
    if (ts.isPropertyAccessExpression(e)) {
      names.unshift(e.name.text);
      e = skipOuter(e.expression);
    } else if (ts.isElementAccessExpression(e)) {
      names.unshift(ts.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : '[]');
      e = skipOuter(e.expression);
    } else if (ts.isIdentifier(e)) {
      names.unshift(e.text);
      return { names };
    } else if (e.kind === ts.SyntaxKind.ThisKeyword) {
      names.unshift('this');
      return { names };
    } else {
      return undefined;
    }
  }
}

function describeWhole(e: ts.Expression): string {
  return ts.isTemplateExpression(e) ? 'a template string' : 'a concatenation';
}

export function text(node: ts.Node): string {
  const t = node.getText().replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
