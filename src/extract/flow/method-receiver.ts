import { ts } from 'ts-morph';
import { declaredType, lookup, skipOuter } from '../syntax/scope.js';
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
  // `private readonly cache: ICache` calling `increment`: only what implements the interface.
  const declared = declaredInterfaceOrClass(receiver, flow);
  if (declared && !implementsDeclared(holder, declared, flow)) return false;
  // A call of a project function stands for the values it returns, listed beside it.
  const origins = flow.origins(receiver).filter((source) => isInjected(source) || !source.expanded);
  if (origins.length === 0 || flow.wasCut()) return true;
  return origins.some((source) => {
    if (isInjected(source) || source.path.length > 0) return true;
    const origin = skipOuter(source.expr);
    if (ts.isObjectLiteralExpression(origin)) return origin === holder;
    // `app.get(DatadogService)`: a container handing out its instance of the method's class.
    if (ts.isCallExpression(origin) && flow.resolvedFromContainer(origin) === holder) return true;
    if (ts.isNewExpression(origin) || ts.isCallExpression(origin) || ts.isIdentifier(origin))
      return libraryPaths(origin, flow).length === 0;
    return !ts.isLiteralExpression(origin) && !ts.isArrayLiteralExpression(origin);
  });
}

/** The object literal or class a method is written in. */
function holderOf(fn: ts.Node): ts.Node | undefined {
  const parent =
    ts.isPropertyAssignment(fn.parent) || ts.isPropertyDeclaration(fn.parent) ? fn.parent.parent : fn.parent;
  return parent && (ts.isObjectLiteralExpression(parent) || ts.isClassLike(parent)) ? parent : undefined;
}

/**
 * The project interface or class a receiver is declared as (`private readonly cache: ICache`, a
 * parameter `(client: PaymentsClient)`), when its declaration says so with a type of the project's.
 */
function declaredInterfaceOrClass(
  receiver: ts.Expression,
  flow: ValueFlow,
): ts.InterfaceDeclaration | ts.ClassDeclaration | undefined {
  const type = declaredType(receiver);
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  let decl = lookup(type.typeName.text, type.typeName);
  if (decl?.kind === 'import') decl = flow.followImport(decl);
  if (decl?.kind === 'class') return decl.node;
  return decl?.kind === 'type' && ts.isInterfaceDeclaration(decl.node) ? decl.node : undefined;
}

/**
 * Whether the object or class holding a method may be of the declared type: the class itself, one
 * that extends or implements it (through the project's classes and interfaces, a few levels; a base
 * obslint cannot resolve may be it), or an object literal declared with it.
 */
function implementsDeclared(
  holder: ts.Node,
  declared: ts.InterfaceDeclaration | ts.ClassDeclaration,
  flow: ValueFlow,
): boolean {
  const name = declared.name?.text;
  if (holder === declared || !name) return true;
  if (!ts.isClassLike(holder)) {
    const variable = holder.parent;
    return (
      ts.isVariableDeclaration(variable) &&
      variable.type !== undefined &&
      ts.isTypeReferenceNode(variable.type) &&
      variable.type.typeName.getText().split('.').pop() === name
    );
  }
  const seen = new Set<ts.Node>();
  const reaches = (node: ts.ClassLikeDeclaration | ts.InterfaceDeclaration, depth: number): boolean => {
    if (seen.has(node)) return false;
    seen.add(node);
    for (const clause of node.heritageClauses ?? [])
      for (const type of clause.types) {
        const expr = skipOuter(type.expression);
        if (expr.getText().split('.').pop() === name) return true;
        if (!ts.isIdentifier(expr) || depth >= HERITAGE_LEVELS) return true;
        let decl = lookup(expr.text, expr);
        if (decl?.kind === 'import') decl = flow.followImport(decl);
        const base =
          decl?.kind === 'class'
            ? decl.node
            : decl?.kind === 'type' && ts.isInterfaceDeclaration(decl.node)
              ? decl.node
              : undefined;
        // A base of an installed package's, or one obslint cannot find: it may be the declared type.
        if (!base || reaches(base, depth + 1)) return true;
      }
    return false;
  };
  return reaches(holder, 0);
}

/** How many bases up (`class Registry implements MetricsRegisterCustom`, `interface MetricsRegisterCustom extends MetricsRegister`) a holder's types are followed. */
const HERITAGE_LEVELS = 4;
