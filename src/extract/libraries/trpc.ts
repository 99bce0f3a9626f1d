import { ts } from 'ts-morph';
import type { Declaration } from '../syntax/scope.js';
import type { ProjectIndex } from '../syntax/project-index.js';

/** What a tRPC middleware's options hand over: the procedure's path, and its type. */
export type TrpcInput = { input: 'path'; procedures: number } | { input: 'type' };

/** Methods that take a middleware: `t.middleware(fn)`, `procedure.use(fn)`, `middleware.unstable_pipe(fn)`. */
const MIDDLEWARE_METHODS = new Set(['middleware', 'use', 'unstable_pipe']);
/** How a procedure ends its builder chain. */
const PROCEDURE_KINDS = ['query', 'mutation', 'subscription'];

/**
 * `t.middleware(async ({ path, type, next }) => …)` in a module of tRPC's server: `path` is the
 * called procedure's path, one of the router's procedures (counted where the project ends a
 * builder chain on something named a procedure: `publicProcedure.input(…).query(…)`), and `type`
 * is `query`, `mutation` or `subscription`.
 */
export function trpcMiddlewareInput(
  decl: Extract<Declaration, { kind: 'parameter' }>,
  project: ProjectIndex,
): TrpcInput | undefined {
  if (decl.index !== 0 || decl.path.length !== 1 || (decl.path[0] !== 'path' && decl.path[0] !== 'type'))
    return undefined;
  const call = decl.fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== decl.fn) return undefined;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !MIDDLEWARE_METHODS.has(callee.name.text)) return undefined;
  const text = decl.fn.getSourceFile().text;
  if (!text.includes('@trpc/server') && !text.includes('initTRPC')) return undefined;
  if (decl.path[0] === 'type') return { input: 'type' };
  const procedures = PROCEDURE_KINDS.flatMap((kind) => project.callsByName.get(kind) ?? []).filter(
    (c) =>
      ts.isCallExpression(c) && ts.isPropertyAccessExpression(c.expression) && endsAProcedure(c.expression.expression),
  ).length;
  return { input: 'path', procedures };
}

/** Whether a builder chain starts at something named a procedure (`publicProcedure`, `t.procedure`, `authed.procedure`). */
function endsAProcedure(chain: ts.Expression): boolean {
  for (let e: ts.Expression = chain; ;) {
    if (ts.isIdentifier(e)) return /procedure$/i.test(e.text);
    if (ts.isPropertyAccessExpression(e)) {
      if (/procedure$/i.test(e.name.text)) return true;
      e = e.expression;
    } else if (ts.isCallExpression(e)) e = e.expression;
    else return false;
  }
}
