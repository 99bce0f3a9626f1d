import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import { methodOfReturnedObject, returnedValues } from '../syntax/functions.js';
import {
  enclosingClassLike,
  enclosingFunction,
  lookup,
  propertyKey,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';

/**
 * A function that records on the metric its caller names: `inc(name, labels) { this.metrics[name]?.inc(labels) }`
 * in an agent that holds a module's metrics by name. Each call of it (`agent.inc(NAMES.ERRORS, { … })`)
 * is a use of the metric stored under the key it passes, with the labels it passes.
 */
export interface KeyedRecorder {
  fn: ts.SignatureDeclaration;
  /** The lookup the recording reads its metric from (`this.metrics[name]`, `this.counters.get(name)`). */
  access: KeyedLookup;
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
  const getter = ts.isCallExpression(e) ? ownMethod(e) : undefined;
  if (getter && ts.isCallExpression(e)) {
    const returned = returnedValues(getter);
    const access = returned.length === 1 ? keyedAccess(returned[0]) : undefined;
    const passed = access?.fn === getter && access ? e.arguments[access.keyIndex] : undefined;
    const outer = passed && keyedBy(passed);
    return access && outer ? { ...outer, access: access.access } : undefined;
  }
  return keyedAccess(e);
}

/** A lookup by key: `record[key]`, or `map.get(key)` of a Map the code fills with `set(key, …)`. */
export type KeyedLookup = ts.ElementAccessExpression | ts.CallExpression;

/** The container a keyed lookup reads, and the key it reads under. */
export function lookupParts(access: KeyedLookup): { container: ts.Expression; key: ts.Expression } | undefined {
  if (ts.isElementAccessExpression(access))
    return { container: skipOuter(access.expression), key: access.argumentExpression };
  const callee = skipOuter(access.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'get' && access.arguments.length === 1
    ? { container: skipOuter(callee.expression), key: access.arguments[0] }
    : undefined;
}

function keyedAccess(expr: ts.Expression): KeyedRecorder | undefined {
  const e = skipOuter(expr);
  if (!ts.isElementAccessExpression(e) && !ts.isCallExpression(e)) return undefined;
  const parts = lookupParts(e);
  const outer = parts && keyedBy(parts.key);
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

/** A parameter, or one property of an options parameter (`{ errors }` destructured, `opts.errors`). */
export interface ParameterPart {
  fn: ts.SignatureDeclaration;
  index: number;
  /** Empty for the parameter itself, else the one property read. */
  path: string[];
}

function parameterPart(expr: ts.Expression): ParameterPart | undefined {
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    return decl?.kind === 'parameter' && decl.path.length <= 1
      ? { fn: decl.fn, index: decl.index, path: decl.path }
      : undefined;
  }
  const base = ts.isPropertyAccessExpression(e) ? bareParameter(e.expression) : undefined;
  return base && ts.isPropertyAccessExpression(e) ? { fn: base.fn, index: base.index, path: [e.name.text] } : undefined;
}

/**
 * `observe(histogram, ...labels) { histogram.labels(...labels).observe(v) }`, or
 * `measure({ labelValues, errors }) { errors.labels(...labelValues).inc() }`: a helper handed the
 * metric itself, and label values, by its callers. Each caller uses the metric it passes.
 */
export function parameterRecorder(receiver: ts.Expression, recording: ts.CallExpression): ParameterPart | undefined {
  const part = parameterPart(receiver);
  if (!part) return undefined;
  const passesParameter = recording.arguments.some(
    (arg) => parameterPart(ts.isSpreadElement(arg) ? arg.expression : arg)?.fn === part.fn,
  );
  return passesParameter ? part : undefined;
}

/**
 * `labels: (l) => counter.labels(l)` in the object a wrapper returns (`createCounter(…)` returning
 * `{ counter, labels }`): a recording that passes the method's parameters on. Each call of the
 * method on what one wrapper call returned records on that call's metric, with its own labels.
 */
export function wrapperMethodRecording(recording: ts.CallExpression): ts.SignatureDeclaration | undefined {
  const fn = enclosingFunction(recording);
  if (!fn || !methodOfReturnedObject(fn)) return undefined;
  const passesParameter = recording.arguments.some(
    (arg) => parameterPart(ts.isSpreadElement(arg) ? arg.expression : arg)?.fn === fn,
  );
  return passesParameter ? fn : undefined;
}

/** What one caller passes for a parameter or a property of it (an object literal's property); undefined when it cannot tell. */
export function passedAt(caller: Caller, part: Omit<ParameterPart, 'fn'>): ts.Expression | undefined {
  const given = caller.arguments?.[part.index];
  if (!given || ts.isSpreadElement(given)) return undefined;
  if (part.path.length === 0) return given;
  const options = skipOuter(given);
  if (!ts.isObjectLiteralExpression(options)) return undefined;
  for (const prop of options.properties) {
    if (ts.isPropertyAssignment(prop) && propertyKey(prop.name) === part.path[0]) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === part.path[0]) return prop.name;
  }
  return undefined;
}

/** The array literal (without spreads) an expression is: written there, or a `const` initialized with it. */
function arrayLiteralOf(expr: ts.Expression): ts.ArrayLiteralExpression | undefined {
  let e = skipOuter(expr);
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    if (decl?.kind === 'variable' && decl.isConst && decl.path.length === 0 && decl.node.initializer)
      e = skipOuter(decl.node.initializer);
  }
  return ts.isArrayLiteralExpression(e) && !e.elements.some(ts.isSpreadElement) ? e : undefined;
}

/**
 * The recording's arguments as one caller of the recorder gives them: a parameter of the recorder
 * (or a property of an options parameter) is what that caller passes (or the parameter's default),
 * a spread rest parameter the caller's arguments from there on, a spread option the caller's array;
 * anything else is the recorder's own.
 */
export function argumentsAt(
  recorded: readonly ts.Expression[],
  fn: ts.SignatureDeclaration,
  caller: Caller,
): (ts.Expression | undefined)[] {
  const passed = caller.arguments ?? [];
  return recorded.flatMap((arg) => {
    const spread = ts.isSpreadElement(arg);
    const part = parameterPart(spread ? arg.expression : arg);
    if (part?.fn !== fn) return [arg];
    if (spread) {
      const rest =
        part.path.length === 0 && fn.parameters[part.index]?.dotDotDotToken !== undefined
          ? passed.slice(part.index)
          : undefined;
      if (rest) return rest.some(ts.isSpreadElement) ? [arg] : rest;
      const given = passedAt(caller, part);
      const array = given && arrayLiteralOf(given);
      return array ? [...array.elements] : [arg];
    }
    const given = passedAt(caller, part);
    if (given) return [given];
    return [part.path.length === 0 ? fn.parameters[part.index]?.initializer : undefined];
  });
}
