import { ts } from 'ts-morph';
import { calledFunction, callsOfParameter, callsTo } from '../syntax/functions.js';
import type { GrpcClients, GrpcCall } from '../libraries/grpc.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction, functionName, lookup, propertyName, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import type { Caller } from '../flow/call-graph.js';
import { assignedValues } from '../flow/variable-writes.js';
import { carrierField } from './message-carrier.js';
import { namesDeadLetters } from '../libraries/messaging-modules.js';

/**
 * Trace context reaching an outbound call: a `traceparent` key in what it sends, a carrier that
 * `propagation.inject` filled in the same function, a helper (or axios interceptor) that injects.
 */
export function injected(
  call: ts.CallExpression | ts.NewExpression,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): string | undefined {
  const args = [...(call.arguments ?? [])];
  if (args.some((a) => mentionsTraceparent(a))) return 'traceparent header';
  const carriers = injectedCarriers(outerFunction(call) ?? call.getSourceFile());
  if (args.some((a) => mentionsAny(a, carriers))) return 'propagation.inject';
  if (args.some((a) => callsInjectingHelper(a, project))) return 'propagation.inject (helper)';
  const field = carrierField(args, project);
  if (field) return `a trace carrier in the message (\`${field}\`)`;
  if (injectedByCallers(call, args, project, callersOf)) return 'propagation.inject (by the callers)';
  const receiver = ts.isPropertyAccessExpression(skipOuter(call.expression))
    ? skipOuter((skipOuter(call.expression) as ts.PropertyAccessExpression).expression)
    : undefined;
  if (receiver && interceptorInjects(receiver)) return 'axios interceptor';
  return undefined;
}

/**
 * `_enqueue(message) { topic.publishMessage({ json: message }) }` where every call of `_enqueue`
 * passes a message holding a carrier its function filled (`this._enqueue({ ...message, traceContext:
 * carrier })` after `propagation.inject(context.active(), carrier)`): the callers inject it.
 */
function injectedByCallers(
  call: ts.CallExpression | ts.NewExpression,
  args: readonly ts.Expression[],
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): boolean {
  let fn = enclosingFunction(call);
  // `new Promise((resolve, reject) => ch.sendToQueue(…, (err) => …))`: the function making the promise sends.
  while (fn && !functionName(fn) && isPromiseExecutor(fn)) fn = enclosingFunction(fn);
  const name = fn && functionName(fn);
  if (!fn || !name) return false;
  const sent = fn.parameters.flatMap((p, i) =>
    ts.isIdentifier(p.name) && args.some((a) => isOrMentions(a, new Set([(p.name as ts.Identifier).text]))) ? [i] : [],
  );
  if (sent.length === 0) return false;
  // A call with fewer arguments than the method requires calls another method of that name
  // (`queue.send(message)` on the wrapper, not the client's `send(message, headers)`), in TypeScript.
  const required = /\.[cm]?tsx?$/.test(fn.getSourceFile().fileName)
    ? fn.parameters.filter((p) => !p.questionToken && !p.initializer && !p.dotDotDotToken).length
    : 0;
  const callers = callsOfFunction(fn, name, project, callersOf, true).filter(
    (c) => (c.arguments?.length ?? 0) >= required,
  );
  return (
    callers.length > 0 &&
    callers.every((caller) => {
      const carriers = injectedCarriers(outerFunction(caller) ?? caller.getSourceFile());
      return sent.some((i) => {
        const arg = caller.arguments?.[i];
        return (
          arg !== undefined && (holdsCarrier(arg, carriers) || handedInjected(arg, project) || replaysDeadLetter(arg))
        );
      });
    })
  );
}

/** Whether an expression is, or mentions, a carrier, or is a variable set to a value that holds one. */
function holdsCarrier(node: ts.Expression, carriers: Set<string>): boolean {
  if (isOrMentions(node, carriers)) return true;
  const e = skipOuter(node);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  if (decl?.kind !== 'variable' || decl.path.length > 0) return false;
  // `outgoing = { ...envelope, traceparent: carrier.traceparent }` after `let outgoing = envelope`.
  return (assignedValues(decl) ?? []).some(({ value }) => mentionsTraceparent(value) || isOrMentions(value, carriers));
}

/**
 * `(envelope) => publisher.publish(topic, envelope)` handed to `publishWithSpan(row, send)`, which
 * calls `send(outgoing)` with the context it injected in `outgoing`: the parameter is what every
 * call of the callback passes, a value holding the carrier.
 */
function handedInjected(node: ts.Expression, project: ProjectIndex): boolean {
  const e = skipOuter(node);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  if (decl?.kind !== 'parameter' || decl.path.length > 0) return false;
  const callback = decl.fn;
  const handedTo = callback.parent;
  if (!ts.isCallExpression(handedTo)) return false;
  const at = handedTo.arguments.findIndex((a) => a === callback);
  const outer = at >= 0 ? calledFunction(handedTo.expression, project) : undefined;
  const param = outer?.parameters[at];
  if (!outer || !param) return false;
  const calls = callsOfParameter(outer, param);
  const carriers = injectedCarriers(outer);
  return (
    calls.length > 0 &&
    calls.every((call) => {
      const passed = call.arguments[decl.index];
      return passed !== undefined && (mentionsTraceparent(passed) || holdsCarrier(passed, carriers));
    })
  );
}

/**
 * `env` of `const env = parse(JSON.parse(msg.content.toString()))` after `const msg = await
 * ch.get(dlq)`: a dead-lettered message sent again as it was first sent, with whatever context it
 * carried then; an operator's replay, behind which no request is.
 */
function replaysDeadLetter(node: ts.Expression): boolean {
  const e = skipOuter(node);
  const decl = ts.isIdentifier(e) ? lookup(e.text, e) : undefined;
  const init = decl?.kind === 'variable' ? decl.node.initializer : undefined;
  if (!init) return false;
  let replayed = false;
  forEachDescendant(init, (n) => {
    if (replayed) return false;
    if (!ts.isIdentifier(n)) return;
    const read = lookup(n.text, n);
    const value = read?.kind === 'variable' && read.node.initializer ? skipOuter(read.node.initializer) : undefined;
    const got = value && ts.isAwaitExpression(value) ? skipOuter(value.expression) : value;
    replayed =
      got !== undefined &&
      ts.isCallExpression(got) &&
      propertyName(got.expression) === 'get' &&
      got.arguments[0] !== undefined &&
      namesDeadLetters(got.arguments[0].getText());
    return !replayed;
  });
  return replayed;
}

/** Whether an expression is, or mentions, one of the names. */
function isOrMentions(node: ts.Expression, of: Set<string>): boolean {
  const e = skipOuter(node);
  return (ts.isIdentifier(e) && of.has(e.text)) || mentionsAny(e, of);
}

/**
 * The function a call's carrier is filled in: the outermost of the functions around it (a callback
 * passed to `new Promise` sends what its enclosing function filled), a few levels up.
 */
function outerFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  let outer = enclosingFunction(node);
  for (let hops = 0, fn = outer && enclosingFunction(outer); fn && hops < 3; fn = enclosingFunction(fn), hops++)
    outer = fn;
  return outer;
}

/**
 * A function's calls: by name and import, else through the call graph (a method called through a
 * field declared as the project's interface, `this.inner.send(message, headers)`).
 */
export function callsOfFunction(
  fn: ts.SignatureDeclaration,
  name: string,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  /** Both: the calls by name and import, and those only the call graph ties to the function. */
  every = false,
): readonly Caller[] {
  const named = callsTo(fn, name, project);
  if (named.length === 0) return callersOf(fn);
  return every ? [...new Set([...named, ...callersOf(fn)])] : named;
}

/** `(resolve, reject) => …` handed to `new Promise`. */
function isPromiseExecutor(fn: ts.SignatureDeclaration): boolean {
  const made = fn.parent;
  return (
    ts.isNewExpression(made) &&
    ts.isIdentifier(made.expression) &&
    made.expression.text === 'Promise' &&
    made.arguments?.[0] === fn
  );
}

/** W3C's header, Jaeger's (what jaeger-client injects unless told to use W3C) and Sentry's (what `Sentry.continueTrace` reads). */
const TRACE_HEADERS = new Set(['traceparent', 'uber-trace-id', 'sentry-trace']);

function mentionsTraceparent(node: ts.Node): boolean {
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if ((ts.isStringLiteralLike(n) || ts.isIdentifier(n)) && TRACE_HEADERS.has(n.text.toLowerCase())) found = true;
    else if (ts.isCallExpression(n) && isSentryTraceData(n)) found = true;
  });
  return found;
}

/** `Sentry.getTraceData()`: the active trace's `sentry-trace` and `baggage` (and `traceparent`), to send by hand. */
function isSentryTraceData(call: ts.CallExpression): boolean {
  return calleeName(skipOuter(call.expression)) === 'getTraceData';
}

function mentionsAny(node: ts.Node, names: Set<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if (ts.isIdentifier(n) && names.has(n.text)) found = true;
  });
  return found;
}

/** Names of the carriers `propagation.inject(ctx, carrier)` fills in this scope. */
function injectedCarriers(scope: ts.Node): Set<string> {
  const names = new Set<string>();
  forEachDescendant(scope, (n) => {
    // `const trace = Sentry.getTraceData()`: the carrier filled by Sentry.
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const init = skipOuter(n.initializer);
      if (ts.isCallExpression(init) && isSentryTraceData(init)) names.add(n.name.text);
    } else if (
      ts.isCallExpression(n) &&
      propertyName(skipOuter(n.expression)) === 'inject' &&
      /propagation/.test(n.expression.getText())
    )
      addCarrier(names, n.arguments[1]);
    // OpenTracing: `tracer.inject(span.context(), FORMAT_HTTP_HEADERS, carrier)`.
    else if (
      ts.isCallExpression(n) &&
      propertyName(skipOuter(n.expression)) === 'inject' &&
      n.arguments.length >= 3 &&
      OPENTRACING_FORMAT.test(n.arguments[1].getText())
    )
      addCarrier(names, n.arguments[2]);
  });
  // `headers.traceparent = traceparent`, `headers['traceparent'] = …`: the header set by hand.
  forEachDescendant(scope, (n) => {
    if (!ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const left = skipOuter(n.left);
    const key = ts.isPropertyAccessExpression(left)
      ? left.name.text
      : ts.isElementAccessExpression(left) && ts.isStringLiteralLike(left.argumentExpression)
        ? left.argumentExpression.text
        : undefined;
    const target = key && TRACE_HEADERS.has(key.toLowerCase()) && skipOuter((left as ts.AccessExpression).expression);
    if (target && ts.isIdentifier(target)) names.add(target.text);
  });
  // Metadata or headers the context is copied into: `metadata.set('traceparent', …)`,
  // `metadata.set(k, carrier[k])`, `hdrs.set(k, v)` in a loop over `Object.entries(carrier)`.
  forEachDescendant(scope, (n) => {
    if (!ts.isCallExpression(n) || !['set', 'add', 'append'].includes(propertyName(skipOuter(n.expression)) ?? ''))
      return;
    const target = skipOuter((skipOuter(n.expression) as ts.PropertyAccessExpression).expression);
    if (!ts.isIdentifier(target) || names.has(target.text)) return;
    if (n.arguments.some((a) => mentionsTraceparent(a) || mentionsAny(a, names)) || inLoopOver(n, names))
      names.add(target.text);
  });
  return names;
}

/** Whether a node is inside a `for … of` over one of the carriers (`Object.entries(carrier)`). */
function inLoopOver(node: ts.Node, carriers: Set<string>): boolean {
  for (let at = node.parent; at && !ts.isFunctionLike(at); at = at.parent)
    if (ts.isForOfStatement(at) || ts.isForInStatement(at)) return mentionsAny(at.expression, carriers);
  return false;
}

function addCarrier(names: Set<string>, arg: ts.Expression | undefined): void {
  const carrier = arg && skipOuter(arg);
  if (carrier && ts.isIdentifier(carrier)) names.add(carrier.text);
  if (carrier && ts.isPropertyAccessExpression(carrier)) names.add(carrier.name.text);
}

function callsInjectingHelper(node: ts.Node, project: ProjectIndex): boolean {
  let found = false;
  forEachDescendant(node, (n) => {
    if (found) return false;
    if (ts.isCallExpression(n)) {
      const helper = calledFunction(n.expression, project);
      if (helper && INJECTS.test(helper.getText())) found = true;
    }
  });
  return found;
}

/**
 * Code that puts trace context into what it sends: OpenTelemetry's `propagation.inject`, an
 * OpenTracing `tracer.inject(span, FORMAT_HTTP_HEADERS | FORMAT_TEXT_MAP, carrier)`, a
 * `traceparent`, Jaeger `uber-trace-id` or `sentry-trace` key, Sentry's `getTraceData()`,
 * nice-grpc's OpenTelemetry client middleware.
 */
const INJECTS =
  /propagation\s*\.\s*inject\s*\(|traceparent|uber-trace-id|sentry-trace|getTraceData\s*\(|\.inject\s*\([^;]*FORMAT_(?:HTTP_HEADERS|TEXT_MAP)|openTelemetryClientMiddleware/i;
const OPENTRACING_FORMAT = /FORMAT_(?:HTTP_HEADERS|TEXT_MAP)$|^['"](?:http_headers|text_map)['"]$/;

/**
 * A gRPC client built with an interceptor or middleware that injects (`interceptors: [tracing]`,
 * `createClientFactory().use(openTelemetryClientMiddleware())`): every call on it carries the context.
 */
export function clientInjects(rpc: GrpcCall, project: ProjectIndex): string | undefined {
  if (!rpc.origin) return undefined;
  let found: string | undefined;
  forEachDescendant(rpc.origin, (n) => {
    if (found) return false;
    if (!ts.isIdentifier(n)) return;
    if (n.text === 'openTelemetryClientMiddleware') found = 'nice-grpc-opentelemetry middleware';
    else if (ts.isCallExpression(n.parent) && n.parent.expression === n) {
      const helper = calledFunction(n, project);
      if (helper && INJECTS.test(helper.getText())) found = 'client interceptor';
    } else {
      let decl = lookup(n.text, n);
      if (decl?.kind === 'import') decl = project.followImport(decl);
      const value =
        decl?.kind === 'function' ? decl.node : decl?.kind === 'variable' ? decl.node.initializer : undefined;
      if (value && INJECTS.test(value.getText())) found = 'client interceptor';
    }
  });
  return found;
}

export const serviceKey = (rpc: GrpcCall): string => `${rpc.client}:${rpc.service}`;

/**
 * Services whose every client the project builds carries the context (an injecting interceptor or
 * middleware at each `new`, `createClient` or factory): a client known only by its type (injected
 * into a constructor) is one of those. A service also built without one may be that one.
 */
export function servicesBuiltInjecting(grpc: GrpcClients, project: ProjectIndex): Map<string, string> {
  const verdicts = new Map<string, string | undefined>();
  for (const built of grpc.constructions()) {
    const key = serviceKey(built);
    const how = clientInjects(built, project);
    const where =
      how &&
      `${how} where it is built (${project.location(built.origin!).file}:${project.location(built.origin!).line})`;
    verdicts.set(key, verdicts.has(key) && verdicts.get(key) === undefined ? undefined : where);
  }
  const out = new Map<string, string>();
  for (const [key, how] of verdicts) if (how) out.set(key, how);
  return out;
}

/** `client.interceptors.request.use((config) => { propagation.inject(…, config.headers) … })` anywhere in the file. */
/** `axios.interceptors.request.use(fn)` on the default axios whose interceptor injects trace context (itself or through a helper). */
export function injectingAxiosInterceptor(call: ts.CallExpression, project: ProjectIndex): boolean {
  const callee = skipOuter(call.expression);
  if (!/^axios\s*\.\s*interceptors\s*\.\s*request\s*\.\s*use$/.test(callee.getText())) return false;
  const axios = lookup('axios', callee);
  if (axios?.kind !== 'import' || axios.module !== 'axios') return false;
  return call.arguments.some((a) => INJECTS.test(a.getText()) || callsInjectingHelper(a, project));
}

function interceptorInjects(receiver: ts.Expression): boolean {
  const name = ts.isIdentifier(receiver) ? receiver.text : propertyName(receiver);
  if (!name) return false;
  const decl = ts.isIdentifier(receiver) ? lookup(name, receiver) : undefined;
  let found = false;
  forEachDescendant(receiver.getSourceFile(), (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || propertyName(n.expression) !== 'use') return;
    const text = n.expression.getText();
    if (!new RegExp(`\\b${name}\\s*\\.\\s*interceptors\\s*\\.\\s*request\\s*\\.\\s*use$`).test(text)) return;
    const base = n.expression.getText().split('.')[0].trim();
    if (decl && base === name && lookup(name, n) !== decl && lookup(name, n)?.kind !== decl.kind) return;
    if (INJECTS.test(n.getText())) found = true;
  });
  return found;
}
