import { ts } from 'ts-morph';
import { calledFunction } from '../syntax/functions.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { assignmentsIn, constInitializer, functionName, lookup, propertyName, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import type { Caller } from '../flow/call-graph.js';
import { calleeModule, fieldInitializer } from './syntax-lookups.js';
import { callsOfFunction } from './trace-injection.js';

/**
 * A consumer's handler that extracts the context from the message it receives: itself, through
 * helpers (`startChildSpan(job.data.otel_carrier)` → `extractSpan` → `propagation.extract`), or, for
 * a factory's parameter (`createWorker(name, processor)`), in the handlers the factory's callers pass.
 */
export function extracted(
  handler: ts.Node | undefined,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  seen = new Set<ts.Node>(),
): string | undefined {
  if (!handler || seen.has(handler) || seen.size > 8) return undefined;
  seen.add(handler);
  let fn: ts.Node | undefined = ts.isExpression(handler) ? skipOuter(handler) : handler;
  if (ts.isIdentifier(fn)) {
    // The factory's callers restore the context in their handlers (the ones that do not are cron and
    // maintenance jobs): the fix, where one is missing, is in that handler, not in the factory.
    const passed = handlersPassedFor(fn, project, callersOf);
    if (passed)
      return passed.some((h) => extracted(h, project, callersOf, seen))
        ? 'propagation.extract (in the handlers passed)'
        : undefined;
    fn = calledFunction(fn, project);
  }
  return (
    fn &&
    (extractsIn(fn, project, new Set()) ??
      dispatchedByLookup(fn, project) ??
      callsPassedHandler(fn, project, callersOf, seen))
  );
}

/**
 * `eachMessage: async ({ message }) => { await callback(message) }` where `callback` is the
 * parameter of the `subscribe(callback)` around it: the handlers `subscribe`'s callers pass (a traced
 * wrapper's `instrumentedCallback`, which extracts the context and runs the callback in it).
 */
function callsPassedHandler(
  fn: ts.Node,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  seen: Set<ts.Node>,
): string | undefined {
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || !ts.isIdentifier(skipOuter(n.expression))) return;
    const passed = handlersPassedFor(skipOuter(n.expression) as ts.Identifier, project, callersOf);
    if (passed?.some((h) => extracted(h, project, callersOf, seen)))
      found = 'propagation.extract (in the handlers passed)';
  });
  return found;
}

/**
 * A handler that hands each message to a function it looks up at run time (`jobFn =
 * registry.get(job.name); await jobFn(args, context)`, `handlers[job.type](job.data)`): read where
 * the lookup is a constant map of the project's functions (`{ created: onCreated }`), else beyond
 * reading, so no claim is made about the consumer.
 */
function dispatchedByLookup(fn: ts.Node, project: ProjectIndex): string | undefined {
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n) || calledFunction(n.expression, project)) return;
    const callee = skipOuter(n.expression);
    let lookups = [callee];
    if (ts.isIdentifier(callee)) {
      const decl = lookup(callee.text, callee);
      if (decl?.kind !== 'variable' || decl.path.length !== 0) return;
      lookups = [
        ...(decl.node.initializer ? [decl.node.initializer] : []),
        ...assignmentsIn(fn, callee.text, decl.node).map((a) => a.right),
      ];
    }
    for (const at of lookups.map(skipOuter).filter(isRunTimeLookup)) {
      const held = ts.isElementAccessExpression(at) ? constantHandlers(at.expression, project) : undefined;
      if (!held)
        found = `hands each message to a function looked up at run time (\`${at.getText()}\`), beyond obslint's reading`;
      else if (held.some((h) => extractsIn(h, project, new Set())))
        found = 'propagation.extract (in the handlers a map holds)';
      if (found) return;
    }
  });
  return found;
}

/** `handlers[job.type]`, `registry.get(job.name)`: a value chosen by a key known only at run time. */
function isRunTimeLookup(e: ts.Expression): e is ts.ElementAccessExpression | ts.CallExpression {
  if (ts.isElementAccessExpression(e)) return !ts.isStringLiteralLike(skipOuter(e.argumentExpression));
  return (
    ts.isCallExpression(e) &&
    propertyName(skipOuter(e.expression)) === 'get' &&
    e.arguments.length === 1 &&
    !ts.isStringLiteralLike(skipOuter(e.arguments[0]))
  );
}

/**
 * `const handlers = { created: onCreated, deleted: (job) => … }` (or a class field so initialized):
 * the functions a constant map of handlers holds, when each is one the project declares; else undefined.
 */
function constantHandlers(map: ts.Expression, project: ProjectIndex): ts.SignatureDeclaration[] | undefined {
  const holder = skipOuter(map);
  const init = ts.isIdentifier(holder) ? constInitializer(holder) : fieldInitializer(holder);
  if (!init || !ts.isObjectLiteralExpression(init)) return undefined;
  const fns: ts.SignatureDeclaration[] = [];
  for (const property of init.properties) {
    if (ts.isMethodDeclaration(property)) {
      fns.push(property);
      continue;
    }
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : undefined;
    const held = value && calledFunction(value, project);
    if (!held) return undefined;
    fns.push(held);
  }
  return fns;
}

/** Whether code extracts trace context, itself or through the project's helpers (a few calls deep). */
function extractsIn(fn: ts.Node, project: ProjectIndex, seen: Set<ts.Node>): string | undefined {
  seen.add(fn);
  let found: string | undefined;
  forEachDescendant(fn, (n) => {
    if (found) return false;
    if (!ts.isCallExpression(n)) return;
    if (propertyName(skipOuter(n.expression)) === 'extract' && /propagation/.test(n.expression.getText())) {
      found = seen.size === 1 ? 'propagation.extract' : 'propagation.extract (helper)';
      return;
    }
    if (continuesSentryTrace(n, project)) {
      found = seen.size === 1 ? 'Sentry.continueTrace' : 'Sentry.continueTrace (helper)';
      return;
    }
    const helper = calledFunction(n.expression, project);
    if (helper && !seen.has(helper) && seen.size < 4 && extractsIn(helper, project, seen))
      found = 'propagation.extract (helper)';
  });
  return found;
}

/**
 * `new Worker(name, processor)` where `processor` is a parameter of the function around it: the
 * handlers that function's callers pass. Undefined when the handler is no such parameter.
 */
function handlersPassedFor(
  id: ts.Identifier,
  project: ProjectIndex,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
): ts.Expression[] | undefined {
  const decl = lookup(id.text, id);
  if (decl?.kind !== 'parameter' || decl.path.length !== 0) return undefined;
  const name = functionName(decl.fn);
  if (!name) return undefined;
  return callsOfFunction(decl.fn, name, project, callersOf).flatMap((call) => call.arguments?.[decl.index] ?? []);
}

/** `Sentry.continueTrace({ sentryTrace, baggage }, callback)`: a consumer restoring what a producer sent. */
function continuesSentryTrace(call: ts.CallExpression, project: ProjectIndex): boolean {
  if (calleeName(skipOuter(call.expression)) !== 'continueTrace') return false;
  return calleeModule(call, project)?.startsWith('@sentry/') === true;
}
