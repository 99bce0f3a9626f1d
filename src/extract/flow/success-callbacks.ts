import { ts } from 'ts-morph';
import { enclosingFunction, lookup, propertyKey, skipOuter } from '../syntax/scope.js';

/** RxJS operators whose function argument runs for each value, never on an error. */
const VALUE_OPERATORS = new Set(['tap', 'map']);

/**
 * Whether code runs only once the request has succeeded: inside the function handed to RxJS's
 * `tap(…)` or `map(…)` (or `tap({ next })`) in a `pipe(…)`, as a NestJS interceptor records a
 * response (`next.handle().pipe(tap(() => histogram.observe({ status: res.statusCode }, …)))`). An
 * error skips those operators, so the status read there is the handler's success status, one per
 * route (200, or the `@HttpCode` it declares), never an error's.
 */
export function runsOnlyOnSuccess(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) continue;
    const operator = operatorCall(fn);
    if (operator) return isPipedRxjsOperator(operator);
  }
  return false;
}

/** The `tap(fn)`/`map(fn)` call a function is the value callback of, directly or as `{ next: fn }`. */
function operatorCall(fn: ts.ArrowFunction | ts.FunctionExpression): ts.CallExpression | undefined {
  let argument: ts.Node = fn;
  let holder: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(holder)) [argument, holder] = [holder, holder.parent];
  if (ts.isPropertyAssignment(holder) && propertyKey(holder.name) === 'next' && holder.initializer === argument) {
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
