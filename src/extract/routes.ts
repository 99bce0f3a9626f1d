import { ts } from 'ts-morph';
import type { RouteFact } from '../types.js';
import type { ProjectIndex } from './project.js';
import { propertyKey, propertyName, skipOuter } from './scope.js';
import { scalarText, type StaticEvaluator } from './static-eval.js';

/** Router methods that register a handler for a path (express, koa-router, fastify shorthands). */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);

/**
 * Route registrations (express/koa-router `app.get('/x', …)`, `router.route('/x')`,
 * fastify `route({ url })`): the templates a matched-route label can take.
 */
/** Receivers that make requests rather than serve them (`axios.get('/x', config)`). */
const HTTP_CLIENTS = /^(axios|http|https|got|ky|fetch|superagent|request|client|api|httpClient|apiClient|agent|instance)$/i;

export function isRouteCall(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  const method = propertyName(callee);
  if (method === undefined || !(method === 'route' || (ROUTE_METHODS.has(method) && call.arguments.length >= 2))) return false;
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  const receiverName = receiver && (ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined);
  return !(receiverName && HTTP_CLIENTS.test(receiverName));
}

/** The template a route call registers; constants (`app.get(ROUTES.invoice, …)`) are evaluated. */
export function routeOf(call: ts.CallExpression, project: ProjectIndex, evaluator: StaticEvaluator): RouteFact | undefined {
  const first = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!first) return undefined;
  const path = (e: ts.Expression): string | undefined => {
    const value = scalarText(evaluator.eval(e));
    return value !== undefined && value.startsWith('/') ? value : undefined;
  };
  if (!ts.isObjectLiteralExpression(first)) {
    const template = path(first);
    return template === undefined ? undefined : { template, loc: project.location(first) };
  }
  if (propertyName(skipOuter(call.expression)) !== 'route') return undefined;
  for (const prop of first.properties) {
    if (ts.isPropertyAssignment(prop) && (propertyKey(prop.name) === 'url' || propertyKey(prop.name) === 'path')) {
      const template = path(prop.initializer);
      if (template !== undefined) return { template, loc: project.location(prop.initializer) };
    }
  }
  return undefined;
}
