import { ts } from 'ts-morph';
import type { Bound } from '../../types.js';
import { finite } from '../../model/bounds.js';
import { propertyName, skipOuter } from '../syntax/scope.js';
import { text } from './sources.js';
import { EMPTY_ENV, scalarText, staticStrings, type Env, type StaticEvaluator } from './static-eval.js';

/**
 * `if ([PREPARE, FX_PREPARE].includes(action)) … action`, `if (kind === 'a' || kind === 'b')`,
 * `case 'a': case 'b': … kind`: inside the branch, the value is one the check lets through.
 */
export function narrowed(e: ts.Expression, evaluator: StaticEvaluator, env: Env): Bound | undefined {
  const subject = e.getText();
  for (let child: ts.Node = e, n = e.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
    const values = branchValues(n, child, subject, evaluator, env);
    if (values)
      return finite(
        [...new Set(values)].sort(),
        `narrowed by \`${text(ts.isCaseClause(n) ? n : (n as ts.IfStatement).expression)}\``,
      );
  }
  return undefined;
}

/**
 * `if (system === 'vm.query') { … func … }`: the values the function's other parameters must have
 * for `use` to run, by parameter index. A caller passing `'redis'` as `system` never reaches it.
 */
export function parameterGuards(
  use: ts.Node,
  fn: ts.SignatureDeclaration,
  evaluator: StaticEvaluator,
): Map<number, Set<string>> {
  const guards = new Map<number, Set<string>>();
  for (let child: ts.Node = use, n = use.parent; n && n !== fn; child = n, n = n.parent) {
    fn.parameters.forEach((param, index) => {
      if (!ts.isIdentifier(param.name)) return;
      const values = branchValues(n, child, param.name.text, evaluator, EMPTY_ENV);
      if (!values) return;
      const before = guards.get(index);
      guards.set(index, new Set(before ? values.filter((v) => before.has(v)) : values));
    });
  }
  return guards;
}

/** The values `subject` may have where `child` runs under `n` (a branch or a case), when the check names them. */
function branchValues(
  n: ts.Node,
  child: ts.Node,
  subject: string,
  evaluator: StaticEvaluator,
  env: Env,
): string[] | undefined {
  if (ts.isIfStatement(n) && n.thenStatement === child) return allowedBy(n.expression, subject, evaluator, env);
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
    if (literals.every((l) => l !== undefined)) return literals;
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
  if (ts.isBinaryExpression(c)) {
    const op = c.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) {
      const left = allowedBy(c.left, subject, evaluator, env);
      const right = left && allowedBy(c.right, subject, evaluator, env);
      return left && right ? [...left, ...right] : undefined;
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken)
      return allowedBy(c.left, subject, evaluator, env) ?? allowedBy(c.right, subject, evaluator, env);
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
  // `[A, B].includes(subject)`, `ALLOWED.includes(subject)`.
  if (
    ts.isCallExpression(c) &&
    propertyName(c.expression) === 'includes' &&
    ts.isPropertyAccessExpression(skipOuter(c.expression)) &&
    c.arguments[0] &&
    skipOuter(c.arguments[0]).getText() === subject
  )
    return staticStrings(evaluator.eval((skipOuter(c.expression) as ts.PropertyAccessExpression).expression, env));
  return undefined;
}
