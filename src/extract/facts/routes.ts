import { ts } from 'ts-morph';
import type { RouteFact } from '../../types.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, propertyName, skipOuter } from '../syntax/scope.js';
import { ROUTE_METHODS } from '../libraries/web-frameworks.js';
import { scalarText, staticStrings, type StaticEvaluator } from '../flow/static-eval.js';

/**
 * Route registrations (express/koa-router `app.get('/x', …)`, `router.route('/x')`,
 * fastify `route({ url })`): the templates a matched-route label can take.
 */
/** Receivers that make requests rather than serve them (`axios.get('/x', config)`). */
const HTTP_CLIENTS =
  /^(axios|http|https|got|ky|fetch|superagent|request|client|api|httpClient|apiClient|agent|instance)$/i;

export function isRouteCall(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  const method = propertyName(callee);
  if (method === undefined || !(method === 'route' || (ROUTE_METHODS.has(method) && call.arguments.length >= 2)))
    return false;
  // Hono `app.route('/api', subApp)` mounts an app: its routes are registered on their own.
  if (method === 'route' && call.arguments.length >= 2 && !isHandler(call.arguments[1])) return false;
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  const receiverName =
    receiver &&
    (ts.isIdentifier(receiver)
      ? receiver.text
      : ts.isPropertyAccessExpression(receiver)
        ? receiver.name.text
        : undefined);
  // A client's `api.get('/x', config)` passes no handler; a server's `api.get('/x', opts, async (req) => …)` does.
  return !(receiverName && HTTP_CLIENTS.test(receiverName)) || isHandler(call.arguments[call.arguments.length - 1]);
}

function isHandler(arg: ts.Expression): boolean {
  const e = skipOuter(arg);
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e);
}

/** The template a route call registers; constants (`app.get(ROUTES.invoice, …)`) are evaluated. */
export function routeOf(
  call: ts.CallExpression,
  project: ProjectIndex,
  evaluator: StaticEvaluator,
): RouteFact | undefined {
  const first = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!first) return undefined;
  const path = (e: ts.Expression): string | undefined => {
    const value = scalarText(evaluator.eval(e));
    return value !== undefined && value.startsWith('/') ? value : undefined;
  };
  if (!ts.isObjectLiteralExpression(first)) {
    // koa-router names a route first: `router.get('order', '/orders/:id', …)`.
    const second = call.arguments[1] && skipOuter(call.arguments[1]);
    const named = path(first) === undefined && second && ts.isStringLiteralLike(first) ? second : undefined;
    const template = path(named ?? first);
    if (template === undefined) return undefined;
    // koa-router's matched route carries the router's prefix: `new Router({ prefix: '/orders' })`.
    const prefix = routerPrefix(call, evaluator);
    return {
      template: prefix ? joinPaths(prefix, template) : template,
      loc: project.location(named ?? first),
      ...methodOf(propertyName(skipOuter(call.expression))),
    };
  }
  // fastify's `route({ method, url })`, restify's `server.get({ name, path }, handler)`.
  const called = propertyName(skipOuter(call.expression));
  if (called !== 'route' && !ROUTE_METHODS.has(called ?? '')) return undefined;
  let route: RouteFact | undefined;
  let method: string | undefined = called === 'route' ? undefined : called;
  for (const prop of first.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const key = propertyKey(prop.name);
    if (key === 'url' || key === 'path') {
      const template = path(prop.initializer);
      if (template !== undefined) route ??= { template, loc: project.location(prop.initializer) };
    }
    // fastify `route({ method: 'GET', … })`; several methods (`['GET', 'HEAD']`) serve any of them.
    if (key === 'method') method = scalarText(evaluator.eval(prop.initializer));
  }
  return route && { ...route, ...methodOf(method) };
}

/** `get` → `{ method: 'GET' }`; nothing for a registration that serves any method (`all`, `use`, `route`). */
function methodOf(name: string | undefined): { method?: string } {
  const method = name?.toUpperCase();
  if (method === undefined || method === 'ALL' || method === 'ROUTE' || method === 'USE') return {};
  return { method: method === 'DEL' ? 'DELETE' : method };
}

/** `prefix` of the `new Router({ prefix })` a route is registered on, if any. */
function routerPrefix(call: ts.CallExpression, evaluator: StaticEvaluator): string {
  const callee = skipOuter(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
  const decl = receiver && ts.isIdentifier(receiver) ? lookup(receiver.text, receiver) : undefined;
  const init =
    decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer
      ? skipOuter(decl.node.initializer)
      : undefined;
  if (!init || !ts.isNewExpression(init) || !/Router$/.test(init.expression.getText())) return '';
  const options = init.arguments?.[0] && skipOuter(init.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return '';
  const prefix = options.properties.find((p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'prefix') as
    ts.PropertyAssignment | undefined;
  return (prefix && scalarText(evaluator.eval(prefix.initializer))) ?? '';
}

const NEST_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head', 'Search']);

/**
 * NestJS routes: `@Controller('orders')` on the class, `@Get(':id')` on each handler; the
 * template is the two joined (`/orders/:id`), which is what `req.route.path` reports.
 */
export function nestRoutes(cls: ts.ClassDeclaration, project: ProjectIndex, evaluator: StaticEvaluator): RouteFact[] {
  const controller = decoratorCall(cls, 'Controller');
  if (!controller) return [];
  const prefixes = decoratorPaths(controller, evaluator);
  const routes: RouteFact[] = [];
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member)) continue;
    for (const decorator of ts.getDecorators(member) ?? []) {
      const call = skipOuter(decorator.expression);
      if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || !NEST_METHODS.has(call.expression.text))
        continue;
      for (const prefix of prefixes) {
        for (const path of decoratorPaths(call, evaluator))
          routes.push({
            template: joinPaths(prefix, path) || '/',
            loc: project.location(decorator),
            ...methodOf(call.expression.text),
          });
      }
    }
  }
  return routes;
}

function decoratorCall(node: ts.HasDecorators, name: string): ts.CallExpression | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = skipOuter(decorator.expression);
    if (ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === name) return call;
  }
  return undefined;
}

/** `('orders')`, `(['a', 'b'])`, `({ path: 'orders' })` or `()`: the paths a Nest decorator names. */
function decoratorPaths(call: ts.CallExpression, evaluator: StaticEvaluator): string[] {
  const arg = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!arg) return [''];
  let value = evaluator.eval(arg);
  if (value.k === 'obj') value = value.props.get('path') ?? { k: 'str', v: '' };
  const many = staticStrings(value);
  return many ?? [scalarText(value) ?? ':unknown'];
}

/** `/api` + `orders/:id` → `/api/orders/:id`, without doubled or trailing slashes. */
function joinPaths(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
