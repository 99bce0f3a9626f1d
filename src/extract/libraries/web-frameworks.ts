import { ts } from 'ts-morph';
import type { ProjectIndex } from '../syntax/project-index.js';
import { calledFunction } from '../syntax/functions.js';
import { lookup } from '../syntax/scope.js';
/** Router methods that register a handler for a path (express, koa-router, fastify shorthands). */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);

/**
 * Code Nest runs for a matched route: inside `intercept()` of a `NestInterceptor`, or a function
 * handed Nest's `ExecutionContext` (interceptors' and guards' helpers, `getLabels(context)`).
 * Exception filters, which also see unmatched requests, are handed an `ArgumentsHost`.
 */
export function inMatchedNestRoute(node: ts.Node): boolean {
  if (inNestInterceptor(node)) return true;
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (!ts.isFunctionLike(at)) continue;
    const typed = at.parameters.some(
      (p) =>
        p.type &&
        ts.isTypeReferenceNode(p.type) &&
        ts.isIdentifier(p.type.typeName) &&
        p.type.typeName.text === 'ExecutionContext',
    );
    if (typed) return true;
  }
  return false;
}

/** Inside `intercept()` of a class that implements Nest's `NestInterceptor`. */
function inNestInterceptor(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node; at; at = at.parent) {
    if (!ts.isMethodDeclaration(at) || !ts.isIdentifier(at.name) || at.name.text !== 'intercept') continue;
    const cls = at.parent;
    return (
      ts.isClassDeclaration(cls) &&
      (cls.heritageClauses ?? []).some(
        (h) =>
          h.token === ts.SyntaxKind.ImplementsKeyword &&
          h.types.some((t) => ts.isIdentifier(t.expression) && t.expression.text === 'NestInterceptor'),
      )
    );
  }
  return false;
}

/**
 * A hook a fastify plugin adds to its own instance (`const plugin = async (fastify) => {
 * fastify.addHook('onResponse', …) }`, registered with `app.register(plugin)`) without
 * `fastify-plugin`: fastify encapsulates the plugin, so the hook runs only for the routes the plugin
 * registers, never for a request no route matched (the root's not-found handler answers those).
 */
export function inEncapsulatedFastifyHook(node: ts.Node, project: ProjectIndex): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (!ts.isFunctionLike(at)) continue;
    const call = at.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(at as ts.Expression)) continue;
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'addHook' || !ts.isIdentifier(callee.expression))
      continue;
    const instance = lookup(callee.expression.text, callee.expression);
    if (instance?.kind !== 'parameter' || instance.index !== 0 || instance.path.length > 0) return false;
    const plugin = instance.fn;
    // `fp(plugin)` or `plugin[Symbol.for('skip-override')] = true` lift its hooks to the parent.
    if (/['"]fastify-plugin['"]|['"]skip-override['"]/.test(plugin.getSourceFile().text)) return false;
    return (project.callsByName.get('register') ?? []).some(
      (register) =>
        ts.isCallExpression(register) &&
        register.arguments[0] !== undefined &&
        calledFunction(register.arguments[0], project) === plugin,
    );
  }
  return false;
}
