import { ts } from 'ts-morph';
import type { Bound } from '../../types.js';
import { finite } from '../../model/bounds.js';
import {
  constInitializer,
  encloses,
  lookup,
  objectLiteralOfThis,
  propertyKey,
  propertyName,
  skipOuter,
} from '../syntax/scope.js';
import { text } from './sources.js';
import { forEachDescendant } from '../syntax/walk.js';
import { functionOfDeclaration } from '../syntax/functions.js';
import {
  EMPTY_ENV,
  scalarText,
  staticStrings,
  truthiness,
  type Env,
  type Static,
  type StaticEvaluator,
} from './static-eval.js';

/**
 * `if ([PREPARE, FX_PREPARE].includes(action)) … action`, `if (kind === 'a' || kind === 'b')`,
 * `case 'a': case 'b': … kind`, `ALLOWED.includes(kind) ? kind : 'other'`, `if (kind in TABLE)`, and past
 * `if (!ALLOWED.includes(kind)) return;`: inside the branch, the value is one the check lets through.
 */
export function narrowed(e: ts.Expression, evaluator: StaticEvaluator, env: Env): Bound | undefined {
  const subject = e.getText();
  for (
    let child: ts.Node = e, n = e.parent;
    n && (!ts.isFunctionLike(n) || closesOver(n, e));
    child = n, n = n.parent
  ) {
    const narrowing = branchValues(n, child, subject, evaluator, env);
    if (narrowing) return finite([...new Set(narrowing.values)].sort(), `narrowed by \`${text(narrowing.by)}\``);
  }
  return undefined;
}

/**
 * A callback made where a `const` it reads is already checked (`if (!schemas[entity]) return;`, then
 * `bb.on('close', () => counter.inc({ entity }))`): the check holds inside it, as the value cannot change.
 */
function closesOver(fn: ts.Node, e: ts.Expression): boolean {
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  return decl?.kind === 'variable' && decl.isConst && !encloses(fn, decl.node);
}

/**
 * What a check on a parameter (or on one of its properties: `switch (event.type)`) lets through to
 * a use, keyed by the checked expression's path from the parameter.
 */
export interface ParameterGuard {
  index: number;
  /** Property names from the parameter to the checked value: `[]` for the parameter itself. */
  path: readonly string[];
  values: ReadonlySet<string>;
}
export type ParameterGuards = ReadonlyMap<string, ParameterGuard>;

/**
 * `if (system === 'vm.query') { … func … }`, `switch (event.type) { case 'rate_limit': … }`: the
 * values the function's parameters (or their properties) must have for `use` to run. A caller
 * passing `'redis'` as `system`, or `{ type: 'csrf' }` as `event`, never reaches it.
 */
export function parameterGuards(
  use: ts.Node,
  fn: ts.SignatureDeclaration,
  evaluator: StaticEvaluator,
): ParameterGuards {
  const guards = new Map<string, ParameterGuard>();
  const subjects = fn.parameters.flatMap((param, index) =>
    ts.isIdentifier(param.name) ? [{ subject: param.name.text, index, path: [] }] : [],
  );
  // Destructured names and properties (`event.type`) are looked for only where a check's text names
  // them: most uses sit in no branch, and a function reads many.
  let parts: GuardSubject[] | undefined;
  const narrow = (n: ts.Node, child: ts.Node, { subject, index, path }: GuardSubject): void => {
    const values = branchValues(n, child, subject, evaluator, EMPTY_ENV)?.values;
    if (!values) return;
    const key = [index, ...path].join('.');
    const before = guards.get(key)?.values;
    guards.set(key, { index, path, values: new Set(before ? values.filter((v) => before.has(v)) : values) });
  };
  for (let child: ts.Node = use, n = use.parent; n && n !== fn; child = n, n = n.parent) {
    for (const subject of subjects) narrow(n, child, subject);
    const check = checkText(n, child);
    if (check === undefined) continue;
    parts ??= fn.parameters.flatMap((param, index) => partSubjects(param, index));
    for (const subject of parts) if (check.includes(subject.subject)) narrow(n, child, subject);
  }
  return guards;
}

interface GuardSubject {
  subject: string;
  index: number;
  path: string[];
}

/** The text of what may check a value where `child` runs under `n`: a condition, a switch's subject, the statements before. */
function checkText(n: ts.Node, child: ts.Node): string | undefined {
  if (ts.isIfStatement(n) && n.thenStatement === child) return n.expression.getText();
  if (ts.isConditionalExpression(n) && n.whenTrue === child) return n.condition.getText();
  if (ts.isCaseClause(n)) return n.parent.parent.expression.getText();
  if ((ts.isBlock(n) || ts.isSourceFile(n)) && ts.isStatement(child) && n.statements[0] !== child)
    return n.getSourceFile().text.slice(n.statements[0].getStart(), child.getStart());
  return undefined;
}

/** The names a parameter destructures (`{ type, resource }`), or its properties the function checks (`event.type`). */
function partSubjects(param: ts.ParameterDeclaration, index: number): GuardSubject[] {
  if (ts.isIdentifier(param.name)) {
    const name = param.name.text;
    return checkedProperties(param).map((property) => ({ subject: `${name}.${property}`, index, path: [property] }));
  }
  if (!ts.isObjectBindingPattern(param.name)) return [];
  return param.name.elements.flatMap((element) => {
    if (!ts.isIdentifier(element.name) || element.dotDotDotToken) return [];
    const key = element.propertyName ? propertyKey(element.propertyName) : element.name.text;
    return key !== undefined ? [{ subject: element.name.text, index, path: [key] }] : [];
  });
}

const propertiesChecked = new WeakMap<ts.ParameterDeclaration, string[]>();

/**
 * The properties of its parameter a function checks (`switch (event.type)`, `event.kind === 'x'`,
 * `KINDS.includes(event.kind)`, `event.kind in TABLE`): the only ones a branch can be guarded by.
 */
function checkedProperties(param: ts.ParameterDeclaration): string[] {
  const known = propertiesChecked.get(param);
  if (known) return known;
  const name = (param.name as ts.Identifier).text;
  const properties = new Set<string>();
  const fn = param.parent;
  if ('body' in fn && fn.body)
    forEachDescendant(fn.body, (n) => {
      if (!ts.isPropertyAccessExpression(n) || !ts.isIdentifier(n.expression) || n.expression.text !== name) return;
      let at: ts.Node = n;
      while (ts.isParenthesizedExpression(at.parent) || ts.isNonNullExpression(at.parent)) at = at.parent;
      const parent = at.parent;
      const checked =
        (ts.isSwitchStatement(parent) && parent.expression === at) ||
        (ts.isBinaryExpression(parent) && CHECKS.has(parent.operatorToken.kind)) ||
        (ts.isCallExpression(parent) && parent.arguments.includes(at as ts.Expression));
      if (checked) properties.add(n.name.text);
    });
  const found = [...properties].sort();
  propertiesChecked.set(param, found);
  return found;
}

const CHECKS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InKeyword,
]);

/** Whether a call's constant arguments let it past the checks `guards` holds (see `parameterGuards`). */
export function passesGuards(
  call: ts.CallExpression | ts.NewExpression,
  fn: ts.SignatureDeclaration,
  guards: ParameterGuards,
  evaluator: StaticEvaluator,
): boolean {
  for (const { index, path, values } of guards.values()) {
    const arg = call.arguments?.[index] ?? fn.parameters[index]?.initializer;
    const passed = arg ? passedTexts(arg, path, evaluator) : path.length === 0 ? ['undefined'] : undefined;
    if (passed && !passed.some((value) => values.has(value))) return false;
  }
  return true;
}

/**
 * The constants a call may pass at `path`: `{ type: 'csrf' }` passes `'csrf'` at `['type']`,
 * `{ type: ok ? GRANTED : DENIED }` one of two. Undefined when it may pass anything.
 */
function passedTexts(arg: ts.Expression, path: readonly string[], evaluator: StaticEvaluator): string[] | undefined {
  const e = skipOuter(arg);
  if (ts.isConditionalExpression(e)) {
    const either = [passedTexts(e.whenTrue, path, evaluator), passedTexts(e.whenFalse, path, evaluator)];
    return either[0] && either[1] ? [...either[0], ...either[1]] : undefined;
  }
  if (path.length > 0 && ts.isObjectLiteralExpression(e) && !e.properties.some(ts.isSpreadAssignment)) {
    const property = e.properties.find((p) => p.name && propertyKey(p.name) === path[0]);
    if (!property) return ['undefined'];
    if (ts.isPropertyAssignment(property)) return passedTexts(property.initializer, path.slice(1), evaluator);
    if (ts.isShorthandPropertyAssignment(property)) return passedTexts(property.name, path.slice(1), evaluator);
    return undefined;
  }
  const value = passedText(evaluator.eval(e), path);
  return value === undefined ? undefined : [value];
}

/** The constant at `path` in a passed value: `{ type: 'csrf', … }` holds `'csrf'` at `['type']`. */
function passedText(value: Static, path: readonly string[]): string | undefined {
  let v = value;
  for (const key of path) {
    if (v.k !== 'obj' || v.openSpread || v.spreadParam !== undefined) return undefined;
    const next = v.props.get(key);
    if (!next) return 'undefined';
    v = next;
  }
  return scalarText(v);
}

/**
 * The values `subject` may have where `child` runs under `n` (a branch, a case, a block past an
 * early exit), when the check (`by`) names them.
 */
function branchValues(
  n: ts.Node,
  child: ts.Node,
  subject: string,
  evaluator: StaticEvaluator,
  env: Env,
): { values: string[]; by: ts.Node } | undefined {
  const checked = (check: ts.Expression): { values: string[]; by: ts.Node } | undefined => {
    const values = allowedBy(check, subject, evaluator, env);
    return values && { values, by: check };
  };
  if (ts.isIfStatement(n) && n.thenStatement === child) return checked(n.expression);
  // `ALLOWED.includes(kind) ? kind : 'other'`
  if (ts.isConditionalExpression(n) && n.whenTrue === child) return checked(n.condition);
  // `if (!ALLOWED.includes(kind)) return; … kind`: past an early exit, the check held.
  if ((ts.isBlock(n) || ts.isSourceFile(n)) && ts.isStatement(child)) {
    const statements: readonly ts.Statement[] = n.statements;
    for (const before of statements.slice(0, statements.indexOf(child)).reverse()) {
      const held = exitUnless(before)
        .map(checked)
        .find((narrowing) => narrowing !== undefined);
      const narrowing = held ?? passedThroughGuard(before, subject, evaluator);
      if (narrowing) return narrowing;
    }
  }
  if (ts.isCaseClause(n) && skipOuter(n.parent.parent.expression).getText() === subject) {
    // Empty clauses before this one fall through into it.
    const clauses = n.parent.clauses;
    const cases: ts.CaseClause[] = [];
    for (let i = clauses.indexOf(n); i >= 0; i--) {
      const clause = clauses[i];
      if (!ts.isCaseClause(clause) || (i !== clauses.indexOf(n) && clause.statements.length > 0)) break;
      cases.push(clause);
    }
    const literals = cases.map((c) => scalarText(evaluator.eval(c.expression, env)));
    if (literals.every((l) => l !== undefined)) return { values: literals, by: n };
  }
  return undefined;
}

/** The values a condition lets `subject` through with, when it names them all. */
function allowedBy(
  condition: ts.Expression,
  subject: string,
  evaluator: StaticEvaluator,
  env: Env,
): string[] | undefined {
  const c = skipOuter(condition);
  // `const isSendMetric = 'auth' === data.type || 'getLock' === data.type; if (isSendMetric) …`
  if (ts.isIdentifier(c)) {
    const decl = lookup(c.text, c);
    return decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer
      ? allowedBy(decl.node.initializer, subject, evaluator, env)
      : undefined;
  }
  if (ts.isBinaryExpression(c)) {
    const op = c.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) {
      const left = allowedBy(c.left, subject, evaluator, env);
      const right = left && allowedBy(c.right, subject, evaluator, env);
      return left && right ? [...left, ...right] : undefined;
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken)
      return allowedBy(c.left, subject, evaluator, env) ?? allowedBy(c.right, subject, evaluator, env);
    // `if (type in GETTERS)`: the keys of a constant table.
    if (op === ts.SyntaxKind.InKeyword)
      return skipOuter(c.left).getText() === subject ? tableKeys(c.right, evaluator, env) : undefined;
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken) {
      const other =
        skipOuter(c.left).getText() === subject
          ? c.right
          : skipOuter(c.right).getText() === subject
            ? c.left
            : undefined;
      const value = other && scalarText(evaluator.eval(other, env));
      return value === undefined ? undefined : [value];
    }
    return undefined;
  }
  // `SUPPORTED_FORMATS[format] ? format : 'invalid'`: a key of a constant table whose value is truthy.
  if (ts.isElementAccessExpression(c) && skipOuter(c.argumentExpression).getText() === subject) {
    const table = constantTable(literalMember(c.expression) ?? c.expression, evaluator, env);
    return table && [...table].filter(([, value]) => truthiness(value) !== false).map(([key]) => key);
  }
  // `[A, B].includes(subject)`, `ALLOWED.includes(subject)`, `ALLOWED.has(subject)` of a `new Set([…])`.
  const method = ts.isCallExpression(c) ? propertyName(c.expression) : undefined;
  // `GETTERS.hasOwnProperty(type)`, `Object.hasOwn(GETTERS, type)`: the keys of a constant table.
  if (ts.isCallExpression(c) && ts.isPropertyAccessExpression(skipOuter(c.expression))) {
    const receiver = (skipOuter(c.expression) as ts.PropertyAccessExpression).expression;
    const [first, second] = c.arguments;
    if (method === 'hasOwnProperty' && first && skipOuter(first).getText() === subject)
      return tableKeys(receiver, evaluator, env);
    if (method === 'hasOwn' && receiver.getText() === 'Object' && second && skipOuter(second).getText() === subject)
      return tableKeys(first, evaluator, env);
  }
  if (
    ts.isCallExpression(c) &&
    (method === 'includes' || method === 'has') &&
    ts.isPropertyAccessExpression(skipOuter(c.expression)) &&
    c.arguments[0] &&
    skipOuter(c.arguments[0]).getText() === subject
  ) {
    const list = (skipOuter(c.expression) as ts.PropertyAccessExpression).expression;
    const elements = method === 'has' ? setElements(list, env) : undefined;
    return staticStrings(evaluator.eval(elements?.expr ?? list, elements?.env ?? env));
  }
  return undefined;
}

/**
 * The entries of a constant table: an object obslint can evaluate, or one of the tables a table of
 * tables holds under a key it cannot (`HTTP_PATHS[version]`: the entries of every version's table).
 */
function constantTable(table: ts.Expression, evaluator: StaticEvaluator, env: Env): Map<string, Static> | undefined {
  const value = evaluator.eval(table, env);
  if (value.k === 'obj') return value.spreadParam === undefined ? value.props : undefined;
  const e = skipOuter(table);
  if (!ts.isElementAccessExpression(e)) return undefined;
  const outer = evaluator.eval(e.expression, env);
  if (outer.k !== 'obj' || outer.spreadParam !== undefined) return undefined;
  const inner = [...outer.props.values()];
  if (inner.length === 0 || inner.some((v) => v.k !== 'obj' || v.spreadParam !== undefined)) return undefined;
  return new Map(inner.flatMap((v) => (v.k === 'obj' ? [...v.props] : [])));
}

/** The keys of an object obslint can evaluate (`const GETTERS = { yt: …, vi: … }`). */
export function tableKeys(table: ts.Expression, evaluator: StaticEvaluator, env: Env): string[] | undefined {
  const target = literalMember(table) ?? table;
  const value = evaluator.eval(target, env);
  if (value?.k === 'obj') return [...value.props.keys()];
  // `const pathMap = HTTP_PATHS[version]`, a table a constant table holds: the keys of any of them.
  const named = skipOuter(target);
  const inner = constantTable((ts.isIdentifier(named) && constInitializer(named)) || target, evaluator, env);
  return inner ? [...inner.keys()] : undefined;
}

/** `this.Getters` in a method of an object literal (`module.exports = { Getters, get() { … } }`): that property's value. */
function literalMember(e: ts.Expression): ts.Expression | undefined {
  const member = skipOuter(e);
  if (!ts.isPropertyAccessExpression(member) || skipOuter(member.expression).kind !== ts.SyntaxKind.ThisKeyword)
    return undefined;
  for (const prop of objectLiteralOfThis(member)?.properties ?? []) {
    if (!prop.name || propertyKey(prop.name) !== member.name.text) continue;
    if (ts.isPropertyAssignment(prop)) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
  }
  return undefined;
}

/** The array a `Set` was built from (`const ALLOWED = new Set(['a', 'b'])`), when it is that direct. */
function setElements(set: ts.Expression, env: Env, depth = 0): { expr: ts.Expression; env: Env } | undefined {
  let e = skipOuter(set);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    // `normalize(value, allowed)` called with `SEC_FETCH_MODE_VALUES`: the set this call passes.
    if (decl?.kind === 'parameter' && decl.path.length === 0) {
      const bound = env.get(decl.node);
      return bound?.arg && depth < 3 ? setElements(bound.arg, bound.env, depth + 1) : undefined;
    }
    if (decl?.kind !== 'variable' || !decl.isConst || decl.path.length > 0 || !decl.node.initializer) return undefined;
    e = skipOuter(decl.node.initializer);
  }
  const elements =
    ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Set'
      ? e.arguments?.[0]
      : undefined;
  return elements && { expr: elements, env };
}

/**
 * `await processEvent(type, payload)` (or `const result = …`) where `processEvent` returns only from
 * branches that check `type` (`if (type === 'event') { … return … }`) and throws at its end: past
 * the call, `type` is one of the values it handles.
 */
function passedThroughGuard(
  statement: ts.Statement,
  subject: string,
  evaluator: StaticEvaluator,
): { values: string[]; by: ts.Node } | undefined {
  const called = ts.isExpressionStatement(statement)
    ? statement.expression
    : ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1
      ? statement.declarationList.declarations[0].initializer
      : undefined;
  const call = called && skipOuter(called);
  if (!call || !ts.isCallExpression(call)) return undefined;
  const index = call.arguments.findIndex((a) => skipOuter(a).getText() === subject);
  const fn = index >= 0 ? localFunction(call.expression) : undefined;
  const param = fn?.parameters[index];
  const body = fn && (fn as ts.FunctionLikeDeclaration).body;
  if (!param || !ts.isIdentifier(param.name) || !body || !ts.isBlock(body)) return undefined;
  if (!ts.isThrowStatement(body.statements[body.statements.length - 1] ?? body)) return undefined;
  const name = param.name.text;
  const values: string[] = [];
  let guarded = true;
  forEachDescendant(body, (n) => {
    if (!guarded || (n !== body && ts.isFunctionLike(n))) return false;
    // A parameter the function reassigns is no longer what the caller passed.
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && n.left.getText() === name)
      guarded = false;
    if (!ts.isReturnStatement(n)) return;
    let allowed: string[] | undefined;
    for (let child: ts.Node = n, p = n.parent; p !== body && !allowed; child = p, p = p.parent)
      if (ts.isIfStatement(p) && p.thenStatement === child)
        allowed = allowedBy(p.expression, name, evaluator, EMPTY_ENV);
    if (allowed) values.push(...allowed);
    else guarded = false;
  });
  return guarded && values.length > 0 ? { values, by: call } : undefined;
}

/** The function a callee names in its module: `function f() {}` or `const f = (…) => {}` (not a `let`). */
function localFunction(callee: ts.Expression): ts.SignatureDeclaration | undefined {
  const e = skipOuter(callee);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  return decl?.kind === 'variable' && !decl.isConst ? undefined : functionOfDeclaration(decl);
}

/**
 * `if (!check) return;` (or `throw`, `continue`, `break`, a block ending in one): the check past it;
 * `if (isNaN(v) || !TABLE[key]) return …`: each negated check of the `||`, all of which held.
 */
function exitUnless(statement: ts.Statement): ts.Expression[] {
  const asserted = assertedCondition(statement);
  if (asserted) return [asserted];
  if (!ts.isIfStatement(statement) || statement.elseStatement) return [];
  const negated = disjuncts(statement.expression).flatMap((d) =>
    ts.isPrefixUnaryExpression(d) && d.operator === ts.SyntaxKind.ExclamationToken ? [d.operand] : [],
  );
  if (negated.length === 0) return [];
  const then = statement.thenStatement;
  const last = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  const exits =
    last !== undefined &&
    (ts.isReturnStatement(last) ||
      ts.isThrowStatement(last) ||
      ts.isContinueStatement(last) ||
      ts.isBreakStatement(last));
  return exits ? negated : [];
}

/**
 * `assert(kind === 'a' || kind === 'b')`, `assert.ok(…)`, `invariant(…)`: each throws unless its
 * condition holds (Node's `assert`, chai's, `tiny-invariant`; `console.assert` only logs).
 */
function assertedCondition(statement: ts.Statement): ts.Expression | undefined {
  const call = ts.isExpressionStatement(statement) ? skipOuter(statement.expression) : undefined;
  if (!call || !ts.isCallExpression(call) || !call.arguments[0]) return undefined;
  const callee = skipOuter(call.expression);
  const name = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
      ? `${callee.expression.text}.${callee.name.text}`
      : undefined;
  return name !== undefined && ASSERTIONS.has(name) ? call.arguments[0] : undefined;
}

const ASSERTIONS = new Set(['assert', 'assert.ok', 'assert.strict', 'invariant']);

/** The operands of an `a || b || c` chain (the expression itself when it is none). */
function disjuncts(condition: ts.Expression): ts.Expression[] {
  const c = skipOuter(condition);
  return ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.BarBarToken
    ? [...disjuncts(c.left), ...disjuncts(c.right)]
    : [c];
}
