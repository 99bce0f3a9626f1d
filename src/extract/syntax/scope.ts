import { ts } from 'ts-morph';
import { forEachDescendant } from './walk.js';

/** What an identifier refers to, found lexically (no type checker needed). */
export type Declaration =
  | { kind: 'variable'; node: ts.VariableDeclaration; name: ts.Identifier; path: string[]; isConst: boolean }
  | {
      kind: 'parameter';
      node: ts.ParameterDeclaration;
      fn: ts.SignatureDeclaration;
      index: number;
      name: ts.Identifier;
      path: string[];
    }
  | { kind: 'function'; node: ts.FunctionDeclaration }
  | { kind: 'class'; node: ts.ClassDeclaration }
  | { kind: 'enum'; node: ts.EnumDeclaration }
  | { kind: 'type'; node: ts.TypeAliasDeclaration | ts.InterfaceDeclaration }
  | { kind: 'import'; node: ts.Node; module: string; imported: string; name: ts.Identifier }
  | {
      kind: 'loop';
      node: ts.VariableDeclaration;
      loop: ts.ForOfStatement | ts.ForInStatement;
      name: ts.Identifier;
      path: string[];
    }
  | { kind: 'catch'; node: ts.CatchClause; name: ts.Identifier }
  /** `export default <expr>` and `module.exports = <expr>`: the value itself. */
  | { kind: 'expression'; node: ts.Expression };

/** Finds the declaration of `name` visible from `from`, walking outwards through enclosing scopes. */
export function lookup(name: string, from: ts.Node): Declaration | undefined {
  // An identifier looking up its own name (nearly every lookup): asked again and again by value
  // flow, whose queries revisit the same code, so the walk outwards is done once per identifier.
  const own = ts.isIdentifier(from) && from.text === name;
  if (own) {
    const known = ownDeclarations.get(from);
    if (known !== undefined) return known ?? undefined;
  }
  let found: Declaration | undefined;
  for (let node: ts.Node | undefined = from; node && !found; node = node.parent) found = declaredIn(node, name);
  if (own) ownDeclarations.set(from, found ?? null);
  return found;
}

/** What {@link lookup} found for an identifier's own name; null for nothing. Nobody changes a Declaration. */
const ownDeclarations = new WeakMap<ts.Node, Declaration | null>();

function declaredIn(scope: ts.Node, name: string): Declaration | undefined {
  if (ts.isFunctionLike(scope)) {
    const fn = scope;
    for (let i = 0; i < fn.parameters.length; i++) {
      const param = fn.parameters[i];
      const hit = bindingPath(param.name, name);
      if (!hit) continue;
      const loaded = i === 0 ? loadedModule(fn) : undefined;
      // `import('m').then((sdk) => sdk.start())`: the callback is handed the module's namespace.
      if (loaded !== undefined)
        return { kind: 'import', node: param, module: loaded, imported: hit.path[0] ?? '*', name: hit.id };
      return { kind: 'parameter', node: param, fn, index: i, name: hit.id, path: hit.path };
    }
    if (
      (ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) &&
      scope.name?.text === name &&
      ts.isFunctionDeclaration(scope)
    ) {
      return { kind: 'function', node: scope };
    }
  }
  if (
    ts.isCatchClause(scope) &&
    scope.variableDeclaration &&
    ts.isIdentifier(scope.variableDeclaration.name) &&
    scope.variableDeclaration.name.text === name
  ) {
    return { kind: 'catch', node: scope, name: scope.variableDeclaration.name };
  }
  if ((ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && ts.isVariableDeclarationList(scope.initializer)) {
    for (const decl of scope.initializer.declarations) {
      const hit = bindingPath(decl.name, name);
      if (hit) return { kind: 'loop', node: decl, loop: scope, name: hit.id, path: hit.path };
    }
  }
  if (ts.isForStatement(scope) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
    const found = inVariableList(scope.initializer, name);
    if (found) return found;
  }
  const statements = statementsOf(scope);
  if (!statements) return undefined;
  const at = declaringStatement(scope, statements, name);
  return at === undefined ? undefined : declaredByStatement(statements[at], name);
}

/**
 * Which statement of a scope declares `name` (the first, as in a scan), remembered per scope: a
 * lookup walks every enclosing block, and scanning every statement of a large file on every
 * lookup was a fifth of a run on big projects. The declaration itself is made afresh each time.
 */
const declaringStatements = new WeakMap<ts.Node, Map<string, number | undefined>>();

function declaringStatement(scope: ts.Node, statements: readonly ts.Statement[], name: string): number | undefined {
  let byName = declaringStatements.get(scope);
  if (!byName) declaringStatements.set(scope, (byName = new Map<string, number | undefined>()));
  if (byName.has(name)) return byName.get(name);
  // Only the statements that name it can declare it: each scope's statements are read for names once.
  let named = namingStatements.get(scope);
  if (!named) namingStatements.set(scope, (named = statementsByName(statements)));
  const at = named.get(name)?.find((index) => declaredByStatement(statements[index], name) !== undefined);
  byName.set(name, at);
  return at;
}

const namingStatements = new WeakMap<ts.Node, Map<string, number[]>>();

/**
 * For each name a statement may declare (every identifier `declaredByStatement` may answer for), the
 * indexes of the statements naming it, in order: more than it declares, never less.
 */
function statementsByName(statements: readonly ts.Statement[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  const add = (id: ts.Identifier | undefined, index: number): void => {
    if (!id) return;
    const list = byName.get(id.text);
    if (!list) byName.set(id.text, [index]);
    else if (list[list.length - 1] !== index) list.push(index);
  };
  const addBinding = (binding: ts.BindingName, index: number): void => {
    if (ts.isIdentifier(binding)) add(binding, index);
    else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name, index);
  };
  statements.forEach((statement, index) => {
    if (ts.isVariableStatement(statement))
      for (const decl of statement.declarationList.declarations) addBinding(decl.name, index);
    else if (
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement)
    )
      add(statement.name, index);
    else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const { name, namedBindings } = statement.importClause;
      add(name, index);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) add(namedBindings.name, index);
      else if (namedBindings) for (const element of namedBindings.elements) add(element.name, index);
    }
  });
  return byName;
}

function statementsOf(scope: ts.Node): readonly ts.Statement[] | undefined {
  if (
    ts.isSourceFile(scope) ||
    ts.isBlock(scope) ||
    ts.isModuleBlock(scope) ||
    ts.isCaseClause(scope) ||
    ts.isDefaultClause(scope)
  ) {
    return scope.statements;
  }
  return undefined;
}

export function declaredByStatement(statement: ts.Statement, name: string): Declaration | undefined {
  if (ts.isVariableStatement(statement)) return inVariableList(statement.declarationList, name);
  if (ts.isFunctionDeclaration(statement) && statement.name?.text === name)
    return { kind: 'function', node: implementationOf(statement) };
  if (ts.isClassDeclaration(statement) && statement.name?.text === name) return { kind: 'class', node: statement };
  if (ts.isEnumDeclaration(statement) && statement.name.text === name) return { kind: 'enum', node: statement };
  if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name.text === name) {
    return { kind: 'type', node: statement };
  }
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!clause) return undefined;
    if (clause.name?.text === name)
      return { kind: 'import', node: statement, module, imported: 'default', name: clause.name };
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === name) {
      return { kind: 'import', node: statement, module, imported: '*', name: bindings.name };
    }
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (element.name.text === name) {
          const imported = element.propertyName?.text ?? name;
          return { kind: 'import', node: statement, module, imported, name: element.name };
        }
      }
    }
  }
  if (
    ts.isImportEqualsDeclaration(statement) &&
    statement.name.text === name &&
    ts.isExternalModuleReference(statement.moduleReference)
  ) {
    const ref = statement.moduleReference.expression;
    if (ts.isStringLiteral(ref))
      return { kind: 'import', node: statement, module: ref.text, imported: '*', name: statement.name };
  }
  return undefined;
}

function inVariableList(list: ts.VariableDeclarationList, name: string): Declaration | undefined {
  const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
  for (const decl of list.declarations) {
    const hit = bindingPath(decl.name, name);
    if (!hit) continue;
    const required = requiredModule(decl.initializer);
    if (required !== undefined) {
      // `const x = require('m')` and `const { a: x } = require('m')` are imports.
      return { kind: 'import', node: decl, module: required, imported: hit.path[0] ?? '*', name: hit.id };
    }
    return { kind: 'variable', node: decl, name: hit.id, path: hit.path, isConst };
  }
  return undefined;
}

/** The module `import('m').then(fn)` (or `load().then(fn)`, see {@link dynamicImportSpecifier}) hands the function `fn`. */
function loadedModule(fn: ts.SignatureDeclaration): string | undefined {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn) return undefined;
  const callee = skipOuter(call.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'then'
    ? dynamicImportSpecifier(callee.expression)
    : undefined;
}

/** `import('./setup.js')`, or a call of a local function that is just that (`const load = () => import(…)`): the specifier. */
export function dynamicImportSpecifier(loaded: ts.Expression): string | undefined {
  let e = skipOuter(loaded);
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.arguments.length === 0) {
    const loader = lookup(e.expression.text, e.expression);
    const init = loader?.kind === 'variable' && loader.path.length === 0 ? loader.node.initializer : undefined;
    const fn = init && skipOuter(init);
    if (fn && ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) e = skipOuter(fn.body);
  }
  if (!ts.isCallExpression(e) || e.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
  const specifier = e.arguments[0] && skipOuter(e.arguments[0]);
  return specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
}

/** `require('m')` → 'm'; also `await import('m')`, whose namespace a destructuring reads as `require`'s. */
export function requiredModule(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const inner = skipOuter(expr);
  if (!ts.isCallExpression(inner)) return undefined;
  const arg = inner.arguments[0];
  if (!arg || !ts.isStringLiteralLike(arg)) return undefined;
  if (inner.expression.kind === ts.SyntaxKind.ImportKeyword) return awaited(inner) ? arg.text : undefined;
  return isRequire(inner.expression) ? arg.text : undefined;
}

/** Whether an expression's value is awaited where it stands (`await import('m')`, `(await import('m'))`), not held as a promise. */
function awaited(expr: ts.Expression): boolean {
  let parent = expr.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent))
    parent = parent.parent;
  return ts.isAwaitExpression(parent);
}

/**
 * `require`, or a function `createRequire(…)` made (`const requirePeer = createRequire(__filename)`,
 * how ES modules load CommonJS and optional peers).
 */
function isRequire(callee: ts.Expression): boolean {
  if (!ts.isIdentifier(callee)) return false;
  if (callee.text === 'require') return true;
  if (!makesRequire(callee.getSourceFile())) return false;
  const decl = lookup(callee.text, callee);
  const init = decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 ? decl.node.initializer : undefined;
  const made = init && skipOuter(init);
  return made !== undefined && ts.isCallExpression(made) && /(?:^|\.)createRequire$/.test(made.expression.getText());
}

/** Whether a file names `createRequire` at all: asked for every call of a function by name, read once per file. */
function makesRequire(file: ts.SourceFile): boolean {
  let found = namesCreateRequire.get(file);
  if (found === undefined) namesCreateRequire.set(file, (found = file.text.includes('createRequire')));
  return found;
}

const namesCreateRequire = new WeakMap<ts.SourceFile, boolean>();

/**
 * A path segment for the rest of an object pattern (`const { ttlMs, ...options } = config`): the
 * object without the keys named beside it. Readers that do not know it find no such property.
 */
const REST_SEGMENT = '\u0000rest:';
/** A rest whose content is not known: an array's, or beside a computed key. */
const UNKNOWN_REST_SEGMENT = '\u0000rest';

/** The keys a rest segment leaves out, or undefined for an ordinary property segment. */
export function restSegmentOmits(segment: string): string[] | undefined {
  return segment.startsWith(REST_SEGMENT) ? segment.slice(REST_SEGMENT.length).split(',').filter(Boolean) : undefined;
}

/** Where `name` sits inside a binding name: [] for a plain identifier, ['a','b'] for `{ a: { b: name } }`. */
function bindingPath(binding: ts.BindingName, name: string): { id: ts.Identifier; path: string[] } | undefined {
  if (ts.isIdentifier(binding)) return binding.text === name ? { id: binding, path: [] } : undefined;
  if (ts.isObjectBindingPattern(binding)) {
    for (const element of binding.elements) {
      const inner = bindingPath(element.name, name);
      if (!inner) continue;
      if (element.dotDotDotToken) {
        const named = binding.elements.filter((e) => e !== element).map(bindingKey);
        // A computed key beside the rest: which keys it leaves out is not known.
        const segment = named.includes(undefined) ? UNKNOWN_REST_SEGMENT : REST_SEGMENT + named.join(',');
        return { id: inner.id, path: [segment, ...inner.path] };
      }
      const key = bindingKey(element);
      return key === undefined ? undefined : { id: inner.id, path: [key, ...inner.path] };
    }
  }
  if (ts.isArrayBindingPattern(binding)) {
    for (let i = 0; i < binding.elements.length; i++) {
      const element = binding.elements[i];
      if (ts.isOmittedExpression(element)) continue;
      const inner = bindingPath(element.name, name);
      // `[first, ...others]`: the others are no one element.
      if (inner)
        return { id: inner.id, path: [element.dotDotDotToken ? UNKNOWN_REST_SEGMENT : String(i), ...inner.path] };
    }
  }
  return undefined;
}

/** The property an object pattern's element reads (`a` in `{ a: b }` and in `{ a }`), when it is not computed. */
function bindingKey(element: ts.BindingElement): string | undefined {
  if (element.propertyName)
    return ts.isIdentifier(element.propertyName) || ts.isStringLiteral(element.propertyName)
      ? element.propertyName.text
      : undefined;
  return ts.isIdentifier(element.name) ? element.name.text : undefined;
}

/**
 * The wrappers {@link skipOuter} strips, by kind: it runs on nearly every node the analysis looks
 * at, and six `ts.is…` calls (each a lookup on the large `ts` namespace) per node were a visible
 * share of a run.
 */
const OUTER_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.SatisfiesExpression,
  ts.SyntaxKind.TypeAssertionExpression,
  ts.SyntaxKind.AwaitExpression,
]);

type OuterExpression =
  | ts.ParenthesizedExpression
  | ts.AsExpression
  | ts.NonNullExpression
  | ts.SatisfiesExpression
  | ts.TypeAssertion
  | ts.AwaitExpression;

/** Strips parentheses, type assertions, `!`, `satisfies` and `await`: they never change a value's provenance. */
/**
 * `name = prefix + name;` as a statement of the function's body before `at`: what the parameter
 * holds there (the last such assignment). Assignments inside branches or loops are not followed.
 */
export function parameterReassignedBefore(param: ts.ParameterDeclaration, at: ts.Node): ts.Expression | undefined {
  const fn = param.parent;
  if (!ts.isIdentifier(param.name) || !('body' in fn) || !fn.body || !ts.isBlock(fn.body)) return undefined;
  let value: ts.Expression | undefined;
  for (const statement of fn.body.statements) {
    if (statement.end > at.pos) break;
    if (!ts.isExpressionStatement(statement)) continue;
    const e = statement.expression;
    if (
      ts.isBinaryExpression(e) &&
      e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(e.left) &&
      e.left.text === param.name.text
    )
      value = e.right;
  }
  return value;
}

/** A statement that always leaves the function: `return …`, `throw …` (unless `throwing` is false), or a block ending in one. */
export function leavesFunction(statement: ts.Statement, throwing = true): boolean {
  if (ts.isReturnStatement(statement) || (throwing && ts.isThrowStatement(statement))) return true;
  return (
    ts.isBlock(statement) && statement.statements.length > 0 && leavesFunction(statement.statements.at(-1)!, throwing)
  );
}

/** Whether `inner` is written inside `outer` (positions compare only within one file). */
export function encloses(outer: ts.Node, inner: ts.Node): boolean {
  return outer.getSourceFile() === inner.getSourceFile() && outer.pos <= inner.pos && inner.end <= outer.end;
}

/** A declaration at the top of a module (`export const CHAIN_ID = networks.acala`). */
export function isModuleLevel(node: ts.VariableDeclaration): boolean {
  const statement = node.parent?.parent;
  return statement !== undefined && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

export function skipOuter(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (OUTER_KINDS.has(e.kind)) e = (e as OuterExpression).expression;
  return e;
}

/** What holds an expression once the `await`, parentheses, `as` and `!` around it are left behind. */
export function outerParent(node: ts.Node): ts.Node {
  let n = node.parent;
  while (
    n &&
    (ts.isAwaitExpression(n) || ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n))
  )
    n = n.parent;
  return n;
}

/** The nearest function around a node (arrow functions and methods included). */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** The function whose `this` a node sees: the nearest one around it that is not an arrow function. */
export function thisFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n) && !ts.isArrowFunction(n)) return n;
  return undefined;
}

/** The object a method call is made on (`consumer` of `consumer.run(…)`), if the callee is a member. */
export function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = skipOuter(call.expression);
  return ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : undefined;
}

/**
 * Whether two expressions denote the same object the way a receiver is named: one variable or
 * parameter, one field of one class (`this.consumer`), or the same member of such a start
 * (`this.metrics.logger`).
 */
export function sameReference(a: ts.Expression | undefined, b: ts.Expression | undefined): boolean {
  if (!a || !b) return false;
  if (ts.isIdentifier(a) && ts.isIdentifier(b)) {
    if (a.text !== b.text) return false;
    const declared = lookup(a.text, a);
    return declared !== undefined && declared.node === lookup(b.text, b)?.node;
  }
  if (!ts.isPropertyAccessExpression(a) || !ts.isPropertyAccessExpression(b) || a.name.text !== b.name.text)
    return false;
  const ownerA = skipOuter(a.expression);
  const ownerB = skipOuter(b.expression);
  if (ownerA.kind === ts.SyntaxKind.ThisKeyword && ownerB.kind === ts.SyntaxKind.ThisKeyword)
    return enclosingClassLike(a) !== undefined && enclosingClassLike(a) === enclosingClassLike(b);
  return sameReference(ownerA, ownerB);
}

/** The object literal whose method a node's `this` is in (`module.exports = { getInstance() { this.instance … } }`). */
export function objectLiteralOfThis(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  const fn = thisFunction(node);
  if (!fn) return undefined;
  const member = ts.isFunctionExpression(fn) && ts.isPropertyAssignment(fn.parent) ? fn.parent : fn;
  return (ts.isMethodDeclaration(member) || ts.isPropertyAssignment(member) || ts.isAccessor(member)) &&
    ts.isObjectLiteralExpression(member.parent)
    ? member.parent
    : undefined;
}

/** The nearest class around a node, whatever functions lie between. */
export function enclosingClassLike(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isClassLike(n)) return n;
  return undefined;
}

/** The class `this` refers to at a node: not past a plain function, which has its own `this`. */
export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassLike(n)) return n;
    // `this` inside a plain function does not refer to the class around it.
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined;
  }
  return undefined;
}

/** The name a property is accessed by, for `a.b`, `a?.b`, `a['b']`. */
export function propertyName(expr: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression))
    return expr.argumentExpression.text;
  return undefined;
}

/**
 * A top-level CommonJS export: `module.exports = value` (no member), or `module.exports.member =
 * value` / `exports.member = value`.
 */
export function commonJsExport(statement: ts.Statement): { member?: string; value: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const e = statement.expression;
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  if (e.left.getText() === 'module.exports') return { value: e.right };
  if (!ts.isPropertyAccessExpression(e.left)) return undefined;
  const object = e.left.expression.getText();
  return object === 'exports' || object === 'module.exports' ? { member: e.left.name.text, value: e.right } : undefined;
}

/** Whether a declaration carries a modifier (`export`, `static`, `async`). */
export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** Whether a class member is declared `static`. */
export function isStatic(member: ts.ClassElement): boolean {
  return hasModifier(member, ts.SyntaxKind.StaticKeyword);
}

export function propertyKey(name: ts.PropertyName): string | undefined {
  if (
    ts.isIdentifier(name) ||
    ts.isStringLiteralLike(name) ||
    ts.isNumericLiteral(name) ||
    ts.isPrivateIdentifier(name)
  )
    return name.text;
  return undefined;
}

/** Whether an options literal sets `key` to the literal `true` or `false`. */
export function setTo(
  options: ts.ObjectLiteralExpression,
  key: string,
  value: ts.SyntaxKind.TrueKeyword | ts.SyntaxKind.FalseKeyword,
): boolean {
  return options.properties.some(
    (p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === key && skipOuter(p.initializer).kind === value,
  );
}

/** The expression at `path` inside object literals (`{ value: { version } }`, ['value']), if written there. */
export function literalProperty(expr: ts.Expression, path: readonly string[]): ts.Expression | undefined {
  let e = expr;
  for (const key of path) {
    if (!ts.isObjectLiteralExpression(e)) return undefined;
    const prop = e.properties.find(
      (p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyKey(p.name) === key,
    );
    if (!prop) return undefined;
    e = skipOuter(ts.isPropertyAssignment(prop) ? prop.initializer : (prop as ts.ShorthandPropertyAssignment).name);
  }
  return e;
}

/** Name of a function for messages and for call-site matching. */
export function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (ts.isConstructorDeclaration(fn)) return fn.parent.name?.text;
  if (
    (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) &&
    fn.name &&
    ts.isIdentifier(fn.name)
  ) {
    return fn.name.text;
  }
  // `#recordIngest(kind, mode)`, called as `this.#recordIngest('traces', 'worker')`.
  if (ts.isMethodDeclaration(fn) && ts.isPrivateIdentifier(fn.name)) return fn.name.text;
  const parent = namingParent(fn);
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent)) return propertyKey(parent.name);
  if (parent && ts.isPropertyDeclaration(parent)) return propertyKey(parent.name);
  const hook = assignedHook(fn);
  if (hook) return hook.name.text;
  return undefined;
}

/**
 * The node a function is stored in: its parent, or past `Object.assign(fn, { … })`, which attaches
 * properties to the function and hands it back (`histogram = Object.assign((name) => …, { buckets })`).
 */
export function namingParent(fn: ts.SignatureDeclaration): ts.Node {
  const parent = fn.parent;
  return ts.isCallExpression(parent) &&
    parent.arguments[0] === fn &&
    ts.isPropertyAccessExpression(parent.expression) &&
    parent.expression.name.text === 'assign' &&
    ts.isIdentifier(parent.expression.expression) &&
    parent.expression.expression.text === 'Object'
    ? parent.parent
    : parent;
}

/**
 * `dispatcher.onDone = (event) => …`: a function stored in a property, called as a method by that
 * name (`this.onDone?.(event)`).
 */
export function assignedHook(fn: ts.SignatureDeclaration): ts.PropertyAccessExpression | undefined {
  let node: ts.Node = fn;
  while (node.parent && ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (
    !parent ||
    !ts.isBinaryExpression(parent) ||
    parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
    parent.right !== node ||
    !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))
  )
    return undefined;
  const target = skipOuter(parent.left);
  return ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.name) ? target : undefined;
}

/**
 * Every `this.<member> = value` in a class (constructors, methods, initialisers), in source order;
 * a nested class has its own `this`. `visit` returns true to stop.
 */
export function forEachThisAssignment(
  cls: ts.ClassLikeDeclaration,
  member: string,
  visit: (value: ts.Expression) => unknown,
): void {
  for (const value of thisAssignments(cls).get(member) ?? []) if (visit(value) === true) return;
}

/**
 * The function a pre-class constructor's `this` belongs to, where `this` is used outside a class:
 * `function Prometheus(config) { this.client = client }` itself, or the constructor a method is
 * assigned to (`Prometheus.prototype.registerMetrics = function () { … this … }`). Arrow functions
 * keep the `this` around them.
 */
export function constructorFunctionOf(node: ts.Node): ts.FunctionDeclaration | undefined {
  const fn = thisFunction(node);
  if (!fn || ts.isClassLike(fn.parent)) return undefined;
  if (ts.isFunctionDeclaration(fn)) return fn.name ? fn : undefined;
  if (!ts.isFunctionExpression(fn)) return undefined;
  // `X.prototype.name = function () { … }`
  const assignment = fn.parent;
  if (!ts.isBinaryExpression(assignment) || assignment.right !== fn) return undefined;
  const owner = prototypeOwner(assignment.left);
  const decl = owner ? lookup(owner.text, owner) : undefined;
  return decl?.kind === 'function' && ts.isFunctionDeclaration(decl.node) ? decl.node : undefined;
}

/** `X` of `X.prototype.name`, the target a pre-class method is assigned to. */
function prototypeOwner(target: ts.Expression): ts.Identifier | undefined {
  const member = skipOuter(target);
  const prototype = ts.isPropertyAccessExpression(member) ? skipOuter(member.expression) : undefined;
  if (!prototype || !ts.isPropertyAccessExpression(prototype) || prototype.name.text !== 'prototype') return undefined;
  const owner = skipOuter(prototype.expression);
  return ts.isIdentifier(owner) ? owner : undefined;
}

/**
 * `this.<member> = value` in a constructor function's body and in the methods its file assigns to
 * its prototype (`P.prototype.register = function () { this.counter = … }`), as a class's members.
 */
export function constructorFunctionAssignments(fn: ts.FunctionDeclaration, member: string): ts.Expression[] {
  let byMember = constructorAssignments.get(fn);
  if (!byMember) constructorAssignments.set(fn, (byMember = assignmentsOfConstructor(fn)));
  return byMember.get(member) ?? [];
}

/** Per constructor function, its `this` assignments by member: one walk, however many reads ask. */
const constructorAssignments = new WeakMap<ts.FunctionDeclaration, Map<string, ts.Expression[]>>();

function assignmentsOfConstructor(fn: ts.FunctionDeclaration): Map<string, ts.Expression[]> {
  const found = new Map<string, ts.Expression[]>();
  const name = fn.name?.text;
  const bodies: ts.Node[] = fn.body ? [fn.body] : [];
  for (const statement of fn.getSourceFile().statements) {
    const assigned = ts.isExpressionStatement(statement) ? skipOuter(statement.expression) : undefined;
    if (!assigned || !ts.isBinaryExpression(assigned) || !ts.isFunctionExpression(assigned.right)) continue;
    if (prototypeOwner(assigned.left)?.text === name && assigned.right.body) bodies.push(assigned.right.body);
  }
  for (const body of bodies)
    forEachDescendant(body, (node) => {
      if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) return false;
      recordThisAssignment(node, found);
      return undefined;
    });
  return found;
}

/** `this.<member> = value`: the value, kept under its member. */
function recordThisAssignment(node: ts.Node, found: Map<string, ts.Expression[]>): void {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
  const left = skipOuter(node.left);
  if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
  let values = found.get(left.name.text);
  if (!values) found.set(left.name.text, (values = []));
  values.push(node.right);
}

/**
 * Every `this.<member> = value` of a class by member, in source order: asked per class and member
 * from several analyses, and walking the whole class each time was a visible share of a run.
 */
const thisAssignmentsByClass = new WeakMap<ts.ClassLikeDeclaration, Map<string, ts.Expression[]>>();

function thisAssignments(cls: ts.ClassLikeDeclaration): Map<string, ts.Expression[]> {
  let byMember = thisAssignmentsByClass.get(cls);
  if (byMember) return byMember;
  const found = new Map<string, ts.Expression[]>();
  for (const element of cls.members) {
    forEachDescendant(element, (node) => {
      if (node !== element && ts.isClassLike(node)) return false;
      recordThisAssignment(node, found);
      return undefined;
    });
  }
  thisAssignmentsByClass.set(cls, (byMember = found));
  return byMember;
}

/** An overload signature's implementation (`function f(a: string): T; function f(a) { … }`): the one with a body. */
function implementationOf(fn: ts.FunctionDeclaration): ts.FunctionDeclaration {
  if (fn.body || !fn.name) return fn;
  const siblings: readonly ts.Statement[] = 'statements' in fn.parent ? (fn.parent as ts.Block).statements : [];
  for (const s of siblings)
    if (ts.isFunctionDeclaration(s) && s.body !== undefined && s.name?.text === fn.name.text) return s;
  return fn;
}

/** The type annotation of a field, parameter property, parameter or variable a receiver names. */
export function declaredType(expr: ts.Expression, hops = 0): ts.TypeNode | undefined {
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if ((decl?.kind !== 'variable' && decl?.kind !== 'parameter') || decl.path.length > 0) return undefined;
    return decl.node.type ?? (decl.node.initializer && assertedType(decl.node.initializer));
  }
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  return fieldHolders(e).find((holder) => holder.type)?.type ?? (hops < 3 ? getterType(e, hops) : undefined);
}

/**
 * `this.client` where the class has `get client() { …; return this._client; }`: the getter's return
 * type, or the type of the field it hands out (`private _client?: Stan`).
 */
function getterType(e: ts.PropertyAccessExpression, hops: number): ts.TypeNode | undefined {
  if (skipOuter(e.expression).kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const getter = enclosingClassLike(e)?.members.find(
    (m): m is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(m) && propertyKey(m.name) === e.name.text,
  );
  if (!getter?.body || getter.type) return getter?.type;
  let handed: ts.Expression | undefined;
  forEachDescendant(getter.body, (n) => {
    if (handed || (n !== getter.body && ts.isFunctionLike(n))) return false;
    if (ts.isReturnStatement(n) && n.expression) {
      const returned = skipOuter(n.expression);
      if (ts.isPropertyAccessExpression(returned) && returned.name.text !== e.name.text) handed = returned;
    }
    return undefined;
  });
  return handed && declaredType(handed, hops + 1);
}

/** `queues.get(name) as unknown as Queue`: the type an initializer is asserted to have (not `unknown` or `any`). */
function assertedType(initializer: ts.Expression): ts.TypeNode | undefined {
  let e = initializer;
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
  if (!ts.isAsExpression(e) && !ts.isTypeAssertionExpression(e)) return undefined;
  const kind = e.type.kind;
  return kind === ts.SyntaxKind.UnknownKeyword || kind === ts.SyntaxKind.AnyKeyword ? undefined : e.type;
}

/**
 * What declares the field `this.x` names in its class: a property declaration, or a constructor
 * parameter property (`constructor(private readonly x: X)`), where its type and decorators are.
 */
export function fieldHolders(e: ts.PropertyAccessExpression): (ts.PropertyDeclaration | ts.ParameterDeclaration)[] {
  if (skipOuter(e.expression).kind !== ts.SyntaxKind.ThisKeyword) return [];
  const field = e.name.text;
  return (enclosingClassLike(e)?.members ?? []).flatMap((m): (ts.PropertyDeclaration | ts.ParameterDeclaration)[] =>
    ts.isPropertyDeclaration(m) && propertyKey(m.name) === field
      ? [m]
      : ts.isConstructorDeclaration(m)
        ? m.parameters.filter(
            (p) => ts.isIdentifier(p.name) && p.name.text === field && (ts.getModifiers(p)?.length ?? 0) > 0,
          )
        : [],
  );
}

const NOTHING = new Set([ts.SyntaxKind.UndefinedKeyword, ts.SyntaxKind.NullKeyword]);

/** The import a receiver's declared type names (`Stan` from `node-nats-streaming`), if it is one. */
export function importedType(receiver: ts.Expression): { module: string; imported: string } | undefined {
  let type = declaredType(receiver);
  // `private _client: Stan | undefined`: the client once it is set.
  if (type && ts.isUnionTypeNode(type)) {
    const defined = type.types.filter((t) => !NOTHING.has(ts.isLiteralTypeNode(t) ? t.literal.kind : t.kind));
    type = defined.length === 1 ? defined[0] : undefined;
  }
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const decl = lookup(type.typeName.text, type.typeName);
  return decl?.kind === 'import' ? decl : undefined;
}

/** `StatsD | undefined`, `StatsD | null`: the type itself. */
export function withoutUndefined(type: ts.TypeNode): ts.TypeNode {
  if (!ts.isUnionTypeNode(type)) return type;
  const defined = type.types.filter(
    (t) =>
      t.kind !== ts.SyntaxKind.UndefinedKeyword &&
      !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
  );
  return defined.length === 1 ? defined[0] : type;
}

/** The initializer of a `const` the identifier names, in its own file (not a destructured one). */
export function constInitializer(id: ts.Identifier): ts.Expression | undefined {
  const decl = lookup(id.text, id);
  return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
    ? skipOuter(decl.node.initializer)
    : undefined;
}

/** The assignment operators that give a variable a value of their own: `=`, `??=`, `||=`. */
const VALUE_ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
]);

/** The assignments under `scope` to the variable or parameter `declaration` names: `x = …`, `x ??= …`, `x ||= …`. */
export function assignmentsIn(scope: ts.Node, name: string, declaration: ts.Node): ts.BinaryExpression[] {
  const found: ts.BinaryExpression[] = [];
  forEachDescendant(scope, (node) => {
    if (!ts.isBinaryExpression(node) || !VALUE_ASSIGNMENTS.has(node.operatorToken.kind)) return;
    const left = skipOuter(node.left);
    if (ts.isIdentifier(left) && left.text === name && lookup(left.text, left)?.node === declaration) found.push(node);
  });
  return found;
}

/**
 * The object literals a call is handed, written in place or held by the variable passed
 * (`new Worker(name, fn, workerOptions)` with `const workerOptions = { … }`).
 */
export function objectArguments(call: ts.CallExpression | ts.NewExpression): ts.ObjectLiteralExpression[] {
  return (call.arguments ?? []).flatMap((arg) => {
    let options = skipOuter(arg);
    if (ts.isIdentifier(options)) {
      const decl = lookup(options.text, options);
      const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
      if (init) options = skipOuter(init);
    }
    return ts.isObjectLiteralExpression(options) ? [options] : [];
  });
}

/**
 * Whether an object literal names one of `keys` (`{ socketPath }`, `{ telemetry: … }`), itself or in
 * an object it spreads that a variable holds (`{ connection, ...defaultQueueOptions }`).
 */
export function namesKey(object: ts.ObjectLiteralExpression, keys: ReadonlySet<string>, depth = 0): boolean {
  return object.properties.some((p) => {
    if (p.name !== undefined) return keys.has(propertyKey(p.name) ?? '');
    if (!ts.isSpreadAssignment(p) || depth >= 2) return false;
    const spread = skipOuter(p.expression);
    const decl = ts.isIdentifier(spread) ? lookup(spread.text, spread) : undefined;
    const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
    const held = init && skipOuter(init);
    return held !== undefined && ts.isObjectLiteralExpression(held) && namesKey(held, keys, depth + 1);
  });
}
