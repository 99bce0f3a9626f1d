import { ts } from 'ts-morph';
import type { RouteFact } from '../types.js';
import type { ProjectIndex } from './project.js';
import { propertyKey, propertyName, skipOuter } from './scope.js';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);

/**
 * Route registrations (express/koa-router `app.get('/x', …)`, `router.route('/x')`,
 * fastify `route({ url })`): the templates a matched-route label can take.
 */
export function routeOf(call: ts.CallExpression, project: ProjectIndex): RouteFact | undefined {
  const callee = skipOuter(call.expression);
  const method = propertyName(callee);
  if (!method || !ts.isPropertyAccessExpression(callee)) return undefined;
  const first = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!first) return undefined;
  if ((HTTP_METHODS.has(method) && call.arguments.length >= 2) || method === 'route') {
    if (ts.isStringLiteralLike(first) && first.text.startsWith('/')) return { template: first.text, loc: project.location(first) };
  }
  if (method === 'route' && ts.isObjectLiteralExpression(first)) {
    for (const prop of first.properties) {
      if (ts.isPropertyAssignment(prop) && (propertyKey(prop.name) === 'url' || propertyKey(prop.name) === 'path')) {
        const value = skipOuter(prop.initializer);
        if (ts.isStringLiteralLike(value)) return { template: value.text, loc: project.location(value) };
      }
    }
  }
  return undefined;
}
