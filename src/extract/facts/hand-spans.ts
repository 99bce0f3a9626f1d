import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import { calledFunction } from '../syntax/functions.js';
import { calleeName, type ProjectIndex } from '../syntax/project-index.js';
import { enclosingFunction, skipOuter } from '../syntax/scope.js';

/** `startActiveSpan`, `context.with`, `withActiveSpan`, `withSpan`: code that makes a span active by hand. */
export const ACTIVATES_SPANS = /\.startActiveSpan\s*[<(]|\bcontext\.with\s*\(|\bwithActiveSpan\s*\(|\bwithSpan\s*\(/;

/** Calls whose callback runs with a span made active: the tracer's and the context API's own. */
const SPAN_RUNNERS = new Set(['startActiveSpan', 'withActiveSpan', 'withSpan']);
/** How many callers up obslint looks for the span a function runs in. */
const CALLER_LEVELS = 3;

/**
 * Where a service that registers no instrumentation has a trace at all: inside the spans its code
 * makes active by hand (`tracer.startActiveSpan(name, async (span) => …)`, `context.with(ctx, fn)`,
 * or the callback of a project function that does so, `withMcpSpan(tool, id, async () => …)`), and
 * in the functions called from there.
 */
export class HandSpans {
  private readonly memo = new Map<ts.SignatureDeclaration, boolean>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  ) {}

  /** Whether `node` runs inside a span made active by hand. */
  encloses(node: ts.Node, depth = 0): boolean {
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      if (this.runsAsSpan(fn)) return true;
      // A callback (`.then(() => …)`, `items.map(…)`) runs where the function around it does.
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(outer(fn))) continue;
      return depth < CALLER_LEVELS && this.calledInSpan(fn, depth);
    }
    return false;
  }

  private calledInSpan(fn: ts.SignatureDeclaration, depth: number): boolean {
    let known = this.memo.get(fn);
    if (known === undefined) {
      // Asked again while answering (recursion): not in a span by that path.
      this.memo.set(fn, false);
      const callers = this.callersOf(fn);
      // A function of an object handed to code obslint does not read (`graphql: (q) => …` of the
      // context a sandbox runs user code with, inside a span): it may run there, so its calls are checked.
      known = callers.length === 0 ? objectMember(fn) : callers.some((caller) => this.encloses(caller, depth + 1));
      this.memo.set(fn, known);
    }
    return known;
  }

  /** A callback handed to a span runner, or to a project function whose body makes a span active. */
  private runsAsSpan(fn: ts.SignatureDeclaration): boolean {
    if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return false;
    const call = outer(fn);
    if (!ts.isCallExpression(call) || !call.arguments.includes(fn)) return false;
    const callee = skipOuter(call.expression);
    const name = calleeName(callee);
    if (name !== undefined && SPAN_RUNNERS.has(name)) return true;
    // `context.with(trace.setSpan(context.active(), span), fn)` of the context API.
    if (ts.isPropertyAccessExpression(callee) && name === 'with' && /\bcontext$/.test(callee.expression.getText()))
      return true;
    const wrapper = calledFunction(call.expression, this.project);
    return (
      wrapper !== undefined &&
      'body' in wrapper &&
      wrapper.body !== undefined &&
      ACTIVATES_SPANS.test(wrapper.body.getText())
    );
  }
}

function outer(fn: ts.Node): ts.Node {
  let n = fn.parent;
  while (n && (ts.isParenthesizedExpression(n) || ts.isAsExpression(n))) n = n.parent;
  return n;
}

/** A function that is an object literal's method or property value (`{ graphql: async (q) => … }`). */
function objectMember(fn: ts.SignatureDeclaration): boolean {
  return (
    (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent)) ||
    ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
      ts.isPropertyAssignment(outer(fn)) &&
      ts.isObjectLiteralExpression(outer(fn).parent))
  );
}
