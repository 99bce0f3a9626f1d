import { ts } from 'ts-morph';
import { OTEL } from '../libraries/opentelemetry.js';
import { PROM_CLIENT } from '../libraries/prom-client.js';
import {
  enclosingFunction,
  leavesFunction,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
  withoutUndefined,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/**
 * Get-or-create by name, written by hand: the creation runs only when a lookup found nothing (or,
 * for a module variable tested for no value, only the first time).
 *   let metric = registry.getSingleMetric(name); if (!metric) metric = newCounter(name, …);
 *   this.metrics[name] ??= new Counter({ name, … });
 *   if (!this.counters.has(name)) this.counters.set(name, new Counter(…));
 * Returns the expression the metric is then used through (`metric`), when there is one.
 */
export function lookupGuard(node: ts.Node): { holder: ts.Expression | undefined } | undefined {
  for (
    let child = node, parent = node.parent;
    parent && !ts.isFunctionLike(parent);
    child = parent, parent = parent.parent
  ) {
    if (ts.isBinaryExpression(parent) && parent.right === child) {
      const op = parent.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken)
        return { holder: parent.left };
      // `metrics.get(name) || new MetricWrapper(name)`, `this.metrics[name] ?? create(name)`.
      if ((op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) && isLookup(parent.left))
        return { holder: heldIn(parent) };
    }
    if (ts.isIfStatement(parent) && parent.thenStatement === child) {
      const missing = missingLookup(parent.expression);
      if (missing) return { holder: missing.kind === ts.SyntaxKind.CallExpression ? undefined : missing };
      // `if (!gauge) gauge = new Gauge(…)`: made once per process, into the module variable tested, on
      // first need (an instance field would be made once per instance: no guard there).
      const unset = missingValue(parent.expression);
      if (unset && isModuleVariable(unset) && assignedTo(node, unset)) return { holder: unset };
    }
    // `if (metric) { return metric } else { create }`, and `if (existing) return existing; create`.
    if (ts.isIfStatement(parent) && parent.elseStatement === child && presentLookup(parent.expression))
      return { holder: undefined };
    if (ts.isBlock(parent) && ts.isStatement(child)) {
      const before = parent.statements.slice(0, parent.statements.indexOf(child));
      if (
        before.some(
          (st) => ts.isIfStatement(st) && leavesFunction(st.thenStatement, false) && presentLookup(st.expression),
        )
      )
        return { holder: undefined };
    }
  }
  return undefined;
}

/** `!metric` where `metric` holds a lookup, `!map.has(name)`, `metric === undefined`: what was looked up. */
function missingLookup(condition: ts.Expression): ts.Expression | undefined {
  const looked = testedForNoValue(condition);
  if (!looked) return undefined;
  if (ts.isCallExpression(looked)) return isLookupCall(looked) ? looked : undefined;
  if (ts.isElementAccessExpression(looked)) return looked;
  return ts.isIdentifier(looked) && holdsLookup(looked) ? looked : undefined;
}

/** `!x`, `x == null`, `x === undefined`: the expression a condition tests for no value. */
function testedForNoValue(condition: ts.Expression): ts.Expression | undefined {
  const c = skipOuter(condition);
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return skipOuter(c.operand);
  return ts.isBinaryExpression(c) && EQUALITY.has(c.operatorToken.kind) ? comparedWithNullish(c) : undefined;
}

/** `!gauge`, `gauge == null`, `gauge === undefined`: the variable tested for no value. */
function missingValue(condition: ts.Expression): ts.Expression | undefined {
  const tested = testedForNoValue(condition);
  return tested && ts.isIdentifier(tested) ? tested : undefined;
}

function isModuleVariable(e: ts.Expression): boolean {
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  return decl?.kind === 'variable' && decl.path.length === 0 && ts.isSourceFile(decl.node.parent.parent.parent);
}

/** `holder = node` (through parentheses and type assertions). */
function assignedTo(node: ts.Node, holder: ts.Expression): boolean {
  let value: ts.Node = node;
  while (ts.isParenthesizedExpression(value.parent) || ts.isAsExpression(value.parent)) value = value.parent;
  const assignment = value.parent;
  return (
    ts.isBinaryExpression(assignment) &&
    assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    assignment.right === value &&
    skipOuter(assignment.left).getText() === holder.getText()
  );
}

/** `metric` holding a lookup, `map.has(name)`, `metric !== undefined`: the looked-up metric is there. */
function presentLookup(condition: ts.Expression): boolean {
  const c = skipOuter(condition);
  if (ts.isBinaryExpression(c) && INEQUALITY.has(c.operatorToken.kind)) {
    const looked = comparedWithNullish(c);
    return looked !== undefined && presentLookup(looked);
  }
  if (ts.isCallExpression(c)) return isLookupCall(c);
  return ts.isIdentifier(c) && holdsLookup(c);
}

/** `x === undefined`, `null !== x`: the side compared with null or undefined. */
function comparedWithNullish(c: ts.BinaryExpression): ts.Expression | undefined {
  const nullish = (e: ts.Expression): boolean =>
    e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined');
  return nullish(skipOuter(c.right)) ? skipOuter(c.left) : nullish(skipOuter(c.left)) ? skipOuter(c.right) : undefined;
}

/** A variable declared as a lookup (`const metric = registry.getSingleMetric(name)`). */
function holdsLookup(id: ts.Identifier): boolean {
  const decl = lookup(id.text, id);
  const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
  return init !== undefined && isLookup(init);
}

const INEQUALITY = new Set([ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

/** A lookup by key: `metrics.get(name)`, `this.metrics[name]`. */
function isLookup(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return (ts.isCallExpression(e) && isLookupCall(e)) || ts.isElementAccessExpression(e);
}

/** The variable a get-or-create expression is stored in (`const metric = … || …`), if any. */
function heldIn(expr: ts.Expression): ts.Identifier | undefined {
  let e: ts.Node = expr;
  while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
  const decl = e.parent;
  return ts.isVariableDeclaration(decl) && decl.initializer === e && ts.isIdentifier(decl.name) ? decl.name : undefined;
}

const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);

/** `registry.getSingleMetric(name)`, `metrics.get(name)`, `map.has(name)`, `this.getMetric(name)`. */
function isLookupCall(call: ts.CallExpression): boolean {
  const name = propertyName(skipOuter(call.expression)) ?? '';
  return /^(get|has)([A-Z]\w*)?$/.test(name) && call.arguments.length >= 1;
}

/**
 * The label calls on a looked-up metric in the function that creates it when missing
 * (`metric.inc(tags, delta)`, `metric.observe(tags, v)`; an OpenTelemetry instrument's
 * `counter.add(value, attributes)`), with the argument holding the labels.
 */
export function labelCallsOn(
  holder: ts.Expression,
  within: ts.Node,
  library?: string,
): { call: ts.CallExpression; labels: ts.Expression }[] {
  const text = skipOuter(holder).getText();
  const found: { call: ts.CallExpression; labels: ts.Expression }[] = [];
  forEachDescendant(within, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const method = node.expression.name.text;
    const otel = library === 'opentelemetry';
    if (!(otel ? OTEL.recordMethods.has(method) : PROM_CLIENT.labelMethods.has(method))) return;
    if (skipOuter(node.expression.expression).getText() !== text) return;
    const labels = otel ? node.arguments[1] : labelsObjectOf(node);
    if (labels) found.push({ call: node, labels });
  });
  return found;
}

/**
 * The labels object a label call passes: not a value (`metric.inc(5)`) nor positional label values
 * (`metric.labels('success')`, `metric.labels(route, method)`).
 */
function labelsObjectOf(call: ts.CallExpression): ts.Expression | undefined {
  const first = call.arguments[0];
  if (!first) return undefined;
  const e = skipOuter(first);
  if (ts.isNumericLiteral(e) || declaredNumber(e)) return undefined;
  const exemplar = exemplarForm(first);
  if (exemplar) return exemplar[0];
  const positional =
    propertyName(call.expression) === 'labels' &&
    (call.arguments.length > 1 || ts.isStringLiteralLike(e) || ts.isTemplateExpression(e) || ts.isSpreadElement(e));
  return positional ? undefined : first;
}

/** `value` of `(value?: number) => counter.inc(value)`: declared a number, so a value, not labels. */
function declaredNumber(e: ts.Expression): boolean {
  if (!ts.isIdentifier(e)) return false;
  const decl = lookup(e.text, e);
  const type =
    (decl?.kind === 'parameter' || decl?.kind === 'variable') && decl.path.length === 0 ? decl.node.type : undefined;
  return type !== undefined && withoutUndefined(type).kind === ts.SyntaxKind.NumberKeyword;
}

/**
 * The label calls made on the value of `expr` right where it is computed: `metric(name).inc(labels)`,
 * or through the constant it is stored in (`const m = metric(name); m.observe(labels, v)`).
 */
export function labelCallsOnValue(
  expr: ts.Expression,
  library?: string,
): { call: ts.CallExpression; labels: ts.Expression }[] {
  let e: ts.Node = expr;
  while (ts.isParenthesizedExpression(e.parent) || ts.isNonNullExpression(e.parent)) e = e.parent;
  const access = e.parent;
  if (ts.isPropertyAccessExpression(access) && access.expression === e) {
    const call = access.parent;
    if (!ts.isCallExpression(call) || call.expression !== access) return [];
    // An OpenTelemetry instrument's `add(value, attributes)`, `record(value, attributes)`.
    if (library === 'opentelemetry') {
      const attributes = OTEL.recordMethods.has(access.name.text) ? call.arguments[1] : undefined;
      return attributes ? [{ call, labels: attributes }] : [];
    }
    if (!PROM_CLIENT.labelMethods.has(access.name.text)) return [];
    const labels = labelsObjectOf(call);
    return labels ? [{ call, labels }] : [];
  }
  const holder = heldIn(e as ts.Expression);
  const within = holder && enclosingFunction(holder);
  return holder && within ? labelCallsOn(holder, within, library) : [];
}

const EXEMPLAR_KEYS = new Set(['labels', 'value', 'exemplarLabels']);

/**
 * `{ labels, value, exemplarLabels }` (prom-client's `inc`/`observe` with exemplars): the labels and
 * the value as the plain form passes them, `[labels, value]`; undefined for any other argument.
 */
export function exemplarForm(arg: ts.Expression | undefined): (ts.Expression | undefined)[] | undefined {
  const object = arg && skipOuter(arg);
  if (!object || !ts.isObjectLiteralExpression(object) || object.properties.length === 0) return undefined;
  const byKey = new Map<string, ts.Expression>();
  for (const p of object.properties) {
    const key = p.name && propertyKey(p.name);
    if (!key || !EXEMPLAR_KEYS.has(key)) return undefined;
    if (ts.isPropertyAssignment(p)) byKey.set(key, p.initializer);
    else if (ts.isShorthandPropertyAssignment(p)) byKey.set(key, p.name);
    else return undefined;
  }
  if (!byKey.has('labels') && !byKey.has('exemplarLabels')) return undefined;
  return [byKey.get('labels'), byKey.get('value')];
}
