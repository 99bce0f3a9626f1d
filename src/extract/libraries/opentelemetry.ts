import { ts } from 'ts-morph';
import { calledFunction, returnedValues } from '../syntax/functions.js';
import type { MetricKind } from '../../types.js';
import { table } from '../../util/table.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import {
  assignmentsIn,
  enclosingClassLike,
  lookup,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';

/** What obslint knows about the OpenTelemetry metrics API (@opentelemetry/api 1.x, sdk-metrics 1.x/2.x). */
export const OTEL = {
  instruments: table<MetricKind>({
    createCounter: 'counter',
    createUpDownCounter: 'updowncounter',
    createHistogram: 'histogram',
    createGauge: 'gauge',
    createObservableCounter: 'counter',
    createObservableUpDownCounter: 'updowncounter',
    createObservableGauge: 'gauge',
  }),
  /** sdk-metrics' default explicit-bucket histogram boundaries. */
  defaultBoundaries: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
  /** Methods that record a value with attributes as the second argument. */
  recordMethods: new Set(['add', 'record']),
};

/**
 * Whether an expression is an OpenTelemetry meter: a `getMeter()` call (on `metrics` or a
 * MeterProvider), a variable or field holding one, a parameter typed `Meter`, or a choice of these.
 */
export function isMeter(expr: ts.Expression, project: ProjectIndex, depth = 0): boolean {
  if (depth > 6) return false;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e))
    return propertyName(skipOuter(e.expression)) === 'getMeter' || meterFactory(e, project, depth);
  // `options.meter ?? getMeter('run-queue')`, `injected || metrics.getMeter('app')`: a meter either way.
  if (
    ts.isBinaryExpression(e) &&
    (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  )
    return isMeter(e.left, project, depth + 1) || isMeter(e.right, project, depth + 1);
  if (ts.isConditionalExpression(e))
    return isMeter(e.whenTrue, project, depth + 1) || isMeter(e.whenFalse, project, depth + 1);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    return decl !== undefined && declaresMeter(decl, project, depth);
  }
  // `this.meter`, `deps.meter`: a field whose name says what it holds.
  const name = propertyName(e);
  return name !== undefined && /meter$/i.test(name);
}

/** `getMeter()` of the project (`export function getMeter() { return metrics.getMeter('app') }`). */
function meterFactory(call: ts.CallExpression, project: ProjectIndex, depth: number): boolean {
  const fn = calledFunction(call.expression, project);
  return fn !== undefined && returnedValues(fn).some((returned) => isMeter(returned, project, depth + 1));
}

function declaresMeter(decl: Declaration, project: ProjectIndex, depth: number): boolean {
  // `let meter: Meter | undefined`, set on first use (`meter ??= metrics.getMeter('app')`): its type
  // says it; so does a memo that starts empty (`let _meter = null`, `if (!_meter) _meter = metrics.getMeter('app')`)
  // and what is assigned to it.
  if (decl.kind === 'variable') {
    if (decl.path.length > 0) return false;
    const init = decl.node.initializer && skipOuter(decl.node.initializer);
    if (init && !isEmpty(init)) return isMeter(init, project, depth + 1);
    if (decl.node.type !== undefined && /\b(?:Meter|getMeter)\b/.test(decl.node.type.getText())) return true;
    return (
      init !== undefined &&
      ts.isIdentifier(decl.node.name) &&
      assignmentsIn(decl.node.getSourceFile(), decl.node.name.text, decl.node).some((a) =>
        isMeter(a.right, project, depth + 1),
      )
    );
  }
  // Typed `Meter`, or untyped and named for it (`counter(meter, name) {…}` in a table typed elsewhere).
  if (decl.kind === 'parameter')
    return decl.node.type !== undefined
      ? /\bMeter\b/.test(decl.node.type.getText())
      : decl.path.length === 0 && /meter$/i.test(decl.name.text);
  if (decl.kind === 'import') {
    const target = project.followImport(decl);
    return target !== undefined && declaresMeter(target, project, depth + 1);
  }
  if (decl.kind === 'expression') return isMeter(decl.node, project, depth + 1);
  return false;
}

function isEmpty(e: ts.Expression): boolean {
  return e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined');
}

/** The instrument kind a `meter.createX(...)` call creates, if it is one. */
export function otelInstrument(call: ts.CallExpression, project: ProjectIndex): MetricKind | undefined {
  const callee = skipOuter(call.expression);
  const method = propertyName(callee);
  const kind = method ? OTEL.instruments[method] : undefined;
  if (!kind || !ts.isPropertyAccessExpression(callee)) return undefined;
  return isMeter(callee.expression, project) ? kind : undefined;
}

/** The name a meter was created with (`metrics.getMeter('checkout')`), when syntax can tell. */
export function meterName(expr: ts.Expression, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) {
    const name = e.arguments[0] && skipOuter(e.arguments[0]);
    return propertyName(skipOuter(e.expression)) === 'getMeter' && name && ts.isStringLiteralLike(name)
      ? name.text
      : undefined;
  }
  // `RoomWorker.meter` and `this.meter`: a class's field initialised with `metrics.getMeter('game')`.
  if (ts.isPropertyAccessExpression(e)) {
    const holder = skipOuter(e.expression);
    const holderDecl = ts.isIdentifier(holder) ? lookup(holder.text, holder) : undefined;
    const cls =
      holder.kind === ts.SyntaxKind.ThisKeyword
        ? enclosingClassLike(e)
        : holderDecl?.kind === 'class'
          ? holderDecl.node
          : undefined;
    const field = cls?.members.find(
      (m): m is ts.PropertyDeclaration =>
        ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.name.text,
    );
    return field?.initializer ? meterName(field.initializer, depth + 1) : undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  return decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer
    ? meterName(decl.node.initializer, depth + 1)
    : undefined;
}
