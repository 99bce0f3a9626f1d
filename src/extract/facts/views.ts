import { ts } from 'ts-morph';
import type { ViewFact } from '../../types.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { lookup, propertyKey, propertyName, skipOuter } from '../syntax/scope.js';
import { scalarText, staticNumbers, staticStrings, type Static, type StaticEvaluator } from '../flow/static-eval.js';

/**
 * OpenTelemetry Views that change what an instrument exports: `new View({...})` (sdk-metrics 1.x)
 * and the view objects of `new MeterProvider({ views: [...] })` (2.x).
 */
export function viewsIn(node: ts.Node, project: ProjectIndex, evaluator: StaticEvaluator): ViewFact[] {
  const configs: ts.Expression[] = [];
  if (
    ts.isNewExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'View' &&
    node.arguments?.[0]
  )
    configs.push(node.arguments[0]);
  if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && propertyKey(node.name) === 'views') {
    // `views: [...]`, `views: VIEWS` or `{ views }` with a const array.
    let list: ts.Expression = ts.isPropertyAssignment(node) ? skipOuter(node.initializer) : node.name;
    if (ts.isIdentifier(list)) {
      const decl = lookup(list.text, list);
      if (decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer)
        list = skipOuter(decl.node.initializer);
    }
    if (ts.isArrayLiteralExpression(list))
      configs.push(...list.elements.filter((e) => ts.isObjectLiteralExpression(skipOuter(e))));
  }
  const views: ViewFact[] = [];
  for (const config of configs) {
    const literal = skipOuter(config);
    if (!ts.isObjectLiteralExpression(literal)) continue;
    const value = evaluator.eval(literal);
    if (value.k !== 'obj') continue;
    const instrumentName = scalarText(value.props.get('instrumentName') ?? { k: 'unknown' }) ?? '*';
    const view: ViewFact = { instrumentName, loc: project.location(literal) };
    // `instrumentType: InstrumentType.HISTOGRAM`: only instruments of that kind.
    const type = literal.properties.find(
      (p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'instrumentType',
    ) as ts.PropertyAssignment | undefined;
    if (type)
      view.instrumentType = (
        propertyName(skipOuter(type.initializer)) ??
        scalarText(evaluator.eval(type.initializer)) ??
        '(unreadable)'
      ).toUpperCase();
    const meterName = value.props.get('meterName');
    if (meterName) view.meterName = scalarText(meterName) ?? '(unreadable)';
    const limit = value.props.get('aggregationCardinalityLimit');
    if (limit?.k === 'num') view.cardinalityLimit = limit.v;
    const keys = value.props.get('attributeKeys');
    const allowed = (keys && staticStrings(keys)) ?? allowListOf(literal, evaluator);
    if (allowed) view.attributeKeys = allowed;
    const aggregation = literal.properties.find(
      (p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'aggregation',
    ) as ts.PropertyAssignment | undefined;
    if (aggregation && isDrop(aggregation.initializer)) view.drop = true;
    const boundaries = boundariesOf(literal, value, evaluator);
    if (boundaries) view.boundaries = boundaries.length;
    views.push(view);
  }
  return views;
}

/** `{ type: AggregationType.DROP }` (directly or through a const) or `new DropAggregation()`. */
function isDrop(expr: ts.Expression, depth = 0): boolean {
  const e = skipOuter(expr);
  if (ts.isNewExpression(e)) return /DropAggregation$/.test(e.expression.getText());
  if (ts.isIdentifier(e) && depth < 3) {
    const decl = lookup(e.text, e);
    return decl?.kind === 'variable' && decl.node.initializer !== undefined && isDrop(decl.node.initializer, depth + 1);
  }
  if (!ts.isObjectLiteralExpression(e)) return false;
  const type = e.properties.find((p) => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'type') as
    ts.PropertyAssignment | undefined;
  return type !== undefined && propertyName(skipOuter(type.initializer)) === 'DROP';
}

/** `attributesProcessors: [createAllowListAttributesProcessor(['route'])]`. */
function allowListOf(literal: ts.ObjectLiteralExpression, evaluator: StaticEvaluator): string[] | undefined {
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop) || propertyKey(prop.name) !== 'attributesProcessors') continue;
    const list = skipOuter(prop.initializer);
    if (!ts.isArrayLiteralExpression(list)) continue;
    for (const element of list.elements) {
      const call = skipOuter(element);
      if (
        ts.isCallExpression(call) &&
        /AllowList/.test(
          propertyName(call.expression) ?? (ts.isIdentifier(call.expression) ? call.expression.text : ''),
        ) &&
        call.arguments[0]
      ) {
        return staticStrings(evaluator.eval(call.arguments[0]));
      }
    }
  }
  return undefined;
}

/** `aggregation: new ExplicitBucketHistogramAggregation([...])` or `{ options: { boundaries: [...] } }`. */
function boundariesOf(
  literal: ts.ObjectLiteralExpression,
  value: Extract<Static, { k: 'obj' }>,
  evaluator: StaticEvaluator,
): number[] | undefined {
  const aggregation = value.props.get('aggregation');
  if (aggregation?.k === 'obj') {
    const options = aggregation.props.get('options');
    const boundaries = options?.k === 'obj' ? options.props.get('boundaries') : undefined;
    return boundaries ? staticNumbers(boundaries) : undefined;
  }
  for (const prop of literal.properties) {
    if (!ts.isPropertyAssignment(prop) || propertyKey(prop.name) !== 'aggregation') continue;
    const created = skipOuter(prop.initializer);
    if (
      ts.isNewExpression(created) &&
      /ExplicitBucketHistogramAggregation$/.test(created.expression.getText()) &&
      created.arguments?.[0]
    ) {
      return staticNumbers(evaluator.eval(created.arguments[0]));
    }
  }
  return undefined;
}
