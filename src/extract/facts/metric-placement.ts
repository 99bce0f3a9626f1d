import { ts } from 'ts-morph';
import type { MetricDef } from '../../types.js';
import { returnExpressions } from '../syntax/functions.js';
import { ROUTE_METHODS } from '../libraries/web-frameworks.js';
import {
  constInitializer,
  enclosingFunction,
  encloses,
  functionName,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/** Calls whose function argument runs once per request or event. */
const PER_EVENT_REGISTRARS = new Set([...ROUTE_METHODS, 'use', 'route', 'on', 'addListener', 'subscribe']);

const TIMER_CALLS = new Set(['setInterval', 'setTimeout', 'setImmediate']);
/** Callbacks run once per element: like a loop, hot only when every element registers the same name. */
const ITERATION_CALLS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce']);

const HANDLER_PARAMS = /^(req|request|res|response|reply|ctx|context|event|msg|message|job)$/;

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
      if (isMemoised(fn)) return 'module';
      const parent = fn.parent;
      if (parent && ts.isCallExpression(parent) && parent.arguments.includes(fn as unknown as ts.Expression)) {
        const called =
          propertyName(parent.expression) ?? (ts.isIdentifier(parent.expression) ? parent.expression.text : '');
        if (TIMER_CALLS.has(called)) return 'loop';
        if (ITERATION_CALLS.has(called)) {
          if (staticName) return 'loop';
          loop = true;
          continue;
        }
        // `process.on('SIGTERM', …)` runs once; other listeners run per event.
        const receiver = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.expression.getText() : '';
        if (PER_EVENT_REGISTRARS.has(called) && receiver !== 'process') return 'callback';
      }
      if (parent && ts.isPropertyAssignment(parent) && CALLBACK_KEYS.test(propertyKey(parent.name) ?? ''))
        return 'callback';
      if (returnsCreation(fn, node)) return 'factory';
      // An unnamed function taking `(req, res)` or `(ctx)` is a handler; a named one is judged by
      // its callers (`createApis(ctx)` called once at start-up is not), see `handlerByParameters`.
      if (handlerByParameters(fn) && !functionName(fn)) return 'callback';
      return 'function';
    }
  }
  return loop && staticName ? 'loop' : 'module';
}

/** Whether a function's parameters are named like a request or event handler's (`req`, `ctx`, `message`). */
export function handlerByParameters(fn: ts.SignatureDeclaration): boolean {
  return fn.parameters.some((p) => bindingNames(p.name).some((name) => HANDLER_PARAMS.test(name)));
}

/** `new Gauge({ …, registers: [register] })` where every registry is a `new Registry()` of the function around it. */
export function registeredInOwnRegistry(node: ts.Node): boolean {
  if (!ts.isNewExpression(node)) return false;
  const options = node.arguments?.[0] && skipOuter(node.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  const registers = options.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'registers',
  );
  const list = registers && skipOuter(registers.initializer);
  if (!list || !ts.isArrayLiteralExpression(list) || list.elements.length === 0) return false;
  const fn = enclosingFunction(node);
  return (
    fn !== undefined &&
    list.elements.every((element) => {
      const e = skipOuter(element);
      const made = ts.isIdentifier(e) ? constInitializer(e) : undefined;
      return (
        made !== undefined &&
        ts.isNewExpression(made) &&
        /(?:^|\.)Registry$/.test(made.expression.getText()) &&
        encloses(fn, made)
      );
    })
  );
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

/**
 * `if (cached !== undefined) return cached; … cached = metrics; return cached;`: a function that
 * returns what an earlier call stored outside it creates its metrics once.
 */
function isMemoised(fn: ts.SignatureDeclaration): boolean {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body || !ts.isBlock(body)) return false;
  for (const statement of body.statements) {
    if (!ts.isIfStatement(statement)) continue;
    const then = ts.isBlock(statement.thenStatement)
      ? statement.thenStatement.statements.length === 1
        ? statement.thenStatement.statements[0]
        : undefined
      : statement.thenStatement;
    const returned = then && ts.isReturnStatement(then) && then.expression ? skipOuter(then.expression) : undefined;
    if (!returned || !(ts.isIdentifier(returned) || ts.isPropertyAccessExpression(returned))) continue;
    const held = returned.getText();
    if (!statement.expression.getText().includes(held) || declaredInside(returned, fn)) continue;
    if (storesInto(body, held)) return true;
  }
  return false;
}

/** `cached` declared in the function itself: a local, not a cache kept between calls. */
function declaredInside(held: ts.Expression, fn: ts.SignatureDeclaration): boolean {
  if (!ts.isIdentifier(held)) return false;
  const decl = lookup(held.text, held);
  for (let n: ts.Node | undefined = decl?.node; n; n = n.parent) if (n === fn) return true;
  return decl === undefined;
}

function storesInto(body: ts.Block, held: string): boolean {
  let found = false;
  forEachDescendant(body, (node) => {
    if (found || (node !== body && ts.isFunctionLike(node))) return false;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      skipOuter(node.left).getText() === held
    )
      found = true;
  });
  return found;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
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
