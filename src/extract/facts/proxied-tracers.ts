import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { skipOuter } from '../syntax/scope.js';
import { calledFunction, returnedValues } from '../syntax/functions.js';
import { isInjected, type ValueFlow } from '../flow/value-flow.js';

/**
 * `appTracer.startActiveSpan(…)` where `appTracer` is a `new Proxy(tracer, { get … })` the project
 * builds (returned by a factory, curried or not: `getAppTracer(name)(callbacks)`): the handler may
 * replace the method, wrapping the span's lifecycle (`finally { span.end() }`), so the call is the
 * project's, not the tracer's.
 */
export function madeByProxy(callee: ts.Expression, flow: ValueFlow, project: ProjectIndex): boolean {
  const e = skipOuter(callee);
  if (!ts.isPropertyAccessExpression(e)) return false;
  return flow
    .origins(e.expression)
    .some((source) => !isInjected(source) && source.path.length === 0 && returnsProxy(source.expr, project, 0));
}

function returnsProxy(expr: ts.Expression, project: ProjectIndex, depth: number): boolean {
  const e = skipOuter(expr);
  if (ts.isNewExpression(e)) return ts.isIdentifier(e.expression) && e.expression.text === 'Proxy';
  if (depth > 3 || !ts.isCallExpression(e)) return false;
  const fn = functionCalled(e.expression, project);
  return fn !== undefined && returnedValues(fn).some((returned) => returnsProxy(returned, project, depth + 1));
}

/** The project function a callee names, or that the call it is returns (`makeTracer(name)(options)`). */
function functionCalled(callee: ts.Expression, project: ProjectIndex): ts.SignatureDeclaration | undefined {
  const named = calledFunction(callee, project);
  if (named) return named;
  const inner = skipOuter(callee);
  const maker = ts.isCallExpression(inner) ? calledFunction(inner.expression, project) : undefined;
  const made = maker && returnedValues(maker).map(skipOuter);
  return made?.find(
    (r): r is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(r) || ts.isFunctionExpression(r),
  );
}
