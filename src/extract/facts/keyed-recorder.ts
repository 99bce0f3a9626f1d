import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import { returnedValues } from '../syntax/functions.js';
import { enclosingClassLike, lookup, propertyKey, skipOuter, type Declaration } from '../syntax/scope.js';

/**
 * A function that records on the metric its caller names: `inc(name, labels) { this.metrics[name]?.inc(labels) }`
 * in an agent that holds a module's metrics by name. Each call of it (`agent.inc(NAMES.ERRORS, { … })`)
 * is a use of the metric stored under the key it passes, with the labels it passes.
 */
export interface KeyedRecorder {
  fn: ts.SignatureDeclaration;
  /** The lookup the recording reads its metric from (`this.metrics[name]`). */
  access: ts.ElementAccessExpression;
  /** Which of `fn`'s parameters is the key. */
  keyIndex: number;
}

/**
 * The recorder a metric call is in, when its receiver is a lookup keyed by a parameter: directly,
 * through a `const`, or through a getter of the same class that returns the lookup.
 */
export function keyedRecorder(receiver: ts.Expression): KeyedRecorder | undefined {
  let e = skipOuter(receiver);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind !== 'variable' || !decl.isConst || decl.path.length > 0 || !decl.node.initializer) return undefined;
    e = skipOuter(decl.node.initializer);
  }
  // `const metric = this.getMetric(name)`, where `getMetric(name) { return this.metrics[name]; }`.
  if (ts.isCallExpression(e)) {
    const getter = ownMethod(e);
    const returned = getter ? returnedValues(getter) : [];
    const access = returned.length === 1 ? keyedAccess(returned[0]) : undefined;
    const passed = access?.fn === getter && access ? e.arguments[access.keyIndex] : undefined;
    const outer = passed && keyedBy(passed);
    return access && outer ? { ...outer, access: access.access } : undefined;
  }
  return keyedAccess(e);
}

function keyedAccess(expr: ts.Expression): KeyedRecorder | undefined {
  const e = skipOuter(expr);
  if (!ts.isElementAccessExpression(e)) return undefined;
  const outer = keyedBy(e.argumentExpression);
  return outer && { ...outer, access: e };
}

/** The function whose parameter a key is, and which parameter. */
function keyedBy(key: ts.Expression): { fn: ts.SignatureDeclaration; keyIndex: number } | undefined {
  const decl = bareParameter(key);
  return decl && { fn: decl.fn, keyIndex: decl.index };
}

/** The parameter an expression is, read whole (`name`, not `{ name }` destructured from one). */
function bareParameter(expr: ts.Expression): Extract<Declaration, { kind: 'parameter' }> | undefined {
  const e = skipOuter(expr);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  return decl?.kind === 'parameter' && decl.path.length === 0 ? decl : undefined;
}

/** `this.getMetric(…)`: the method of the caller's own class. */
function ownMethod(call: ts.CallExpression): ts.MethodDeclaration | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || skipOuter(callee.expression).kind !== ts.SyntaxKind.ThisKeyword)
    return undefined;
  return enclosingClassLike(call)?.members.find(
    (m): m is ts.MethodDeclaration =>
      ts.isMethodDeclaration(m) && m.body !== undefined && propertyKey(m.name) === callee.name.text,
  );
}

/**
 * `observe(histogram, ...labels) { histogram.labels(...labels).observe(v) }`: a helper handed the
 * metric itself, and label values, by its callers. Each caller uses the metric it passes.
 */
export function parameterRecorder(
  receiver: ts.Expression,
  recording: ts.CallExpression,
): { fn: ts.SignatureDeclaration; index: number } | undefined {
  const decl = bareParameter(receiver);
  if (!decl) return undefined;
  const passesParameter = recording.arguments.some(
    (arg) => bareParameter(ts.isSpreadElement(arg) ? arg.expression : arg)?.fn === decl.fn,
  );
  return passesParameter ? { fn: decl.fn, index: decl.index } : undefined;
}

/**
 * The recording's arguments as one caller of the recorder gives them: a parameter of the recorder
 * is what that caller passes (or the parameter's default), a spread rest parameter the caller's
 * arguments from there on, anything else is the recorder's own.
 */
export function argumentsAt(
  recorded: readonly ts.Expression[],
  fn: ts.SignatureDeclaration,
  caller: Caller,
): (ts.Expression | undefined)[] {
  const passed = caller.arguments ?? [];
  return recorded.flatMap((arg) => {
    const spread = ts.isSpreadElement(arg);
    const decl = bareParameter(spread ? arg.expression : arg);
    if (decl?.fn !== fn) return [arg];
    if (spread) {
      const rest = fn.parameters[decl.index]?.dotDotDotToken !== undefined ? passed.slice(decl.index) : undefined;
      return rest && !rest.some(ts.isSpreadElement) ? rest : [arg];
    }
    const given = passed[decl.index];
    if (given && !ts.isSpreadElement(given)) return [given];
    return [fn.parameters[decl.index]?.initializer];
  });
}
