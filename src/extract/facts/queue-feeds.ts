import { ts } from 'ts-morph';
import type { StaticEvaluator } from '../flow/static-eval.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { outermost } from '../syntax/builtin-calls.js';
import { injectQueueDecorator } from '../libraries/clients.js';
import { calledFunction, callsTo, returnedValues } from '../syntax/functions.js';
import {
  enclosingClassLike,
  enclosingFunction,
  encloses,
  forEachThisAssignment,
  functionName,
  hasModifier,
  lookup,
  propertyKey,
  skipOuter,
} from '../syntax/scope.js';

/**
 * The queues the project adds jobs to, by name. A consumer of a queue nothing in the project feeds
 * (a stub worker, a queue registered for a dashboard), or only repeatable jobs it schedules itself,
 * has no trace to restore: no request sends it a job. Said only where every producer obslint
 * recognises names its queue: one whose queue it cannot name may be the one that feeds it. A project with no producer at all is fed
 * from elsewhere (another service's repository), so its consumers are not judged here either.
 */
export class QueueFeeds {
  /**
   * Per queue name, how many producers schedule repeatable jobs, how many add jobs delayed past a
   * request (the shortest delay), and how many add others (not counting its own worker's).
   */
  private readonly fed = new Map<
    string,
    { scheduled: number; scripted: number; delayed?: { ms: number; text: string }; other: number }
  >();
  private readonly complete: boolean;
  /** Producers that run only in their own queue's worker (re-queueing the next batch), by the queue they feed. */
  private readonly selfFeeding = new Map<ts.CallExpression, string>();

  constructor(
    producers: readonly {
      call: ts.CallExpression;
      scheduled: boolean;
      delay?: { ms: number; text: string };
      /** The script it runs from, when only scripts run it. */
      scripted?: string;
    }[],
    consumers: readonly { call: ts.CallExpression | ts.NewExpression; handler: ts.Node | undefined }[],
    private readonly evaluator: StaticEvaluator,
    private readonly project: ProjectIndex,
  ) {
    const handlers = new Map<string, ts.Node[]>();
    for (const { call, handler } of consumers) {
      const queue = handler && this.consumedQueue(call, handler);
      if (queue === undefined) continue;
      const list = handlers.get(queue);
      if (list) list.push(handler!);
      else handlers.set(queue, [handler!]);
    }
    let named = true;
    for (const { call, scheduled, delay, scripted } of producers) {
      const callee = skipOuter(call.expression);
      const queue = ts.isPropertyAccessExpression(callee) ? this.queueOf(callee.expression) : undefined;
      if (queue === undefined) {
        named = false;
        continue;
      }
      const counts = this.fed.get(queue) ?? { scheduled: 0, scripted: 0, other: 0 };
      if (scheduled) counts.scheduled++;
      else if (scripted) counts.scripted++;
      else if (delay) {
        if (!counts.delayed || delay.ms < counts.delayed.ms) counts.delayed = delay;
      } else if (this.runsOnlyIn(call, handlers.get(queue) ?? [])) this.selfFeeding.set(call, queue);
      else counts.other++;
      this.fed.set(queue, counts);
    }
    this.complete = named && producers.length > 0;
  }

  /**
   * A producer inside its queue's own worker, or in a function only that worker calls (`addToQueue`
   * re-queueing the next cursor): the job it adds carries on the worker's job, not a request.
   */
  private runsOnlyIn(call: ts.CallExpression, handlers: readonly ts.Node[]): boolean {
    if (handlers.length === 0) return false;
    const inHandler = (node: ts.Node): boolean => handlers.some((handler) => encloses(handler, node));
    if (inHandler(call)) return true;
    const fn = enclosingFunction(call);
    const name = fn && functionName(fn);
    if (!fn || !name) return false;
    const callers = callsTo(fn, name, this.project).filter(ts.isCallExpression);
    return callers.length > 0 && callers.every(inHandler);
  }

  /**
   * The queue a producer feeds from that queue's own worker, when nothing else but schedules and
   * delayed jobs feeds it: no request trace is behind any of its jobs, so none to carry on.
   */
  feedsOnlyItself(producer: ts.CallExpression): string | undefined {
    const queue = this.selfFeeding.get(producer);
    return queue !== undefined && this.complete && this.fed.get(queue)!.other === 0 ? queue : undefined;
  }

  /**
   * Why a consumer has no trace to restore, by what feeds its queue: nothing in the project, only
   * repeatable jobs the application schedules itself, only jobs its scripts or its own worker add,
   * or only jobs delayed past the request that adds them.
   */
  unfed(
    consumer: ts.CallExpression | ts.NewExpression,
    handler: ts.Node | undefined,
  ): { queue: string; by: 'nothing' | 'schedule' | 'script' | 'delay' | 'itself'; delay?: string } | undefined {
    const queue = this.complete ? this.consumedQueue(consumer, handler) : undefined;
    if (queue === undefined) return undefined;
    const counts = this.fed.get(queue);
    if (!counts) return { queue, by: 'nothing' };
    if (counts.other > 0) return undefined;
    // Every job is one the application schedules, one its own worker adds, or one it delays past the
    // request that adds it.
    if (!counts.delayed)
      return { queue, by: counts.scheduled > 0 ? 'schedule' : counts.scripted > 0 ? 'script' : 'itself' };
    const others = [counts.scheduled > 0 && 'scheduled', counts.scripted > 0 && 'added by scripts'].filter(Boolean);
    return { queue, by: 'delay', delay: [counts.delayed.text, ...others].join(', or ') };
  }

  /** The queue a producer adds to (`queue.add(…)`) or a consumer takes from, when obslint can name it. */
  queueOfCall(
    call: ts.CallExpression | ts.NewExpression,
    direction: 'send' | 'receive',
    handler: ts.Node | undefined,
  ): string | undefined {
    if (direction === 'receive') return handler && this.consumedQueue(call, handler);
    const callee = skipOuter(call.expression);
    return ts.isPropertyAccessExpression(callee) ? this.queueOf(callee.expression) : undefined;
  }

  /** `new Worker(NAME, …)`, `@Processor(NAME)` / `@Processor({ name })`, Bull's `queue.process(…)`. */
  private consumedQueue(
    consumer: ts.CallExpression | ts.NewExpression,
    handler: ts.Node | undefined,
  ): string | undefined {
    if (ts.isNewExpression(consumer)) return this.text(consumer.arguments?.[0]);
    const callee = skipOuter(consumer.expression);
    if (ts.isDecorator(consumer.parent)) {
      const cls =
        handler &&
        (ts.isClassDeclaration(consumer.parent.parent) ? consumer.parent.parent : enclosingClassLike(handler));
      const processor = cls && processorDecorator(cls);
      return processor ? this.processorQueue(processor) : undefined;
    }
    return ts.isPropertyAccessExpression(callee) ? this.queueOf(callee.expression) : undefined;
  }

  private processorQueue(processor: ts.CallExpression): string | undefined {
    const first = processor.arguments[0] && skipOuter(processor.arguments[0]);
    if (first && ts.isObjectLiteralExpression(first)) {
      const name = first.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyKey(p.name) === 'name',
      );
      return this.text(name?.initializer);
    }
    return this.text(first);
  }

  /**
   * The name of the queue an expression holds: `new Queue(NAME)`, a get-by-name (`getQueue(NAME)`),
   * a function that returns one, a variable (of this module or imported) or field holding either, or a constructor parameter Nest fills with `@InjectQueue(NAME)`.
   */
  private queueOf(expr: ts.Expression, depth = 0): string | undefined {
    if (depth > 4) return undefined;
    const e = skipOuter(expr);
    const named =
      (ts.isNewExpression(e) || ts.isCallExpression(e)) && e.arguments?.[0] ? this.text(e.arguments[0]) : undefined;
    if (named !== undefined) return named;
    // `searchIndexQueue(connection)` of a function that returns `new Queue(SEARCH_INDEX_QUEUE, …)`.
    const fn = ts.isCallExpression(e) ? calledFunction(e.expression, this.project) : undefined;
    if (fn) {
      const names = new Set(returnedValues(fn).map((value) => this.queueOf(value, depth + 1)));
      const [name] = names;
      return names.size === 1 ? name : undefined;
    }
    if (ts.isNewExpression(e) || ts.isCallExpression(e)) return undefined;
    if (ts.isIdentifier(e)) {
      // A queue made in a module of its own and imported where jobs are added (`import { mailQueue }`).
      let decl = lookup(e.text, e);
      if (decl?.kind === 'import') decl = this.project.followImport(decl);
      if (decl?.kind === 'parameter' && decl.path.length === 0)
        return this.injectedQueue(decl.node) ?? this.passedQueue(decl.fn, decl.index, depth);
      if (decl?.kind !== 'variable' || decl.path.length > 0) return undefined;
      return decl.node.initializer ? this.queueOf(decl.node.initializer, depth + 1) : undefined;
    }
    if (ts.isPropertyAccessExpression(e) && skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClassLike(e);
      return cls ? this.fieldQueue(cls, e.name.text, depth) : undefined;
    }
    return undefined;
  }

  /**
   * `@InjectQueue(NAME)` on a constructor parameter or a field, a field's initializer, or the first
   * `this.queue = …` among the constructor's statements.
   */
  private fieldQueue(cls: ts.ClassLikeDeclaration, field: string, depth: number): string | undefined {
    for (const member of cls.members) {
      if (ts.isConstructorDeclaration(member)) {
        const param = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === field);
        if (param) return this.injectedQueue(param);
        // The first `this.queue = …` among the constructor's own statements.
        let assigned: ts.Expression | undefined;
        forEachThisAssignment(cls, field, (value) => {
          const statement = outermost(value.parent as ts.Expression).parent;
          if (!ts.isExpressionStatement(statement) || statement.parent !== member.body) return false;
          assigned = value;
          return true;
        });
        if (assigned) return this.queueOf(assigned, depth + 1);
      } else if (ts.isPropertyDeclaration(member) && member.name && propertyKey(member.name) === field) {
        // `@InjectQueue(NAME) private readonly queue!: Queue`; a field declared without a value
        // (`private queue: Queue;`) is filled by the constructor, wherever the class writes it.
        const injected = this.injectedQueue(member);
        if (injected !== undefined) return injected;
        if (member.initializer) return this.queueOf(member.initializer, depth + 1);
      }
    }
    return undefined;
  }

  /** `setupJobs(queue)` of a function its own module calls with queues of one name, and only those. */
  private passedQueue(fn: ts.SignatureDeclaration, index: number, depth: number): string | undefined {
    if (!ts.isFunctionDeclaration(fn) || !fn.name || hasModifier(fn, ts.SyntaxKind.ExportKeyword)) return undefined;
    const calls = (this.project.callsByName.get(fn.name.text) ?? []).filter(
      (c) => c.getSourceFile() === fn.getSourceFile() && ts.isIdentifier(c.expression),
    );
    const names = new Set(calls.map((c) => c.arguments?.[index] && this.queueOf(c.arguments[index], depth + 1)));
    const [name] = names;
    return names.size === 1 ? name : undefined;
  }

  private injectedQueue(holder: ts.ParameterDeclaration | ts.PropertyDeclaration): string | undefined {
    const decorator = injectQueueDecorator(holder);
    return decorator && this.text(decorator.arguments[0]);
  }

  private text(expr: ts.Expression | undefined): string | undefined {
    const value = expr && this.evaluator.eval(expr);
    return value?.k === 'str' ? value.v : undefined;
  }
}

function processorDecorator(cls: ts.ClassLikeDeclaration): ts.CallExpression | undefined {
  for (const decorator of ts.getDecorators(cls) ?? []) {
    const e = decorator.expression;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Processor') return e;
  }
  return undefined;
}
