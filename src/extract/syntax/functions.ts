import { ts } from 'ts-morph';
import type { ProjectIndex } from './project-index.js';
import {
  dynamicImportSpecifier,
  enclosingClassLike,
  enclosingFunction,
  lookup,
  skipOuter,
  type Declaration,
} from './scope.js';
import { forEachDescendant } from './walk.js';

/** The project function a call's callee names (`f`, an imported `f`, `const f = () => …`). */
export function calledFunction(callee: ts.Expression, project: ProjectIndex): ts.SignatureDeclaration | undefined {
  const e = skipOuter(callee);
  // `(() => { try { return new Histogram(…) } catch { … } })()`: the function called in place.
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword)
    return thisMethod(e, project);
  if (!ts.isIdentifier(e)) return undefined;
  let decl = lookup(e.text, e);
  decl = dynamicallyImported(decl, project) ?? decl;
  if (decl?.kind === 'import') decl = project.followImport(decl);
  if (decl?.kind === 'function') return decl.node;
  if (decl?.kind === 'variable' && decl.node.initializer && decl.path.length === 0) {
    const init = skipOuter(decl.node.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** The project's calls of `fn` by its name (`f(…)`, an imported `f`, `new f(…)`): those whose callee is `fn`. */
export function callsTo(
  fn: ts.SignatureDeclaration,
  name: string,
  project: ProjectIndex,
): (ts.CallExpression | ts.NewExpression)[] {
  return (project.callsByName.get(name) ?? []).filter((call) => calledFunction(call.expression, project) === fn);
}

/**
 * `this.getLabels()`: the method of the class around the call, or of a class it extends. (A subclass
 * may override it: the class the code is written in speaks for the instance, as TypeScript reads it.)
 */
function thisMethod(callee: ts.PropertyAccessExpression, project: ProjectIndex): ts.SignatureDeclaration | undefined {
  for (let cls = enclosingClassLike(callee), hops = 0; cls && hops < 8; cls = project.baseClass(cls), hops++) {
    const found = classFunction(cls, callee.name.text, () => true);
    if (found) return found;
  }
  return undefined;
}

/**
 * The function a class member of that name holds: a method with a body, or a field initialized with
 * an arrow or function expression (`handle = async (ctx) => …`); `accept` picks the members (static ones).
 */
export function classFunction(
  cls: ts.ClassLikeDeclaration,
  name: string,
  accept: (member: ts.ClassElement) => boolean,
): ts.SignatureDeclaration | undefined {
  for (const member of cls.members) {
    if (!member.name || !ts.isIdentifier(member.name) || member.name.text !== name || !accept(member)) continue;
    if (ts.isMethodDeclaration(member) && member.body) return member;
    const init = ts.isPropertyDeclaration(member) && member.initializer && skipOuter(member.initializer);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init;
  }
  return undefined;
}

/**
 * The export a binding takes from a module loaded with `import()` through a loader function
 * (`const load = () => import('./setup.js')`, then `const { setup } = await load()`). A callback of
 * `import(…).then` is the module's import already (see `lookup`).
 */
export function dynamicallyImported(decl: Declaration | undefined, project: ProjectIndex): Declaration | undefined {
  if (decl?.kind !== 'variable' || decl.path.length !== 1 || !decl.node.initializer) return undefined;
  // `skipOuter` looks through the `await`.
  const specifier = dynamicImportSpecifier(decl.node.initializer);
  const file = specifier && project.resolveModule(specifier, decl.node.getSourceFile().fileName);
  return file ? project.findExport(file, decl.path[0]) : undefined;
}

/** A declaration with the imports and re-exports in front of it followed (four hops at most). */
export function followImports(decl: Declaration | undefined, project: ProjectIndex): Declaration | undefined {
  let d = decl;
  for (let hops = 0; d?.kind === 'import' && hops < 4; hops++) d = project.followImport(d);
  return d;
}

/**
 * The function a declaration names: a function, or a variable or an exported value that is an arrow
 * or function expression (`const track = () => …`, `module.exports = { track: (…) => … }`).
 */
export function functionOfDeclaration(decl: Declaration | undefined): ts.SignatureDeclaration | undefined {
  if (decl?.kind === 'function') return decl.node;
  const value = valueOfDeclaration(decl);
  const fn = value && skipOuter(value);
  return fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? fn : undefined;
}

/** What a function can return: its `return` expressions, or an arrow function's expression body. */
export function returnedValues(fn: ts.SignatureDeclaration): readonly ts.Expression[] {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return [];
  return ts.isBlock(body) ? returnExpressions(body) : [body];
}

/** The parameters a function hands back as they are (`return params`): each call returns what it passed there. */
export function returnedParameters(fn: ts.SignatureDeclaration): Extract<Declaration, { kind: 'parameter' }>[] {
  const params: Extract<Declaration, { kind: 'parameter' }>[] = [];
  for (const returned of returnedValues(fn)) {
    const r = skipOuter(returned);
    const decl = ts.isIdentifier(r) ? lookup(r.text, r) : undefined;
    if (decl?.kind !== 'parameter' || decl.fn !== fn || decl.path.length > 0 || decl.node.dotDotDotToken) continue;
    if (!params.some((p) => p.node === decl.node)) params.push(decl);
  }
  return params;
}

/**
 * The parameter a function returns a copy of, entry by entry (`sanitize(data)`: `const result = {};
 * for (const [key, value] of Object.entries(data)) result[key] = clean(value); return result`): a
 * property of what it returns is that property of what the call passes, its value cleaned.
 */
export function copiedParameter(fn: ts.SignatureDeclaration): number | undefined {
  if (!copies.has(fn)) copies.set(fn, copyOf(fn));
  return copies.get(fn);
}

const copies = new WeakMap<ts.SignatureDeclaration, number | undefined>();

function copyOf(fn: ts.SignatureDeclaration): number | undefined {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  const returns = returnedValues(fn).map(skipOuter);
  if (!body || !ts.isBlock(body) || returns.length === 0 || !returns.every(ts.isIdentifier)) return undefined;
  const copy = returns[0].text;
  if (returns.some((r) => r.text !== copy)) return undefined;
  const decl = lookup(copy, returns[0]);
  const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
  if (
    !init ||
    !ts.isObjectLiteralExpression(skipOuter(init)) ||
    (skipOuter(init) as ts.ObjectLiteralExpression).properties.length > 0
  )
    return undefined;
  let index: number | undefined;
  forEachDescendant(body, (node) => {
    if (index !== undefined) return false;
    if (node !== body && ts.isFunctionLike(node)) return false;
    if (!ts.isForOfStatement(node) || !ts.isVariableDeclarationList(node.initializer)) return;
    const binding = node.initializer.declarations[0]?.name;
    const key = binding && ts.isArrayBindingPattern(binding) ? binding.elements[0] : undefined;
    if (!key || !ts.isBindingElement(key) || !ts.isIdentifier(key.name)) return;
    const iterated = skipOuter(node.expression);
    if (
      !ts.isCallExpression(iterated) ||
      !ts.isPropertyAccessExpression(iterated.expression) ||
      iterated.expression.getText() !== 'Object.entries' ||
      !iterated.arguments[0] ||
      !ts.isIdentifier(skipOuter(iterated.arguments[0]))
    )
      return;
    const source = lookup((skipOuter(iterated.arguments[0]) as ts.Identifier).text, iterated);
    if (source?.kind !== 'parameter' || source.fn !== fn || source.path.length > 0) return;
    const keyName = key.name.text;
    let writes = false;
    forEachDescendant(node.statement, (n) => {
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isElementAccessExpression(n.left) &&
        ts.isIdentifier(n.left.expression) &&
        n.left.expression.text === copy &&
        ts.isIdentifier(skipOuter(n.left.argumentExpression)) &&
        (skipOuter(n.left.argumentExpression) as ts.Identifier).text === keyName
      )
        writes = true;
    });
    if (writes) index = source.index;
  });
  return index;
}

/** Each body's `return` expressions, found once: value flow and metric placement ask for them again and again. */
const returnsOf = new WeakMap<ts.Node, readonly ts.Expression[]>();

export function returnExpressions(body: ts.Node): readonly ts.Expression[] {
  const known = returnsOf.get(body);
  if (known) return known;
  const out: ts.Expression[] = [];
  forEachDescendant(body, (node) => {
    if (node !== body && ts.isFunctionLike(node)) return false;
    if (ts.isReturnStatement(node) && node.expression) out.push(node.expression);
  });
  returnsOf.set(body, out);
  return out;
}

/** Whether an object literal has `fn` as a property: by name (`{ labels }`) or written in place (`labels: (l) => …`). */
export function objectLiteralLists(literal: ts.ObjectLiteralExpression, fn: ts.SignatureDeclaration): boolean {
  return literal.properties.some((p) => {
    if (p === fn || (ts.isPropertyAssignment(p) && skipOuter(p.initializer) === fn)) return true;
    const value = heldIdentifier(p);
    return value !== undefined && functionOfDeclaration(lookup(value.text, value)) === fn;
  });
}

/**
 * Whether `fn` is a method of the object literal the function around it returns: a wrapper's
 * `{ counter, labels: (l) => counter.labels(l) }`. Its calls are the calls on what the wrapper returns.
 */
export function methodOfReturnedObject(fn: ts.SignatureDeclaration): boolean {
  const factory = enclosingFunction(fn);
  return (
    factory !== undefined &&
    returnedValues(factory).some((r) => {
      const returned = skipOuter(r);
      return ts.isObjectLiteralExpression(returned) && objectLiteralLists(returned, fn);
    })
  );
}

/** The name an object literal's property holds (`{ increment }`, `{ increment: increment }`). */
export function heldIdentifier(property: ts.ObjectLiteralElement): ts.Identifier | undefined {
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  return ts.isPropertyAssignment(property) && ts.isIdentifier(property.initializer) ? property.initializer : undefined;
}

/** `hit ? HITS : MISSES`: each value a conditional may be, nested ones too (anything else is itself). */
export function conditionalBranches(expr: ts.Expression): ts.Expression[] {
  const e = skipOuter(expr);
  return ts.isConditionalExpression(e)
    ? [...conditionalBranches(e.whenTrue), ...conditionalBranches(e.whenFalse)]
    : [expr];
}

/** The value a declaration holds: a plain variable's initializer, or `export default <value>`. */
export function valueOfDeclaration(decl: Declaration | undefined): ts.Expression | undefined {
  if (decl?.kind === 'variable' && decl.path.length === 0) return decl.node.initializer;
  return decl?.kind === 'expression' ? decl.node : undefined;
}

/** The object literal an expression is, through constants, imports and default exports (a few hops). */
export function objectLiteralHeld(expr: ts.Expression, project: ProjectIndex): ts.ObjectLiteralExpression | undefined {
  const e = heldValue(expr, project);
  return e && ts.isObjectLiteralExpression(e) ? e : undefined;
}

/**
 * The value an expression holds, through constants, imports and default exports (a few hops); the
 * expression itself when it names nothing; undefined where a name holds no value obslint can read.
 */
export function heldValue(expr: ts.Expression, project: ProjectIndex): ts.Expression | undefined {
  let e = skipOuter(expr);
  for (let hops = 0; hops < 4 && ts.isIdentifier(e); hops++) {
    let decl = project.declarationOf(e);
    if (decl?.kind === 'import') decl = project.followImport(decl);
    const next = valueOfDeclaration(decl);
    if (!next) return undefined;
    e = skipOuter(next);
  }
  return e;
}

/** The calls of a function's own parameter in its body (`send(outgoing)`, where `send` is the parameter). */
export function callsOfParameter(fn: ts.SignatureDeclaration, param: ts.ParameterDeclaration): ts.CallExpression[] {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body || !ts.isIdentifier(param.name)) return [];
  const name = param.name.text;
  const calls: ts.CallExpression[] = [];
  forEachDescendant(body, (n) => {
    if (!ts.isCallExpression(n)) return;
    const callee = skipOuter(n.expression);
    if (ts.isIdentifier(callee) && callee.text === name && lookup(name, callee)?.node === param) calls.push(n);
  });
  return calls;
}

/**
 * The classes whose methods a method decorator wraps, for a function it puts in their place
 * (`descriptor.value = function (...args) { … this.prometheus … }` in `function TrackRequest(target,
 * key, descriptor)`): the classes with a method decorated `@TrackRequest`, or `@TrackTask('name')` of
 * a factory returning the decorator.
 */
export function decoratedClasses(
  replacement: ts.SignatureDeclaration,
  project: ProjectIndex,
): ts.ClassLikeDeclaration[] {
  const assigned = replacement.parent;
  if (!ts.isBinaryExpression(assigned) || assigned.right !== replacement) return [];
  const target = skipOuter(assigned.left);
  const descriptor =
    ts.isPropertyAccessExpression(target) && target.name.text === 'value' ? skipOuter(target.expression) : undefined;
  const decl = descriptor && ts.isIdentifier(descriptor) ? lookup(descriptor.text, descriptor) : undefined;
  if (decl?.kind !== 'parameter' || decl.index !== 2 || decl.path.length > 0) return [];
  const decorator = decl.fn;
  // `@TrackRequest`, `@TrackTask('sync')` of a factory returning the decorator, or one composing it
  // with others (`applyDecorators(TrackTask(name), Cron(time))`).
  const isDecorator = (expr: ts.Expression, depth = 0): boolean => {
    const e = skipOuter(expr);
    if (calledFunction(e, project) === decorator) return true;
    if (!ts.isCallExpression(e) || depth > 2) return false;
    const factory = calledFunction(e.expression, project);
    const made = factory ? returnedValues(factory) : [];
    return made.some(
      (r) =>
        calledFunction(r, project) === decorator ||
        isDecorator(r, depth + 1) ||
        (ts.isCallExpression(skipOuter(r)) &&
          (skipOuter(r) as ts.CallExpression).arguments.some((a) => isDecorator(a, depth + 1))),
    );
  };
  return project
    .classes()
    .filter((cls) =>
      cls.members.some(
        (member) =>
          ts.isMethodDeclaration(member) && (ts.getDecorators(member) ?? []).some((d) => isDecorator(d.expression)),
      ),
    );
}
