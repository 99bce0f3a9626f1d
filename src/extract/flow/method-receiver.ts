import { ts } from 'ts-morph';
import { lookup, propertyName, skipOuter } from '../syntax/scope.js';
import { libraryPaths } from './library-path.js';
import { isInjected, type ValueFlow } from './value-flow.js';

/**
 * Whether a call matched to a project method by its name alone (`x.publish(channel, '')` for
 * `ChannelManager.publish`) may be a call on the object that holds the method. It is not when
 * every value obslint follows the receiver to is something else: an object of an installed package
 * (`redis.createClient()` returning `new Redis()`), another object literal. A receiver it cannot
 * follow may be the holder.
 */
export function mayBeCalledOn(call: ts.CallExpression | ts.NewExpression, fn: ts.Node, flow: ValueFlow): boolean {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return true;
  const receiver = skipOuter(callee.expression);
  if (receiver.kind === ts.SyntaxKind.ThisKeyword) return true;
  const holder = holderOf(fn);
  if (!holder) return true;
  // A call of a project function stands for the values it returns, listed beside it.
  const origins = flow.origins(receiver).filter((source) => isInjected(source) || !source.expanded);
  if (origins.length === 0 || flow.wasCut()) return true;
  return origins.some((source) => {
    if (isInjected(source) || source.path.length > 0) return true;
    const origin = skipOuter(source.expr);
    if (ts.isObjectLiteralExpression(origin)) return origin === holder;
    if (ts.isCallExpression(origin) && resolvesClass(origin, holder, flow)) return true;
    if (ts.isNewExpression(origin) || ts.isCallExpression(origin) || ts.isIdentifier(origin))
      return libraryPaths(origin, flow).length === 0;
    return !ts.isLiteralExpression(origin) && !ts.isArrayLiteralExpression(origin);
  });
}

/**
 * `app.get(DatadogService)`, `moduleRef.resolve(DatadogService)`: a dependency-injection container
 * handing out the instance of the class it is given, the method's own.
 */
function resolvesClass(call: ts.CallExpression, holder: ts.Node, flow: ValueFlow): boolean {
  const method = propertyName(skipOuter(call.expression));
  const [token] = call.arguments;
  if ((method !== 'get' && method !== 'resolve') || !token || !ts.isIdentifier(skipOuter(token))) return false;
  const id = skipOuter(token) as ts.Identifier;
  let decl = lookup(id.text, id);
  if (decl?.kind === 'import') decl = flow.followImport(decl);
  return decl?.kind === 'class' && decl.node === holder;
}

/** The object literal or class a method is written in. */
function holderOf(fn: ts.Node): ts.Node | undefined {
  const parent =
    ts.isPropertyAssignment(fn.parent) || ts.isPropertyDeclaration(fn.parent) ? fn.parent.parent : fn.parent;
  return parent && (ts.isObjectLiteralExpression(parent) || ts.isClassLike(parent)) ? parent : undefined;
}
