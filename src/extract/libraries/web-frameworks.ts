import { ts } from 'ts-morph';
/** Router methods that register a handler for a path (express, koa-router, fastify shorthands). */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'head', 'options']);

/** Inside `intercept()` of a class that implements Nest's `NestInterceptor`. */
export function inNestInterceptor(node: ts.Node): boolean {
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
