import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import { lookup, skipOuter } from '../syntax/scope.js';

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

/** The recorder a metric call is in, when its receiver is a lookup keyed by a parameter (directly or through a `const`). */
export function keyedRecorder(receiver: ts.Expression): KeyedRecorder | undefined {
  let e = skipOuter(receiver);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind !== 'variable' || !decl.isConst || decl.path.length > 0 || !decl.node.initializer) return undefined;
    e = skipOuter(decl.node.initializer);
  }
  if (!ts.isElementAccessExpression(e)) return undefined;
  const key = skipOuter(e.argumentExpression);
  if (!ts.isIdentifier(key)) return undefined;
  const decl = lookup(key.text, key);
  if (decl?.kind !== 'parameter' || decl.path.length > 0) return undefined;
  return { fn: decl.fn, access: e, keyIndex: decl.index };
}

/**
 * The recording's arguments as one caller of the recorder gives them: a parameter of the recorder
 * is what that caller passes (or the parameter's default), anything else is the recorder's own.
 */
export function argumentsAt(
  recorded: readonly ts.Expression[],
  recorder: KeyedRecorder,
  caller: Caller,
): (ts.Expression | undefined)[] {
  return recorded.map((arg) => {
    const e = skipOuter(arg);
    const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
    if (decl?.kind !== 'parameter' || decl.fn !== recorder.fn || decl.path.length > 0) return arg;
    const passed = caller.arguments?.[decl.index];
    if (passed && !ts.isSpreadElement(passed)) return passed;
    return recorder.fn.parameters[decl.index]?.initializer;
  });
}
