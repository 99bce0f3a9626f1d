import { ts } from 'ts-morph';
import {
  enclosingClassLike,
  enclosingFunction,
  hasModifier,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  skipOuter,
} from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';

/**
 * BullMQ (and Bull) queues that only receive repeatable jobs the application schedules itself
 * (`queue.add('cron', data, { repeat: { pattern } })`, `queue.upsertJobScheduler(…)`): no request
 * is behind such a job, so there is no trace to carry into it or to restore from it.
 */
export class ScheduledQueues {
  private readonly producers = new Map<string, { scheduled: number; other: number }>();
  /** A queue variable's name as `new Queue(QUEUE_NAMES.SWEEP)` spells it, by queue key. */
  private readonly spelledAs = new Map<string, string>();
  /**
   * Queue and function pairs where a repeatable job is scheduled: `add('sweep', data, { repeat })`
   * then `add('sweep-now', data)` in one set-up function kicks the schedule off at start-up, and no
   * request is behind that one-off run either.
   */
  private readonly scheduling = new Set<string>();

  constructor(calls: readonly ts.CallExpression[]) {
    const sends: { key: string; scheduled: boolean; where: string }[] = [];
    for (const call of calls) {
      const callee = skipOuter(call.expression);
      if (!ts.isPropertyAccessExpression(callee) || !PRODUCER_METHODS.has(callee.name.text)) continue;
      const key = queueKey(callee.expression);
      if (!key) continue;
      const where = `${key}\u0000${functionKey(call)}`;
      const scheduled = isScheduling(call, callee.name.text);
      if (scheduled) this.scheduling.add(where);
      sends.push({ key, scheduled, where });
      const spelled = queueNameText(callee.expression);
      if (spelled) this.spelledAs.set(key, spelled);
    }
    for (const { key, scheduled, where } of sends) {
      const counts = this.producers.get(key) ?? { scheduled: 0, other: 0 };
      if (scheduled || this.scheduling.has(where)) counts.scheduled++;
      else counts.other++;
      this.producers.set(key, counts);
    }
  }

  /** Whether a send schedules a repeatable job, or is the start-up kick beside one (see `scheduling`). */
  scheduledOnly(call: ts.CallExpression): boolean {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (isScheduling(call, callee.name.text)) return true;
    if (callee.name.text !== 'add') return false;
    const key = queueKey(callee.expression);
    return key !== undefined && this.scheduling.has(`${key}\u0000${functionKey(call)}`);
  }

  /**
   * Whether the queue a `new Worker(queue.name | QUEUE_NAMES.SWEEP, …)` consumes only gets
   * scheduled jobs (the name as the queue's `new Queue(…)` spells it).
   */
  onlyScheduled(worker: ts.NewExpression): boolean {
    const first = worker.arguments?.[0] && skipOuter(worker.arguments[0]);
    if (!first) return false;
    const keys =
      ts.isPropertyAccessExpression(first) && first.name.text === 'name'
        ? [queueKey(first.expression)]
        : [...this.spelledAs].filter(([, text]) => text === first.getText()).map(([key]) => key);
    const counts = keys.map((key) => (key ? this.producers.get(key) : undefined));
    return counts.length > 0 && counts.every((c) => c !== undefined && c.scheduled > 0 && c.other === 0);
  }
}

/** The function a call is in, as a key (its position), or the module. */
function functionKey(call: ts.Node): string {
  const fn = enclosingFunction(call);
  return fn ? `${fn.getSourceFile().fileName}:${fn.pos}` : call.getSourceFile().fileName;
}

/**
 * `QUEUE_NAMES.SWEEP` of `const sweepQueue = new Queue(QUEUE_NAMES.SWEEP, …)`, for a queue variable,
 * or for `cron.queue` where `for (const cron of crons)` and every `crons.push({ queue, … })` holds
 * one such variable.
 */
function queueNameText(receiver: ts.Expression, hops = 0): string | undefined {
  const e = skipOuter(receiver);
  if (ts.isPropertyAccessExpression(e)) return hops === 0 ? pushedQueueNameText(e) : undefined;
  if (!ts.isIdentifier(e)) return undefined;
  const decl = lookup(e.text, e);
  const init = decl?.kind === 'variable' && decl.path.length === 0 ? decl.node.initializer : undefined;
  const created = init && skipOuter(init);
  if (!created || !ts.isNewExpression(created) || !created.arguments?.[0]) return undefined;
  return skipOuter(created.arguments[0]).getText();
}

/** `cron.queue` of `for (const cron of crons)`: the name every object pushed into `crons` gives its `queue`. */
function pushedQueueNameText(read: ts.PropertyAccessExpression): string | undefined {
  const element = skipOuter(read.expression);
  const loop = ts.isIdentifier(element) ? lookup(element.text, element) : undefined;
  if (loop?.kind !== 'loop' || loop.path.length > 0 || !ts.isForOfStatement(loop.loop)) return undefined;
  const list = skipOuter(loop.loop.expression);
  const listDecl = ts.isIdentifier(list) ? lookup(list.text, list) : undefined;
  if (listDecl?.kind !== 'variable' || listDecl.path.length > 0) return undefined;
  const names = new Set<string | undefined>();
  forEachDescendant(list.getSourceFile(), (node) => {
    if (!ts.isCallExpression(node) || propertyName(node.expression) !== 'push') return;
    const target = skipOuter((node.expression as ts.PropertyAccessExpression).expression);
    if (!ts.isIdentifier(target) || lookup(target.text, target)?.node !== listDecl.node) return;
    for (const arg of node.arguments) {
      const value = literalProperty(skipOuter(arg), [read.name.text]);
      names.add(value && queueNameText(value, 1));
    }
  });
  const [only, ...others] = names;
  return others.length === 0 ? only : undefined;
}

const PRODUCER_METHODS = new Set(['add', 'addBulk', 'upsertJobScheduler']);

function isScheduling(call: ts.CallExpression, method: string): boolean {
  if (method === 'upsertJobScheduler') return true;
  // BullMQ's `add(name, data, options)`; Bull's `add(data, options)` too, told apart by a first
  // argument that is no name (`add('notify', { repeat: 3 })` adds data with a `repeat` field).
  if (method !== 'add') return false;
  const named = call.arguments[0] !== undefined && ts.isStringLiteralLike(skipOuter(call.arguments[0]));
  const optionsArgument = call.arguments[named || call.arguments.length > 2 ? 2 : 1];
  if (!optionsArgument) return false;
  const options = skipOuter(optionsArgument);
  return (
    ts.isObjectLiteralExpression(options) &&
    options.properties.some((p) => p.name !== undefined && propertyKey(p.name) === 'repeat')
  );
}

/** `PruneQueue.q`, `this.q` inside `class PruneQueue` (both `PruneQueue.q`), or a variable's name. */
function queueKey(receiver: ts.Expression): string | undefined {
  const e = skipOuter(receiver);
  if (ts.isIdentifier(e)) return e.text;
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const owner = skipOuter(e.expression);
  if (owner.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClassLike(e);
    return cls?.name ? `${cls.name.text}.${e.name.text}` : undefined;
  }
  const ownerKey = queueKey(owner);
  return ownerKey ? `${ownerKey}.${e.name.text}` : undefined;
}

const SCHEDULE_DECORATORS = new Set(['Cron', 'Interval', 'Timeout']);
const SPAN_STARTS = new Set(['startSpan', 'startActiveSpan', 'withSpan', 'trace']);

/**
 * `@Cron(…)` (NestJS schedule), `cron.schedule('0 * * * *', fn)` (node-cron), `new CronJob(…, fn)`,
 * `setInterval(fn, ms)`, a function that re-runs itself with `setTimeout` (a polling loop): the
 * function a call runs in (past its callbacks) is started by a timer, not a request, and starts no
 * span of its own, so no trace reaches the call. Says which schedule.
 */
export function scheduledRun(call: ts.CallExpression | ts.NewExpression, hops = 0): string | undefined {
  for (let at: ts.Node | undefined = call.parent; at && !ts.isSourceFile(at); at = at.parent) {
    if (sleepingLoop(at)) return '`while` loop that sleeps between runs';
    if (!ts.isFunctionLike(at)) continue;
    const body = (at as ts.FunctionLikeDeclaration).body;
    if (!body || startsSpan(body)) return undefined;
    if (ts.isMethodDeclaration(at)) {
      const decorator = ts.getDecorators(at)?.find((d) => {
        const e = d.expression;
        return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && SCHEDULE_DECORATORS.has(e.expression.text);
      });
      if (decorator) return `\`@${((decorator.expression as ts.CallExpression).expression as ts.Identifier).text}\``;
    }
    const loop = reschedulesItself(at as ts.FunctionLikeDeclaration);
    if (loop) return loop;
    if (ts.isMethodDeclaration(at)) return hops < PRIVATE_HOPS ? scheduledThroughPrivateMethod(at, hops) : undefined;
    if (ts.isFunctionDeclaration(at)) return hops < PRIVATE_HOPS ? scheduledThroughModuleFunction(at, hops) : undefined;
    const holder: ts.Node = at.parent;
    if (
      (ts.isCallExpression(holder) || ts.isNewExpression(holder)) &&
      holder.arguments?.includes(at as ts.Expression)
    ) {
      const callee = skipOuter(holder.expression);
      const first: ts.Expression | undefined = holder.arguments?.[0];
      if (ts.isNewExpression(holder) && ts.isIdentifier(callee) && callee.text === 'CronJob') return '`new CronJob`';
      if (ts.isCallExpression(holder) && ts.isIdentifier(callee) && callee.text === 'setInterval' && first === at)
        return '`setInterval`';
      if (ts.isCallExpression(holder) && propertyName(callee) === 'schedule' && first && ts.isStringLiteralLike(first))
        return `\`${callee.getText()}\``;
    }
  }
  return undefined;
}

/**
 * `while (running) { …; await sleep(ms); }`: a polling loop, each run after the first started by
 * its own timer (`sleep`, `delay`, `wait`, `timers/promises`' `setTimeout`, `new Promise((r) =>
 * setTimeout(r, ms))`).
 */
function sleepingLoop(node: ts.Node): boolean {
  const body =
    (ts.isWhileStatement(node) || ts.isDoStatement(node)) && runsUntilStopped(node.expression)
      ? node.statement
      : ts.isForStatement(node) && !node.condition
        ? node.statement
        : undefined;
  if (!body) return false;
  let sleeps = false;
  forEachDescendant(body, (n) => {
    // A sleep before a retry (`catch { await sleep(backoff) }`) is no schedule.
    if (sleeps || ts.isFunctionLike(n) || ts.isCatchClause(n)) return false;
    if (ts.isAwaitExpression(n) && isSleep(skipOuter(n.expression))) sleeps = true;
    return !sleeps;
  });
  return sleeps;
}

/** A loop's condition that holds until the process stops it: `true`, `running`, `this.running`, `!this.stopped`. */
function runsUntilStopped(condition: ts.Expression): boolean {
  const e = skipOuter(condition);
  if (e.kind === ts.SyntaxKind.TrueKeyword || ts.isIdentifier(e)) return true;
  if (ts.isPropertyAccessExpression(e)) return e.expression.kind === ts.SyntaxKind.ThisKeyword;
  return ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken && runsUntilStopped(e.operand);
}

const SLEEPS = /^(?:sleep|delay|wait|setTimeout)$/i;

function isSleep(e: ts.Expression): boolean {
  if (ts.isCallExpression(e)) {
    const name = ts.isIdentifier(e.expression) ? e.expression.text : propertyName(e.expression);
    return name !== undefined && SLEEPS.test(name);
  }
  // `new Promise((resolve) => setTimeout(resolve, ms))`.
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Promise') {
    const executor = e.arguments?.[0] && skipOuter(e.arguments[0]);
    if (!executor || !(ts.isArrowFunction(executor) || ts.isFunctionExpression(executor))) return false;
    let timer = false;
    forEachDescendant(executor.body, (n) => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'setTimeout') timer = true;
      return !timer;
    });
    return timer;
  }
  return false;
}

/** How many private methods deep a scheduled method's work is followed (`@Cron` → `processJob` → `enqueue`). */
const PRIVATE_HOPS = 2;

/**
 * A function that, when it is done, has a timer run it again (`finally { setTimeout(() =>
 * this.poll(), ms) }`, `setTimeout(tick, ms)`): a polling loop, whose runs after the first are the
 * timer's. The first is its caller's; such loops start when the process does.
 */
function reschedulesItself(fn: ts.FunctionLikeDeclaration): string | undefined {
  const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : undefined;
  if (!name || !fn.body) return undefined;
  // `this.poll` in a method, `poll` in a function.
  const isSelf = (e: ts.Expression): boolean => {
    const inner = skipOuter(e);
    return ts.isMethodDeclaration(fn)
      ? ts.isPropertyAccessExpression(inner) &&
          inner.expression.kind === ts.SyntaxKind.ThisKeyword &&
          inner.name.text === name
      : ts.isIdentifier(inner) && inner.text === name;
  };
  return timerCallsBack(fn.body, isSelf) || rescheduledByHelper(fn, isSelf) ? '`setTimeout` loop' : undefined;
}

/**
 * `pollAndRelay() { …; this.schedulePoll(); }` where `schedulePoll() { setTimeout(() =>
 * this.pollAndRelay(), ms) }`: a method of the same class (or a function of the same module) the
 * function calls sets the timer that runs it again.
 */
function rescheduledByHelper(fn: ts.FunctionLikeDeclaration, isSelf: (e: ts.Expression) => boolean): boolean {
  const helpers: ts.FunctionLikeDeclaration[] = [];
  forEachDescendant(fn.body!, (node) => {
    if (!ts.isCallExpression(node) || node.arguments.length > 0) return;
    const callee = skipOuter(node.expression);
    const name = ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword
        ? callee.name.text
        : undefined;
    const helper = name !== undefined ? siblingFunction(fn, name) : undefined;
    if (helper?.body) helpers.push(helper);
  });
  return helpers.some((helper) => timerCallsBack(helper.body!, isSelf));
}

/**
 * The function named `name` beside `fn`: another method of its class or object literal, for a method;
 * a function declared in its module, for a function.
 */
function siblingFunction(fn: ts.FunctionLikeDeclaration, name: string): ts.FunctionLikeDeclaration | undefined {
  const named = (node: ts.Node): node is ts.MethodDeclaration | ts.FunctionDeclaration =>
    (ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) &&
    node !== fn &&
    node.name !== undefined &&
    ts.isIdentifier(node.name) &&
    node.name.text === name;
  const pick = (nodes: readonly ts.Node[]): ts.FunctionLikeDeclaration | undefined => {
    for (const node of nodes) if (named(node)) return node;
    return undefined;
  };
  if (!ts.isMethodDeclaration(fn)) return pick(fn.getSourceFile().statements);
  const holder = fn.parent;
  return ts.isClassLike(holder)
    ? pick(holder.members)
    : ts.isObjectLiteralExpression(holder)
      ? pick(holder.properties)
      : undefined;
}

/** Whether a body sets a timer (`setTimeout`) whose callback is, or calls, the function `isSelf` names. */
function timerCallsBack(body: ts.Node, isSelf: (e: ts.Expression) => boolean): boolean {
  let found = false;
  forEachDescendant(body, (node) => {
    if (found) return false;
    if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'setTimeout')
      return;
    const callback = node.arguments[0] && skipOuter(node.arguments[0]);
    if (!callback) return;
    // `setTimeout(poll, ms)`, `setTimeout(this.poll.bind(this), ms)`, `setTimeout(() => this.poll(…), ms)`.
    const bound =
      ts.isCallExpression(callback) && propertyName(callback.expression) === 'bind'
        ? (callback.expression as ts.PropertyAccessExpression).expression
        : callback;
    if (isSelf(bound)) found = true;
    else if (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
      forEachDescendant(callback.body, (inner) => {
        if (ts.isCallExpression(inner) && isSelf(inner.expression)) found = true;
        return !found;
      });
    return !found;
  });
  return found;
}

/**
 * A private method the class only calls from scheduled runs (`@Cron() processAll()` calling
 * `this.processJob(job)`): its calls run on that timer too. Named otherwise than in a call (passed
 * as a callback), or called from anywhere else, it may run in a request. A method of a class its
 * module keeps to itself (not exported) is as private, when the module names it nowhere else.
 */
function scheduledThroughPrivateMethod(method: ts.MethodDeclaration, hops: number): string | undefined {
  const cls = method.parent;
  const name = method.name;
  const isPrivate =
    ts.isPrivateIdentifier(name) ||
    (ts.isIdentifier(name) &&
      (hasModifier(method, ts.SyntaxKind.PrivateKeyword) || (ts.isClassLike(cls) && keptByItsModule(cls, name.text))));
  if (!ts.isClassLike(cls) || !isPrivate) return undefined;
  const calls: ts.CallExpression[] = [];
  let elsewhere = false;
  forEachDescendant(cls, (node) => {
    if (
      !ts.isPropertyAccessExpression(node) ||
      node.expression.kind !== ts.SyntaxKind.ThisKeyword ||
      node.name.text !== name.text
    )
      return;
    if (ts.isCallExpression(node.parent) && node.parent.expression === node) calls.push(node.parent);
    else elsewhere = true;
  });
  return elsewhere ? undefined : scheduledEverywhere(calls, hops);
}

/**
 * A function its module keeps to itself (not exported), called only from scheduled runs (`pollLoop()`'s
 * `while (running) { await processEvent(e); await sleep(ms) }` calling `processEvent`): its calls run
 * on that timer too. Named otherwise than in a call (passed as a callback), it may run anywhere.
 */
function scheduledThroughModuleFunction(fn: ts.FunctionDeclaration, hops: number): string | undefined {
  const name = fn.name?.text;
  if (!name || hasModifier(fn, ts.SyntaxKind.ExportKeyword) || !ts.isSourceFile(fn.parent)) return undefined;
  const calls: ts.CallExpression[] = [];
  let elsewhere = false;
  forEachDescendant(fn.getSourceFile(), (node) => {
    if (elsewhere) return false;
    if (!ts.isIdentifier(node) || node.text !== name || node === fn.name) return;
    if (ts.isCallExpression(node.parent) && node.parent.expression === node) calls.push(node.parent);
    else elsewhere = true;
  });
  return elsewhere ? undefined : scheduledEverywhere(calls, hops);
}

/** The schedule every one of a function's calls runs on (one hop further), when there are calls and each has one. */
function scheduledEverywhere(calls: readonly ts.CallExpression[], hops: number): string | undefined {
  const runs = calls.map((c) => scheduledRun(c, hops + 1));
  return runs.length > 0 && runs.every((run) => run !== undefined) ? runs[0] : undefined;
}

/** A class its module does not export, whose method `name` the module names only inside the class. */
function keptByItsModule(cls: ts.ClassLikeDeclaration, name: string): boolean {
  if (!ts.isClassDeclaration(cls) || !cls.name || hasModifier(cls, ts.SyntaxKind.ExportKeyword)) return false;
  const file = cls.getSourceFile();
  let named = false;
  forEachDescendant(file, (node) => {
    if (named) return false;
    if (node === cls) return false;
    // `export { Queue }`, `export default Queue`, `module.exports = Queue`: the class leaves the module.
    if (ts.isIdentifier(node) && node.text === cls.name!.text && !ts.isClassDeclaration(node.parent)) {
      const parent = node.parent;
      if (ts.isExportSpecifier(parent) || ts.isExportAssignment(parent) || ts.isBinaryExpression(parent)) named = true;
    }
    if (ts.isPropertyAccessExpression(node) && node.name.text === name) named = true;
    return !named;
  });
  return !named;
}

function startsSpan(body: ts.Node): boolean {
  let found = false;
  forEachDescendant(body, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node) && SPAN_STARTS.has(propertyName(skipOuter(node.expression)) ?? '')) found = true;
    return !found;
  });
  return found;
}
