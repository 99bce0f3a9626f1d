import { ts } from 'ts-morph';
import { enclosingFunction, lookup, propertyKey, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/** RxJS operators whose function argument runs for each value, never on an error. */
const VALUE_OPERATORS = new Set(['tap', 'map']);
/** `tap({ next, error })`: both run before Nest's exception filter writes an error's status. */
const OBSERVER_CALLBACKS = new Set(['next', 'error']);

/**
 * Whether a status read there is still the handler's success status: code inside the function
 * handed to RxJS's `tap(…)` or `map(…)` (or `tap({ next })`) in a `pipe(…)`, as a NestJS
 * interceptor records a response (`next.handle().pipe(tap(() => histogram.observe({ status:
 * res.statusCode }, …)))`), which an error skips, or inside `tap({ error })`, which runs before
 * Nest's exception filter writes the error's status; or in a local function only such callbacks
 * call (`const stop = (errored) => …` in `tap({ next: () => stop(false), error: () => stop(true) })`).
 * The status read is one per route (200, or the `@HttpCode` it declares), never an error's.
 */
export function runsOnlyOnSuccess(node: ts.Node, depth = 0): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn) && !ts.isFunctionDeclaration(fn)) continue;
    const operator = ts.isFunctionDeclaration(fn) ? undefined : operatorCall(fn);
    if (operator) return isPipedRxjsOperator(operator);
    const calls = depth < 3 ? localCalls(fn) : undefined;
    if (calls) return calls.every((call) => runsOnlyOnSuccess(call, depth + 1));
  }
  return false;
}

/**
 * The calls of a function named in its block (`const stop = () => …`, `function stop() {}`), when
 * every use of its name there is a call; undefined otherwise (handed on, exported, or never called).
 */
function localCalls(fn: ts.SignatureDeclaration): ts.CallExpression[] | undefined {
  const declared = ts.isFunctionDeclaration(fn)
    ? fn
    : ts.isVariableDeclaration(fn.parent) && fn.parent.initializer === fn
      ? fn.parent
      : undefined;
  const name = declared?.name;
  const block = declared && (ts.isFunctionDeclaration(declared) ? declared.parent : declared.parent.parent?.parent);
  if (!name || !ts.isIdentifier(name) || !block || ts.isSourceFile(block)) return undefined;
  const calls: ts.CallExpression[] = [];
  let other = false;
  forEachDescendant(block, (n) => {
    if (other) return false;
    if (!ts.isIdentifier(n) || n === name || n.text !== name.text || lookup(n.text, n)?.node !== declared) return;
    if (ts.isCallExpression(n.parent) && n.parent.expression === n) calls.push(n.parent);
    else other = true;
  });
  return !other && calls.length > 0 ? calls : undefined;
}

/** The `tap(fn)`/`map(fn)` call a function is the value callback of, directly or as `{ next: fn }`. */
function operatorCall(fn: ts.ArrowFunction | ts.FunctionExpression): ts.CallExpression | undefined {
  let argument: ts.Node = fn;
  let holder: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(holder)) [argument, holder] = [holder, holder.parent];
  if (
    ts.isPropertyAssignment(holder) &&
    OBSERVER_CALLBACKS.has(propertyKey(holder.name) ?? '') &&
    holder.initializer === argument
  ) {
    const observer = holder.parent;
    if (!ts.isObjectLiteralExpression(observer) || !ts.isCallExpression(observer.parent)) return undefined;
    const call = observer.parent;
    return call.arguments[0] === observer && operatorName(call) === 'tap' ? call : undefined;
  }
  if (!ts.isCallExpression(holder) || holder.arguments[0] !== argument) return undefined;
  const name = operatorName(holder);
  return name !== undefined && VALUE_OPERATORS.has(name) ? holder : undefined;
}

function operatorName(call: ts.CallExpression): string | undefined {
  const callee = skipOuter(call.expression);
  return ts.isIdentifier(callee) ? callee.text : undefined;
}

/** An operator imported from RxJS and handed to a `pipe(…)`. */
function isPipedRxjsOperator(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression) as ts.Identifier;
  const decl = lookup(callee.text, callee);
  if (decl?.kind !== 'import' || !/^rxjs(?:\/|$)/.test(decl.module)) return false;
  const pipe = call.parent;
  return (
    ts.isCallExpression(pipe) &&
    pipe.arguments.some((a) => a === call) &&
    /(?:^|\.)pipe$/.test(pipe.expression.getText())
  );
}
