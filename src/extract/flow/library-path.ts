import { ts } from 'ts-morph';
import { lookup, propertyName, requiredModule, skipOuter } from '../syntax/scope.js';
import { isInjected, type Source, type ValueFlow } from './value-flow.js';
import { declaredTypeNode } from '../syntax/declared-types.js';

/** Where in an installed package a value comes from: `hot-shots` `StatsD () increment`. */
export interface LibraryPath {
  module: string;
  path: string[];
}

const MAX_PATHS = 8;

/** Methods of a client instance that return another client of its kind (hot-shots' `childClient`). */
const SAME_CLIENT_METHODS = new Set(['childClient']);

/**
 * The package paths an expression may denote, followed by value: `client.increment` where
 * `client = new StatsD()` from `hot-shots` is `hot-shots` `StatsD () increment`; `metrics.client`
 * where the caller passed `{ client: promClient }` is `prom-client`. `()` stands for calling or
 * constructing what precedes it; a default import or `require()` is the module object itself.
 */
export function libraryPaths(expr: ts.Expression, flow: ValueFlow, depth = 0): LibraryPath[] {
  if (depth > 4) return [];
  const e = skipOuter(expr);
  const direct = syntacticPath(e, flow, depth);
  if (direct.length > 0) return direct;
  const out: LibraryPath[] = [];
  for (const source of flow.origins(e)) out.push(...pathsOfSource(source, flow, depth));
  // Where the value cannot be followed to a package (a parameter fed from afar), its declared type.
  if (out.length === 0) out.push(...declaredType(e, flow));
  if (out.length === 0) out.push(...libraryCallbackParameter(e, flow, depth));
  return dedupe(out).slice(0, MAX_PATHS);
}

/** Paths a chain of member reads and calls on a library object denotes, without following values. */
function syntacticPath(e: ts.Expression, flow: ValueFlow, depth: number): LibraryPath[] {
  const required = requiredModule(e);
  if (required !== undefined) return [{ module: required, path: [] }];
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'import' && flow.isPackage(decl))
      return [
        { module: decl.module, path: decl.imported === 'default' || decl.imported === '*' ? [] : [decl.imported] },
      ];
    return [];
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) return [];
    const name = propertyName(e);
    if (name === undefined) return [];
    return libraryPaths(e.expression, flow, depth + 1).map((p) => ({ module: p.module, path: [...p.path, name] }));
  }
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    const callee = skipOuter(e.expression);
    // `require('m')` is handled above; `import('m')` is the module too.
    if (ts.isCallExpression(e) && callee.kind === ts.SyntaxKind.ImportKeyword) return [];
    return libraryPaths(callee, flow, depth + 1).map((p) =>
      // `statsd.childClient({ prefix })`: a client like the one it is made from (prefix and tags added).
      SAME_CLIENT_METHODS.has(p.path[p.path.length - 1] ?? '') && p.path[p.path.length - 2] === '()'
        ? { module: p.module, path: p.path.slice(0, -1) }
        : { module: p.module, path: [...p.path, '()'] },
    );
  }
  return [];
}

function pathsOfSource(source: Source, flow: ValueFlow, depth: number): LibraryPath[] {
  if (isInjected(source)) return [];
  const origin = skipOuter(source.expr);
  let base = syntacticPath(origin, flow, depth + 1);
  // A parameter the value was handed from (`setGlobalMetrics(metrics)` in `prepare(metrics: MetricsLogger)`):
  // its declared type, or what the package calling it hands over.
  if (base.length === 0) base = declaredType(origin, flow);
  if (base.length === 0) base = libraryCallbackParameter(origin, flow, depth + 1);
  return base.map((p) => ({ module: p.module, path: [...p.path, ...source.path] }));
}

/**
 * A dependency-injected instance (`constructor(private metrics: MetricService)`) has no value to
 * follow; its declared type names the class it is an instance of.
 */
function declaredType(e: ts.Expression, flow: ValueFlow): LibraryPath[] {
  const typeNode = declaredTypeNode(e, flow);
  if (!typeNode || !ts.isTypeReferenceNode(typeNode) || !ts.isIdentifier(typeNode.typeName)) return [];
  const decl = lookup(typeNode.typeName.text, typeNode);
  if (decl?.kind !== 'import' || !flow.isPackage(decl) || decl.imported === '*') return [];
  return [{ module: decl.module, path: decl.imported === 'default' ? ['()'] : [decl.imported, '()'] }];
}

/**
 * The first parameter of a callback a package function is given (`metricScope((metrics) => …)`): what
 * the package hands its callback, `=>` after the function's path.
 */
function libraryCallbackParameter(e: ts.Expression, flow: ValueFlow, depth: number): LibraryPath[] {
  if (!ts.isIdentifier(e)) return [];
  const decl = lookup(e.text, e);
  if (decl?.kind !== 'parameter' || decl.path.length > 0) return [];
  const fn = decl.node.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== decl.node) return [];
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn) return [];
  return syntacticPath(skipOuter(call.expression), flow, depth + 1).map((p) => ({
    module: p.module,
    path: [...p.path, '=>'],
  }));
}

function dedupe(paths: LibraryPath[]): LibraryPath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = `${p.module}#${p.path.join('.')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
