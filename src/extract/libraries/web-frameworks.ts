import { ts } from 'ts-morph';
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
