import { ts } from 'ts-morph';
import { forEachThisAssignment, lookup, propertyKey, skipOuter } from './scope.js';
import { forEachDescendant } from './walk.js';

/** Array methods whose callback's first parameter is each element. */
export const ARRAY_ITERATORS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'findLast']);

/** Array methods whose result holds (some of) the receiver's elements. */
/** Methods of strings and arrays, which a helper an installed package exports is never called. */
export const STRING_AND_ARRAY_METHODS = new Set([
  'replace',
  'replaceAll',
  'split',
  'concat',
  'slice',
  'substring',
  'includes',
  'startsWith',
  'endsWith',
  'indexOf',
  'match',
  'trim',
  'toLowerCase',
  'toUpperCase',
  'padStart',
  'padEnd',
  'join',
  'push',
  'at',
  ...ARRAY_ITERATORS,
]);

export const ELEMENT_KEEPING = new Set(['filter', 'slice', 'sort', 'reverse', 'toSorted', 'toReversed']);

/**
 * The built-in collections whose methods share their names with project methods (`add`, `set`,
 * `get`, `has`, `delete`, `push`): `seen.add(id)` on a `Set` does not call a project class's `add`.
 */
const BUILTIN_COLLECTIONS = new Set([
  'Array',
  'ReadonlyArray',
  'Set',
  'ReadonlySet',
  'WeakSet',
  'Map',
  'ReadonlyMap',
  'WeakMap',
]);

/**
 * Whether syntax alone says the receiver is a built-in collection: an array literal or `new Set()`
 * itself, or a variable, parameter or `this` field declared with such a type or created so wherever
 * it is assigned. Anything else (a subclass of `Map`, a value of unknown type) may be a project object.
 */
export function isBuiltinCollection(receiver: ts.Expression): boolean {
  const e = skipOuter(receiver);
  if (ts.isArrayLiteralExpression(e) || isCollectionCreation(e)) return true;
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'variable' && decl.path.length === 0)
      return declaresCollection(decl.node.type, decl.node.initializer);
    if (decl?.kind === 'parameter' && decl.path.length === 0) return declaresCollection(decl.node.type, undefined);
    return false;
  }
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = classOfThis(e);
    return cls !== undefined && fieldIsCollection(cls, e.name.text);
  }
  return false;
}

function fieldIsCollection(cls: ts.ClassLikeDeclaration, name: string): boolean {
  for (const member of cls.members) {
    if (ts.isPropertyDeclaration(member) && propertyKey(member.name) === name)
      return declaresCollection(member.type, member.initializer);
    if (ts.isConstructorDeclaration(member))
      for (const param of member.parameters)
        if (ts.isIdentifier(param.name) && param.name.text === name && ts.getModifiers(param)?.length)
          return declaresCollection(param.type, undefined);
  }
  // A JavaScript class: a field it only ever creates as a collection (`this.pending = new Map()`).
  let assigned = 0;
  let collections = 0;
  forEachThisAssignment(cls, name, (value) => {
    assigned++;
    if (isCollectionCreation(skipOuter(value)) || ts.isArrayLiteralExpression(skipOuter(value))) collections++;
  });
  return assigned > 0 && collections === assigned;
}

function declaresCollection(type: ts.TypeNode | undefined, initializer: ts.Expression | undefined): boolean {
  const value = initializer && skipOuter(initializer);
  // `seen: Map<string, number> = new CountingMap()`: a subclass may override the method.
  if (value && ts.isNewExpression(value) && !isCollectionCreation(value)) return false;
  if (type) return isCollectionType(type);
  return value !== undefined && (ts.isArrayLiteralExpression(value) || isCollectionCreation(value));
}

function isCollectionType(type: ts.TypeNode): boolean {
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type)) return true;
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword)
    return isCollectionType(type.type);
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && isBuiltinName(type.typeName);
}

function isCollectionCreation(e: ts.Expression): boolean {
  return ts.isNewExpression(e) && ts.isIdentifier(e.expression) && isBuiltinName(e.expression);
}

/** `Map` the global, not a project class or an import that happens to be called `Map`. */
function isBuiltinName(name: ts.Identifier): boolean {
  return BUILTIN_COLLECTIONS.has(name.text) && lookup(name.text, name) === undefined;
}

/** The class `this` is an instance of where it is read: the nearest enclosing non-arrow function's class. */
function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let at: ts.Node | undefined = node.parent;
  while (at && !(ts.isFunctionLike(at) && !ts.isArrowFunction(at)) && !ts.isClassLike(at)) at = at.parent;
  if (!at) return undefined;
  if (ts.isClassLike(at)) return at;
  return ts.isClassLike(at.parent) ? at.parent : undefined;
}

/** What a Proxy handler may define: the engine calls these, project code never does by name. */
const PROXY_TRAPS = new Set([
  'apply',
  'construct',
  'get',
  'set',
  'has',
  'deleteProperty',
  'defineProperty',
  'getOwnPropertyDescriptor',
  'getPrototypeOf',
  'setPrototypeOf',
  'isExtensible',
  'preventExtensions',
  'ownKeys',
]);

/**
 * `new Proxy(handler, { apply(target, thisArg, args) {…} })`, or a handler object in a variable
 * that is handed to `new Proxy`: each `fn.apply(thisArg, args)` in the project is
 * `Function.prototype.apply`, not a call of this trap.
 */
export function isProxyTrap(fn: ts.SignatureDeclaration): boolean {
  const entry = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
  if (!entry || !ts.isObjectLiteralExpression(entry.parent)) return false;
  const key = propertyKey(entry.name);
  if (key === undefined || !PROXY_TRAPS.has(key)) return false;
  const handler = outermost(entry.parent);
  if (isProxyHandlerArgument(handler)) return true;
  const holder = handler.parent;
  if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return false;
  let known = handlerVariables.get(holder);
  if (known === undefined) handlerVariables.set(holder, (known = handedToProxy(holder, holder.name.text)));
  return known;
}

const handlerVariables = new WeakMap<ts.VariableDeclaration, boolean>();

function handedToProxy(holder: ts.VariableDeclaration, name: string): boolean {
  let found = false;
  forEachDescendant(holder.getSourceFile(), (node) => {
    if (found) return false;
    if (ts.isIdentifier(node) && node.text === name && isProxyHandlerArgument(outermost(node))) {
      const decl = lookup(name, node);
      found = decl?.kind === 'variable' && decl.node === holder;
    }
    return undefined;
  });
  return found;
}

function isProxyHandlerArgument(node: ts.Expression): boolean {
  const call = node.parent;
  if (!(ts.isNewExpression(call) || ts.isCallExpression(call)) || call.arguments?.[1] !== node) return false;
  const callee = skipOuter(call.expression);
  return ts.isNewExpression(call)
    ? ts.isIdentifier(callee) && callee.text === 'Proxy'
    : ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'revocable' &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'Proxy';
}

/** The expression a value is the value of, through parentheses, type assertions and `!`. */
export function outermost(node: ts.Expression): ts.Expression {
  let at: ts.Expression = node;
  while (
    ts.isParenthesizedExpression(at.parent) ||
    ts.isAsExpression(at.parent) ||
    ts.isSatisfiesExpression(at.parent) ||
    ts.isTypeAssertionExpression(at.parent) ||
    ts.isNonNullExpression(at.parent)
  )
    at = at.parent;
  return at;
}
