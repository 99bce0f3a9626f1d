import { ts } from 'ts-morph';
import type { Caller } from '../flow/call-graph.js';
import type { StaticEvaluator } from '../flow/static-eval.js';
import { constInitializer, lookup, propertyKey, propertyName, skipOuter } from '../syntax/scope.js';

/** A delay from which on a job runs apart from the request that queued it: an hour. */
const DETACHED_DELAY_MS = 60 * 60 * 1000;

/** How many wrapper functions deep the options of an `add` are followed to their callers. */
const WRAPPER_HOPS = 2;

/** How a job's delay reads in a message (`24 h`, `3 days`, `until a set time`), and how long it is. */
export interface JobDelay {
  ms: number;
  text: string;
}

/**
 * `queue.add('check', data, { delay: 24 * 60 * 60 * 1000 })`: a job that runs a day after the request
 * that queued it is no part of that request's trace (a link at most). Says how long, when the delay
 * is a constant of an hour or more (`24 * HOUR_MS`, an imported constant), or that the job waits for
 * a moment the code chose (`delay: sendAt.getTime() - Date.now()`). The options may come from the
 * callers of a queue's wrapper (`addJob(job, opts) { return this.queue.add(name, job, { ...opts }) }`),
 * then every caller must pass such a delay.
 */
export function detachedDelay(
  call: ts.CallExpression | ts.NewExpression,
  evaluator: StaticEvaluator,
  callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[] = () => [],
): JobDelay | undefined {
  if (!ts.isCallExpression(call) || propertyName(skipOuter(call.expression)) !== 'add') return undefined;
  const named = call.arguments[0] !== undefined && ts.isStringLiteralLike(skipOuter(call.arguments[0]));
  const options = call.arguments[named || call.arguments.length > 2 ? 2 : 1];
  return options && new DelayReader(evaluator, callersOf).inOptions(options, 0);
}

class DelayReader {
  constructor(
    private readonly evaluator: StaticEvaluator,
    private readonly callersOf: (fn: ts.SignatureDeclaration) => readonly Caller[],
  ) {}

  /** The delay an options object sets: its last `delay`, or what a spread after it brings. */
  inOptions(options: ts.Expression, hops: number): JobDelay | undefined {
    const e = skipOuter(options);
    if (ts.isIdentifier(e)) return this.passed(e, hops, (value, depth) => this.inOptions(value, depth));
    if (!ts.isObjectLiteralExpression(e)) return undefined;
    for (const p of [...e.properties].reverse()) {
      if (ts.isPropertyAssignment(p) && propertyKey(p.name) === 'delay') return this.ofValue(p.initializer, hops);
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'delay') return this.ofValue(p.name, hops);
      if (ts.isSpreadAssignment(p)) {
        const spread = this.inOptions(p.expression, hops);
        if (spread) return spread;
      }
    }
    return undefined;
  }

  private ofValue(value: ts.Expression, hops: number): JobDelay | undefined {
    const known = this.evaluator.eval(value);
    if (known.k === 'num') return known.v >= DETACHED_DELAY_MS ? { ms: known.v, text: duration(known.v) } : undefined;
    const e = skipOuter(value);
    if (ts.isIdentifier(e) && lookup(e.text, e)?.kind === 'parameter')
      return this.passed(e, hops, (v, depth) => this.ofValue(v, depth));
    return untilSetTime(value, 0) ? { ms: DETACHED_DELAY_MS, text: 'until a set time' } : undefined;
  }

  /**
   * A variable's initializer, or a parameter's argument at every call of its function: each must
   * be delayed, the shortest one speaks for them.
   */
  private passed(
    name: ts.Identifier,
    hops: number,
    read: (value: ts.Expression, hops: number) => JobDelay | undefined,
  ): JobDelay | undefined {
    const init = constInitializer(name);
    if (init) return read(init, hops);
    const decl = lookup(name.text, name);
    if (decl?.kind !== 'parameter' || decl.path.length > 0 || hops >= WRAPPER_HOPS) return undefined;
    const callers = this.callersOf(decl.fn);
    let shortest: JobDelay | undefined;
    for (const caller of callers) {
      const argument = caller.arguments?.[decl.index];
      const delay = argument && read(argument, hops + 1);
      if (!delay) return undefined;
      if (!shortest || delay.ms < shortest.ms) shortest = delay;
    }
    return shortest;
  }
}

function duration(ms: number): string {
  const hours = ms / DETACHED_DELAY_MS;
  return hours >= 48 && hours % 24 === 0 ? `${hours / 24} days` : `${Number(hours.toFixed(1))} h`;
}

/**
 * `runAt - Date.now()`, `Number(deleteAt) - Number(now)` of a `const now = new Date()`,
 * `differenceInMilliseconds(sendAt, new Date())`, `dayjs(sendAt).diff()`, within `Math.max(0, …)`:
 * the time left until a moment, so the job runs then, not within the request.
 */
function untilSetTime(value: ts.Expression, depth: number): boolean {
  if (depth > 4) return false;
  const e = skipOuter(value);
  if (ts.isIdentifier(e)) {
    const init = variableInitializer(e);
    return init !== undefined && untilSetTime(init, depth + 1);
  }
  if (ts.isBinaryExpression(e)) return e.operatorToken.kind === ts.SyntaxKind.MinusToken && isNow(e.right, 0);
  if (!ts.isCallExpression(e)) return false;
  const callee = skipOuter(e.expression);
  const name = ts.isIdentifier(callee) ? callee.text : propertyName(callee);
  if (name === 'differenceInMilliseconds') return e.arguments[1] !== undefined && isNow(e.arguments[1], 0);
  if (name === 'diff' && ts.isPropertyAccessExpression(callee))
    return e.arguments.length === 0 || isNow(e.arguments[0], 0);
  if (name === 'max' && ts.isPropertyAccessExpression(callee) && skipOuter(callee.expression).getText() === 'Math')
    return e.arguments.some((a) => untilSetTime(a, depth + 1));
  return false;
}

const DATE_LIBRARY_CALLS = new Set(['dayjs', 'moment']);

/** `Date.now()`, `new Date()`, `dayjs()`, `DateTime.now()`, and their numbers (`Number(now)`, `now.getTime()`, `+now`). */
function isNow(value: ts.Expression, depth: number): boolean {
  if (depth > 4) return false;
  const e = skipOuter(value);
  if (ts.isNewExpression(e))
    return ts.isIdentifier(e.expression) && e.expression.text === 'Date' && !e.arguments?.length;
  if (ts.isPrefixUnaryExpression(e)) return e.operator === ts.SyntaxKind.PlusToken && isNow(e.operand, depth + 1);
  if (ts.isIdentifier(e)) {
    const init = variableInitializer(e);
    return init !== undefined && isNow(init, depth + 1);
  }
  if (!ts.isCallExpression(e)) return false;
  const callee = skipOuter(e.expression);
  if (ts.isIdentifier(callee))
    return (
      (callee.text === 'Number' && e.arguments[0] !== undefined && isNow(e.arguments[0], depth + 1)) ||
      (DATE_LIBRARY_CALLS.has(callee.text) && e.arguments.length === 0)
    );
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (callee.name.text === 'now') return e.arguments.length === 0;
  return (callee.name.text === 'getTime' || callee.name.text === 'valueOf') && isNow(callee.expression, depth + 1);
}

/** The initializer of the variable (`const` or `let`, not destructured) an identifier names. */
function variableInitializer(id: ts.Identifier): ts.Expression | undefined {
  const decl = lookup(id.text, id);
  return decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
}
