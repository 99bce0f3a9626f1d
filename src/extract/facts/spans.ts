import { ts } from 'ts-morph';
import type { SpanFact, SpanLifecycle } from '../../types.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import type { ProvenanceAnalyzer } from '../flow/provenance.js';
import { text } from '../flow/sources.js';
import {
  encloses,
  lookup,
  outerParent,
  propertyKey,
  propertyName,
  skipOuter,
  type Declaration,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { moduleOf } from '../libraries/clients.js';

const SPAN_NAMING_CALLS = new Set(['startSpan', 'startActiveSpan', 'updateName', 'setTag', 'getTracer', 'getMeter']);
/**
 * The tag that names a span's resource in Datadog (dd-trace, OpenTracing on it): what Datadog groups
 * and indexes spans by, as a span name elsewhere.
 */
const RESOURCE_NAME_TAG = 'resource.name';
/** What an OpenTelemetry API, provider or SDK is called: `metrics`, `trace`, `meterProvider`, `otel`, `sdk`. */
const TELEMETRY_RECEIVER = /metric|meter|trac|provider|otel|telemetry|sdk|api/i;
/** OpenTelemetry spans end with `end()`; OpenTracing's and dd-trace's with `finish()`. */
const END_METHODS = new Set(['end', 'finish']);

/**
 * Span methods that return the span (OpenTelemetry's setters, dd-trace's and OpenTracing's
 * `setTag`/`addTags`), so that a call can go on from them: `span.setTag('error', err).finish()`.
 */
const CHAINABLE_METHODS = new Set([
  'setAttribute',
  'setAttributes',
  'setStatus',
  'addEvent',
  'addLink',
  'updateName',
  'setTag',
  'addTags',
  'log',
]);

/** The `end()`/`finish()` call a method access on a span leads to, directly or after chained setters. */
function chainedEnd(access: ts.PropertyAccessExpression): ts.CallExpression | undefined {
  let at = access;
  for (;;) {
    const call = at.parent;
    if (!ts.isCallExpression(call) || call.expression !== at) return undefined;
    if (END_METHODS.has(at.name.text)) return call;
    const next = call.parent;
    if (!CHAINABLE_METHODS.has(at.name.text) || !ts.isPropertyAccessExpression(next) || next.expression !== call)
      return undefined;
    at = next;
  }
}

/** Sentry's span starters (`@sentry/node` and the SDKs on it), each given its options: `startSpan({ name, op }, callback)`. */
const SENTRY_SPAN_CALLS = new Set(['startSpan', 'startSpanManual', 'startInactiveSpan']);

/** Calls that name a span, tracer or meter, and what they name it with. */
export function isSpanCall(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee)) return SENTRY_SPAN_CALLS.has(callee.text) && sentryOptionsName(call) !== undefined;
  const method = propertyName(callee);
  if (method === 'setTag') return namesResource(call);
  return method !== undefined && SPAN_NAMING_CALLS.has(method) && call.arguments.length > 0;
}

/** The `name` of the options a Sentry span starter is given first. */
function sentryOptionsName(call: ts.CallExpression): ts.Expression | undefined {
  const options = call.arguments[0] && skipOuter(call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) {
    if (keyOf(property) !== 'name') continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

/**
 * A Sentry span's name (`Sentry.startSpan({ name: file.name }, …)`, or `startSpan` imported by
 * name): what Sentry groups spans by in its performance views, as a span name elsewhere. Sentry
 * ends a `startSpan`'s span when its callback returns; the others' lifecycles are not read.
 */
function sentrySpanFact(
  call: ts.CallExpression,
  project: ProjectIndex,
  provenance: ProvenanceAnalyzer,
): SpanFact | undefined {
  const callee = skipOuter(call.expression);
  const namespace = ts.isPropertyAccessExpression(callee) ? skipOuter(callee.expression) : callee;
  if (!ts.isIdentifier(namespace) || !moduleOf(namespace, project)?.startsWith('@sentry/')) return undefined;
  const name = sentryOptionsName(call);
  if (!name) return undefined;
  const fact: SpanFact = {
    call: 'startSpan',
    name: text(name),
    bound: provenance.ofName(name),
    loc: project.location(name),
  };
  if (namedAfterRequest(skipOuter(call.arguments[0]) as ts.ObjectLiteralExpression)) fact.sentryUrlName = true;
  return fact;
}

/** Sentry's attribute keys for a span's op and for where its name comes from (`'url'`, `'route'`). */
const SENTRY_OP_KEYS = new Set(['sentry.op', 'SEMANTIC_ATTRIBUTE_SENTRY_OP']);
const SENTRY_SOURCE_KEYS = new Set(['sentry.source', 'SEMANTIC_ATTRIBUTE_SENTRY_SOURCE']);

/** Options of a Sentry span with an `http.*` op (`op: 'http.server'`, or as an attribute) or a declared name source. */
function namedAfterRequest(options: ts.ObjectLiteralExpression): boolean {
  const httpOp = (value: ts.Expression | undefined): boolean => {
    const e = value && skipOuter(value);
    return e !== undefined && ts.isStringLiteralLike(e) && /^http\./.test(e.text);
  };
  for (const property of options.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const key = keyOf(property);
    if (key === 'op' && httpOp(property.initializer)) return true;
    const attributes = key === 'attributes' ? skipOuter(property.initializer) : undefined;
    if (!attributes || !ts.isObjectLiteralExpression(attributes)) continue;
    for (const attribute of attributes.properties) {
      const name = keyOf(attribute);
      if (name === undefined || !ts.isPropertyAssignment(attribute)) continue;
      if (SENTRY_SOURCE_KEYS.has(name) || (SENTRY_OP_KEYS.has(name) && httpOp(attribute.initializer))) return true;
    }
  }
  return false;
}

/** An option's key: `name`, `'sentry.source'`, or a constant's name in brackets (`[SEMANTIC_ATTRIBUTE_SENTRY_OP]`). */
function keyOf(property: ts.ObjectLiteralElementLike): string | undefined {
  const key = property.name;
  if (!key) return undefined;
  if (!ts.isComputedPropertyName(key)) return propertyKey(key);
  const e = skipOuter(key.expression);
  return ts.isIdentifier(e) || ts.isStringLiteralLike(e) ? e.text : undefined;
}

/** `span.setTag('resource.name', value)`. */
function namesResource(call: ts.CallExpression): boolean {
  const [tag, value] = call.arguments;
  return tag !== undefined && value !== undefined && ts.isStringLiteralLike(tag) && tag.text === RESOURCE_NAME_TAG;
}

export function spanFact(
  call: ts.CallExpression,
  project: ProjectIndex,
  provenance: ProvenanceAnalyzer,
  /** Whether the called method is one the project implements (a wrapper that manages the span itself). */
  projectMethod: (callee: ts.PropertyAccessExpression) => boolean = () => false,
): SpanFact | undefined {
  const callee = skipOuter(call.expression);
  const method = propertyName(callee) as SpanFact['call'];
  if (SENTRY_SPAN_CALLS.has(calleeName(callee) ?? '') && ts.isObjectLiteralExpression(skipOuter(call.arguments[0])))
    return sentrySpanFact(call, project, provenance);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = skipOuter(callee.expression);
  // `startSpan` and `updateName` are common words: the receiver must look like a tracer or a span.
  if (method === 'startSpan' && !isTracer(receiver)) return undefined;
  // Tracers name a span first (`startSpan(name, options)`: OpenTelemetry, OpenTracing, dd-trace); a
  // `startSpan({ operationName, … })` is a project's own tracer, which keeps and ends its spans itself.
  if (method === 'startSpan' && ts.isObjectLiteralExpression(skipOuter(call.arguments[0]))) return undefined;
  if ((method === 'updateName' || method === 'setTag') && !/span/i.test(text(receiver))) return undefined;
  // `metrics.getMeter`, `tracerProvider.getTracer`: not a device's `D(vatAdmin).getMeter(meterID)`.
  if ((method === 'getMeter' || method === 'getTracer') && !TELEMETRY_RECEIVER.test(text(receiver))) return undefined;
  const name = method === 'setTag' ? call.arguments[1] : call.arguments[0];
  const fact: SpanFact = {
    call: method,
    name: text(name),
    bound: provenance.ofName(name),
    loc: project.location(name),
  };
  // A project's own `startActiveSpan` wrapper ends the span itself (or not: checked at its tracer call).
  if ((method === 'startSpan' || method === 'startActiveSpan') && !projectMethod(callee))
    fact.lifecycle = lifecycle(call, method, project);
  return fact;
}

function isTracer(expr: ts.Expression, depth = 0): boolean {
  if (depth > 4) return false;
  const e = skipOuter(expr);
  if (ts.isCallExpression(e)) return propertyName(skipOuter(e.expression)) === 'getTracer';
  if (/tracer$/i.test(propertyName(e) ?? (ts.isIdentifier(e) ? e.text : ''))) return true;
  if (ts.isIdentifier(e)) {
    const decl = lookup(e.text, e);
    return (
      decl?.kind === 'variable' &&
      decl.path.length === 0 &&
      decl.node.initializer !== undefined &&
      isTracer(decl.node.initializer, depth + 1)
    );
  }
  return false;
}

/**
 * Whether a context made around the span leaves the function: stored (`map.set(key, ctx)`, a
 * property), returned, or handed to a call other than `context.with`/`bind`. Held in a local
 * variable or run in place, it ends where the span's own uses say.
 */
function contextEscapes(made: ts.CallExpression): boolean {
  let node: ts.Node = made;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const holder = node.parent;
  if (ts.isVariableDeclaration(holder)) return false;
  if (ts.isCallExpression(holder) && holder.expression !== node) {
    const callee = propertyName(holder.expression);
    return callee !== 'with' && callee !== 'bind';
  }
  return ts.isReturnStatement(holder) || ts.isBinaryExpression(holder) || ts.isPropertyAssignment(holder);
}

/**
 * Whether a started span is ended on every path, read from the syntax of the function that starts
 * it: an `end()` in `finally` ends it always; `end()` only in `try` leaks it when the try throws; a
 * `return` or `throw` after the start with no `end()` before it leaks it on that path.
 */
function lifecycle(
  call: ts.CallExpression,
  method: 'startSpan' | 'startActiveSpan',
  project: ProjectIndex,
): SpanLifecycle {
  let spanName: ts.Identifier | undefined;
  let scope: ts.Node | undefined;
  if (method === 'startActiveSpan') {
    const callback = [...call.arguments]
      .reverse()
      .find((a): a is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
    const param = callback?.parameters[0];
    if (!callback || !param || !ts.isIdentifier(param.name)) return { status: 'escapes' };
    spanName = param.name;
    scope = callback.body;
  } else {
    const holder = outerParent(call);
    if (ts.isExpressionStatement(holder)) return { status: 'never', variable: '(discarded)' };
    if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return { status: 'escapes' };
    spanName = holder.name;
    scope = functionBodyOf(holder);
  }
  const decl = lookup(spanName.text, spanName);
  const ends: ts.CallExpression[] = [];
  let escapes = false;
  forEachDescendant(scope, (node) => {
    if (
      !ts.isIdentifier(node) ||
      node.text !== spanName.text ||
      node === spanName ||
      !sameDeclaration(lookup(node.text, node), decl)
    )
      return;
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
      const end = chainedEnd(parent);
      if (end) ends.push(end);
      return;
    }
    // Returned, stored, or handed to a function other than context helpers: ended elsewhere, maybe.
    // A context holding it (`trace.setSpan(ctx, span)`) escapes with it when that is stored or
    // returned (`contextMap.set(request, trace.setSpan(ctx, span))`, ended in a later hook).
    const helper = ts.isCallExpression(parent) ? propertyName(parent.expression) : undefined;
    if (helper === 'with' || helper === 'bind') return;
    if ((helper === 'setSpan' || helper === 'setSpanContext') && !contextEscapes(parent as ts.CallExpression)) return;
    escapes = true;
  });
  const variable = spanName.text;
  if (escapes) return { status: 'escapes', variable };
  if (ends.length === 0) return { status: 'never', variable };
  if (ends.some((end) => inFinally(end, scope))) return { status: 'ended', variable };
  const leakingTry = ends.every((end) => insideTryBlock(end, scope)) ? tryWithoutEnd(ends, scope) : undefined;
  if (leakingTry)
    return {
      status: 'try-without-finally',
      variable,
      loc: project.location(leakingTry),
      exit: ts.isCatchClause(leakingTry) ? 'catch' : 'try',
    };
  // The span is live from the start call on; for startActiveSpan, from the top of its callback.
  const start = method === 'startActiveSpan' ? scope.getStart() : call.getEnd();
  const lastEnd = Math.max(...ends.map((e) => e.getStart()));
  let exit: ts.Node | undefined;
  forEachDescendant(scope, (node) => {
    if (exit || (node !== scope && ts.isFunctionLike(node))) return false;
    if (
      (ts.isReturnStatement(node) || ts.isThrowStatement(node)) &&
      node.getStart() > start &&
      node.getStart() < lastEnd &&
      !endedBefore(node, ends) &&
      !(ts.isThrowStatement(node) && caughtWhereEnded(node, ends, scope)) &&
      // `return promise.then(() => span.finish(), …)`: what it returns ends the span.
      !ends.some((end) => end.pos >= node.pos && end.end <= node.end)
    )
      exit = node;
  });
  if (exit)
    return {
      status: 'early-exit',
      variable,
      loc: project.location(exit),
      exit: ts.isReturnStatement(exit) ? 'return' : 'throw',
    };
  return { status: 'ended', variable };
}

function functionBodyOf(node: ts.Node): ts.Node {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body) return (n as ts.FunctionLikeDeclaration).body!;
    if (ts.isSourceFile(n)) return n;
  }
  return node.getSourceFile();
}

function sameDeclaration(a: Declaration | undefined, b: Declaration | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.kind === b.kind &&
    (a as { node: ts.Node }).node === (b as { node: ts.Node }).node
  );
}

function ancestors(node: ts.Node, scope: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  for (let n = node.parent; n && n !== scope; n = n.parent) out.push(n);
  return out;
}

/** The nearest try statement whose `part` (its try block or finally block) holds the node. */
function enclosingTry(node: ts.Node, scope: ts.Node, part: 'tryBlock' | 'finallyBlock'): ts.TryStatement | undefined {
  let child: ts.Node = node;
  for (const n of ancestors(node, scope)) {
    if (ts.isTryStatement(n) && n[part] === child) return n;
    child = n;
  }
  return undefined;
}

const inFinally = (node: ts.Node, scope: ts.Node): boolean => enclosingTry(node, scope, 'finallyBlock') !== undefined;
const insideTryBlock = (node: ts.Node, scope: ts.Node): boolean => enclosingTry(node, scope, 'tryBlock') !== undefined;

/**
 * Where a span ended only inside `try { … }` leaks: the catch clause that does not end it, or the
 * try itself when there is no catch (the exception propagates past every `end()`).
 */
function tryWithoutEnd(ends: ts.CallExpression[], scope: ts.Node): ts.Node | undefined {
  for (const end of ends) {
    const statement = enclosingTry(end, scope, 'tryBlock');
    if (!statement) continue;
    const handler = statement.catchClause;
    if (!handler) return statement;
    if (!ends.some((e) => e.pos >= handler.pos && e.end <= handler.end)) return handler;
  }
  return undefined;
}

/**
 * A throw the nearest enclosing `try` catches (a throw in an inner `catch` goes on to the next
 * `try` out), where that catch clause ends the span: `catch (err) { span.end(); throw err; }`.
 */
function caughtWhereEnded(exit: ts.ThrowStatement, ends: ts.CallExpression[], scope: ts.Node): boolean {
  let child: ts.Node = exit;
  for (const n of ancestors(exit, scope)) {
    if (ts.isTryStatement(n) && n.tryBlock === child && n.catchClause) {
      const handler = n.catchClause;
      return ends.some((e) => encloses(handler, e));
    }
    child = n;
  }
  return false;
}

/** An `end()` that runs before this exit: earlier in the source, in a block that contains the exit. */
function endedBefore(exit: ts.Node, ends: ts.CallExpression[]): boolean {
  return ends.some((end) => {
    if (end.getStart() > exit.getStart()) return false;
    const block = enclosingBlock(end);
    return block !== undefined && exit.pos >= block.pos && exit.end <= block.end;
  });
}

function enclosingBlock(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isCaseClause(n)) return n;
  return undefined;
}
