import { ts } from 'ts-morph';
import { enclosingFunction, lookup, skipOuter, type Declaration } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

type Variable = Extract<Declaration, { kind: 'variable' }>;

const COMPOUND_ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

/** Whether a variable is written after its declaration (assignment, `++`/`--`) anywhere in its scope. */
export function isReassigned(decl: Variable): boolean {
  const list = decl.node.parent;
  return writesInside(list?.parent?.parent ?? decl.node.getSourceFile(), decl);
}

/** A value a variable is given: the expression, and the path inside it (`[lang] = langs` reads element 0). */
export interface AssignedValue {
  value: ts.Expression;
  path: string[];
}

/**
 * `let kind = 'unknown'; … kind = 'unary';`, `let { lang } = query; if (Array.isArray(lang)) [lang] = lang;`:
 * every value a `let` is given, its initializer first, when each write is a plain `=` of the
 * variable itself or a destructuring `=` that names it by position or key; undefined for `++`, `+=`,
 * and patterns with defaults or rests. A destructuring of the variable's own value adds nothing new.
 * `withAppends`: what each `+=` appends is listed too (a part of the values, not a value).
 */
export function assignedValues(decl: Variable, withAppends = false): AssignedValue[] | undefined {
  const values: AssignedValue[] = decl.node.initializer ? [{ value: decl.node.initializer, path: decl.path }] : [];
  let other = false;
  forEachDescendant(decl.node.parent?.parent?.parent ?? decl.node.getSourceFile(), (node) => {
    if (other) return false;
    const assigned = plainAssignment(node, decl);
    if (assigned) {
      values.push({ value: assigned, path: [] });
      return;
    }
    if (!otherWrite(node, decl)) return;
    if (withAppends && ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) {
      values.push({ value: node.right, path: [] });
      return;
    }
    const destructured = ts.isBinaryExpression(node) ? destructuredValue(node, decl) : undefined;
    if (destructured === undefined) other = true;
    else if (destructured !== SELF) values.push(destructured);
  });
  return !other && values.length > 0 ? values : undefined;
}

const SELF = Symbol('the variable itself');

/** `[x] = from`, `({ key: x } = from)`: `from` at the position the variable has in the pattern. */
function destructuredValue(node: ts.BinaryExpression, decl: Variable): AssignedValue | typeof SELF | undefined {
  if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const path = patternPath(skipOuter(node.left), decl);
  if (!path) return undefined;
  const from = skipOuter(node.right);
  return ts.isIdentifier(from) && isVariable(from, decl) ? SELF : { value: node.right, path };
}

function patternPath(target: ts.Expression, decl: Variable): string[] | undefined {
  if (ts.isIdentifier(target)) return isVariable(target, decl) ? [] : undefined;
  if (ts.isArrayLiteralExpression(target))
    for (const [i, element] of target.elements.entries()) {
      if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) continue;
      const inner = patternPath(skipOuter(element), decl);
      if (inner) return [String(i), ...inner];
    }
  if (ts.isObjectLiteralExpression(target))
    for (const p of target.properties) {
      if (ts.isShorthandPropertyAssignment(p) && !p.objectAssignmentInitializer && isVariable(p.name, decl))
        return [p.name.text];
      const key =
        ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
      const inner =
        key === undefined ? undefined : patternPath(skipOuter((p as ts.PropertyAssignment).initializer), decl);
      if (inner) return [key!, ...inner];
    }
  return undefined;
}

/**
 * `let total = 0; for (…) total += batch.length;`: a number that adds up amounts (`+=`, `-=` of
 * values, besides steps of a constant) after a numeric initializer, outside a `for` header, whose
 * counter a loop bounds instead.
 */
export function runningTotal(decl: Variable): boolean {
  const init = decl.node.initializer && skipOuter(decl.node.initializer);
  if (decl.path.length > 0 || !init || !ts.isNumericLiteral(init) || ts.isForStatement(decl.node.parent?.parent))
    return false;
  let adds = false;
  let other = false;
  forEachDescendant(decl.node.parent?.parent?.parent ?? decl.node.getSourceFile(), (node) => {
    if (other) return false;
    if (plainAssignment(node, decl) !== undefined) other = true;
    else if (otherWrite(node, decl)) {
      const adding =
        ts.isBinaryExpression(node) &&
        (node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken ||
          node.operatorToken.kind === ts.SyntaxKind.MinusEqualsToken);
      // `attempt += 1`, `retries++`: a counter of steps, which a retry limit or a loop usually bounds.
      if (adding && !ts.isNumericLiteral(skipOuter(node.right))) adds = true;
      else if (!adding && !ts.isPrefixUnaryExpression(node) && !ts.isPostfixUnaryExpression(node)) other = true;
    }
  });
  return adds && !other;
}

/** Whether anything under `scope` writes the variable (assignment, `++`/`--`). */
export function writesInside(scope: ts.Node, decl: Variable): boolean {
  let found = false;
  forEachDescendant(scope, (node) => {
    if (found) return false;
    found = plainAssignment(node, decl) !== undefined || otherWrite(node, decl);
  });
  return found;
}

/** `x = value` of the variable itself: the value. */
function plainAssignment(node: ts.Node, decl: Variable): ts.Expression | undefined {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = skipOuter(node.left);
  return ts.isIdentifier(left) && isVariable(left, decl) ? node.right : undefined;
}

/** Any other write of the variable: `x += 1`, `x ??= …`, `x++`, `[x] = …`, `({ x } = …)`. */
function otherWrite(node: ts.Node, decl: Variable): boolean {
  if (ts.isBinaryExpression(node) && COMPOUND_ASSIGNMENTS.has(node.operatorToken.kind)) {
    const target = skipOuter(node.left);
    if (ts.isIdentifier(target))
      return node.operatorToken.kind !== ts.SyntaxKind.EqualsToken && isVariable(target, decl);
    return (
      (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) &&
      target.getText().includes(decl.name.text)
    );
  }
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    const operand = skipOuter(node.operand);
    return ts.isIdentifier(operand) && isVariable(operand, decl);
  }
  return false;
}

function isVariable(id: ts.Identifier, decl: Variable): boolean {
  return id.text === decl.name.text && lookup(id.text, id)?.node === decl.node;
}

/**
 * `let key = \`${name}/\`; let counter = counters[key]; for (…) { key = other }`: at a read that comes
 * before every write of the variable, in the function that declares it and outside any loop that
 * writes it, the variable still holds its initializer.
 */
export function readBeforeAnyWrite(decl: Variable, read: ts.Identifier): boolean {
  if (decl.path.length > 0 || !decl.node.initializer || read.getStart() < decl.node.getEnd()) return false;
  const home = enclosingFunction(decl.node);
  if (enclosingFunction(read) !== home) return false;
  let safe = true;
  forEachDescendant(home ?? decl.node.getSourceFile(), (node) => {
    if (!safe) return false;
    if (plainAssignment(node, decl) === undefined && !otherWrite(node, decl)) return;
    safe = node.getStart() > read.getEnd() && !sharedLoop(node, read);
  });
  return safe;
}

/** A loop around both nodes: a write late in its body reaches a read early in the next iteration. */
function sharedLoop(write: ts.Node, read: ts.Node): boolean {
  for (let n = write.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return false;
    if (ts.isIterationStatement(n, false) && read.getStart() >= n.getStart() && read.getEnd() <= n.getEnd())
      return true;
  }
  return false;
}

/** A write of a `let`: `x = value`, or `({ key: x } = from)` (the value is `from[key]`). */
export type LetWrite = { at: ts.BinaryExpression } & ({ value: ts.Expression } | { from: ts.Expression; key: string });

/**
 * `let timerName; if (typeof name === 'string') timerName = `${name}-time`; else ({ timer: timerName } = name);`:
 * every write of a `let` declared without a value, in source order, when each is a plain `=` or an
 * object destructuring by a property name; undefined for any other write.
 */
export function letWrites(decl: Variable): LetWrite[] | undefined {
  if (decl.path.length > 0 || decl.node.initializer) return undefined;
  const writes: LetWrite[] = [];
  let other = false;
  forEachDescendant(decl.node.parent?.parent?.parent ?? decl.node.getSourceFile(), (node) => {
    if (other) return false;
    const value = plainAssignment(node, decl);
    if (value) {
      writes.push({ at: node as ts.BinaryExpression, value });
      return;
    }
    const destructured = destructuringKey(node, decl);
    if (destructured) writes.push(destructured);
    else other = otherWrite(node, decl);
  });
  return other ? undefined : writes;
}

/** `({ timer: x } = from)`: the property `x` takes (one level of an object pattern). */
function destructuringKey(node: ts.Node, decl: Variable): LetWrite | undefined {
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const target = skipOuter(node.left);
  const path = ts.isObjectLiteralExpression(target) ? patternPath(target, decl) : undefined;
  return path?.length === 1 ? { at: node, from: node.right, key: path[0] } : undefined;
}
