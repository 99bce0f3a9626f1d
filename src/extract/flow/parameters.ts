import { ts } from 'ts-morph';
import type { Bound } from '../../types.js';
import { finite, fromSettings, settingElements, union, unknown, withStep } from '../../model/bounds.js';
import { calledFunction } from '../syntax/functions.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import { functionName, propertyName, receiverOf, skipOuter, type Declaration } from '../syntax/scope.js';
import type { CallGraph } from './call-graph.js';
import type { TypeOracle } from './type-oracle.js';
import { MAX_DEPTH, TOO_FAR } from './limits.js';
import { writesInside } from './variable-writes.js';
import { parameterGuards, passesGuards } from './narrowing.js';
import { emitterClass, mayShareInstance } from './emitter-class.js';
import { shortened, text, withoutEmptyFallback, type KnownSources } from './sources.js';
import {
  bindArguments,
  EMPTY_ENV,
  iteratedCollection,
  mappedTable,
  scalarText,
  staticStrings,
  tableValues,
  type Env,
  type StaticEvaluator,
} from './static-eval.js';

/** The walk a parameter's values are read with (the provenance analyzer). */
export interface ValueWalker {
  of(expr: ts.Expression, env?: Env, depth?: number): Bound;
  valueAt(expr: ts.Expression, path: string[], env: Env, depth: number): Bound;
  arrayElements(expr: ts.Expression): ts.Expression[] | undefined;
  grows(expr: ts.Expression): boolean;
  /** Whether the value is read for a name (a span's, a tracer's): see `ProvenanceAnalyzer.ofName`. */
  readonly readingNames: boolean;
}

/**
 * What a parameter or loop variable takes: the arguments of every call site, the values emitted
 * for a listened event, the elements iterated, a loop counter's range.
 */
export class ParameterValues {
  /** Per parameter, as read for a label value and as read for a name (they differ for values made once per process). */
  private readonly paramMemo = [new Map<ts.ParameterDeclaration, Bound>(), new Map<ts.ParameterDeclaration, Bound>()];
  private readonly inProgress = new Set<ts.ParameterDeclaration>();

  constructor(
    private readonly project: ProjectIndex,
    private readonly evaluator: StaticEvaluator,
    private readonly calls: CallGraph,
    private readonly sources: KnownSources,
    private readonly walker: ValueWalker,
    private readonly types: TypeOracle,
  ) {}

  /** A parameter takes what its callers pass: the union over every call site in the project. */
  fromCallers(decl: Extract<Declaration, { kind: 'parameter' }>, use: ts.Expression, depth: number): Bound {
    const name = decl.name.text;
    const fnName = functionName(decl.fn);
    // Only the callers that can reach the use count; the memo holds unguarded answers.
    const guards = parameterGuards(use, decl.fn, this.evaluator);
    const memo = guards.size === 0 ? this.paramMemo[Number(this.walker.readingNames)].get(decl.node) : undefined;
    if (memo && decl.path.length === 0) return memo;
    // A recursive call passes on what the outer calls passed: it adds no value of its own.
    if (this.inProgress.has(decl.node)) return finite([], 'recursive call');
    const iterated = this.iteratedValues(decl);
    if (iterated) return iterated;
    const emitted = this.emittedValues(decl, depth);
    if (emitted) return emitted;
    // A call that passes nothing leaves an optional parameter `undefined` (or its default): one of its values.
    const optional = decl.node.questionToken !== undefined || decl.node.initializer !== undefined;
    // `this.notifySubscribers.bind(this, tag)`: a call site too, for the arguments it binds ahead.
    const bindings = this.bindingsOf(decl.fn);
    const callers = [...this.calls.confirmedCallersOf(decl.fn, optional), ...bindings];
    const calls = callers.filter(
      (call) => bindings.includes(call as ts.CallExpression) || passesGuards(call, decl.fn, guards, this.evaluator),
    );
    // `switch (event.type) { case 'validation': … }` where every caller passes another type: the use never runs.
    if (calls.length === 0 && callers.length > 0)
      return finite([], `no call of \`${fnName ?? 'the function'}()\` reaches this branch`);
    if (calls.length === 0 || depth >= MAX_DEPTH) {
      // `Object.values(stats).forEach(({ accountType }) => …)`: the type the checker infers bounds it.
      const typed = ts.isIdentifier(use) ? this.types.finiteValues(use) : undefined;
      if (typed) return finite(typed.values, `type \`${shortened(typed.type)}\``);
      return unknown(
        fnName
          ? `parameter \`${name}\` of \`${fnName}()\` has no call site obslint can see`
          : `parameter \`${name}\` of a callback`,
        name,
        [this.sources.step(use, `\`${name}\` is a parameter`)],
      );
    }
    this.inProgress.add(decl.node);
    const bounds: Bound[] = [];
    try {
      for (const call of calls) {
        const bound = bindings.includes(call as ts.CallExpression);
        // A parameter past the arguments `bind` gives is given where the bound function is called.
        if (bound && decl.index + 1 >= (call.arguments?.length ?? 0)) {
          bounds.push(
            unknown(
              `parameter \`${name}\` of \`${fnName ?? 'a function'}()\` is given where the function \`bind\` made is called`,
              name,
              [this.sources.step(call, `\`${fnName ?? 'the function'}\` is bound here`)],
            ),
          );
          continue;
        }
        const arg = call.arguments?.[bound ? decl.index + 1 : decl.index];
        if (!arg) {
          bounds.push(
            decl.node.initializer
              ? this.walker.of(decl.node.initializer, EMPTY_ENV, depth + 1)
              : finite(['undefined'], 'omitted argument'),
          );
          continue;
        }
        const value = this.walker.valueAt(arg, decl.path, EMPTY_ENV, depth + 1);
        bounds.push(
          withStep(value, {
            ...this.sources.step(decl.name, `passed to \`${fnName ?? 'a function'}(${name})\``),
            call: true,
          }),
        );
      }
    } finally {
      this.inProgress.delete(decl.node);
    }
    const result = union(bounds)!;
    const named =
      result.kind === 'finite'
        ? {
            ...finite(
              result.values,
              `literals passed by ${calls.length} call site${calls.length === 1 ? '' : 's'} of \`${fnName}()\``,
            ),
            together: {
              by: this.site(decl.fn),
              perCall: calls.map((call, i): [string, string | null] => {
                const b = bounds[i];
                return [this.site(call), b.kind === 'finite' && b.values.length === 1 ? b.values[0] : null];
              }),
            },
          }
        : result;
    // Results cut short by the depth limit depend on where the walk started: not reusable.
    const cutShort = bounds.some((b) => b.kind === 'unknown' && b.reason === TOO_FAR);
    if (decl.path.length === 0 && !cutShort && guards.size === 0)
      this.paramMemo[Number(this.walker.readingNames)].set(decl.node, named);
    return named;
  }

  /** `fn.bind(thisArg, …args)` calls of the function (`this.handle.bind(this, queue)`): partial applications. */
  private bindingsOf(fn: ts.SignatureDeclaration): ts.CallExpression[] {
    let found = this.bindMemo.get(fn);
    if (!found) {
      found = (this.project.callsByName.get('bind') ?? []).filter((call): call is ts.CallExpression => {
        const callee = skipOuter(call.expression);
        return (
          ts.isCallExpression(call) &&
          ts.isPropertyAccessExpression(callee) &&
          calledFunction(callee.expression, this.project) === fn
        );
      });
      this.bindMemo.set(fn, found);
    }
    return found;
  }

  private readonly bindMemo = new Map<ts.SignatureDeclaration, ts.CallExpression[]>();

  /** Where a node starts, as the catalog shows places (`src/app.ts:12:3`). */
  private site(node: ts.Node): string {
    const { file, line, column } = this.project.location(node);
    return `${file}:${line}:${column}`;
  }

  /** `for (let i = 0; i < SUBNETS; i++)`: the counter takes each value from start to limit. */
  loopCounter(decl: Extract<Declaration, { kind: 'variable' }>): Bound | undefined {
    const loop = decl.node.parent?.parent;
    if (
      !loop ||
      !ts.isForStatement(loop) ||
      loop.initializer !== decl.node.parent ||
      !decl.node.initializer ||
      !loop.condition ||
      !loop.incrementor
    )
      return undefined;
    const name = decl.name.text;
    const step = skipOuter(loop.incrementor);
    const increments =
      (ts.isPostfixUnaryExpression(step) || ts.isPrefixUnaryExpression(step)) &&
      step.operator === ts.SyntaxKind.PlusPlusToken &&
      ts.isIdentifier(step.operand) &&
      step.operand.text === name;
    const condition = skipOuter(loop.condition);
    if (
      !increments ||
      !ts.isBinaryExpression(condition) ||
      !ts.isIdentifier(condition.left) ||
      condition.left.text !== name
    )
      return undefined;
    const inclusive = condition.operatorToken.kind === ts.SyntaxKind.LessThanEqualsToken;
    if (!inclusive && condition.operatorToken.kind !== ts.SyntaxKind.LessThanToken) return undefined;
    const start = Number(scalarText(this.evaluator.eval(decl.node.initializer)));
    const limit = Number(scalarText(this.evaluator.eval(condition.right)));
    const end = inclusive ? limit + 1 : limit;
    // The body may also write the counter: then the loop header does not bound it.
    if (!Number.isInteger(start) || !Number.isInteger(end) || end - start > 1000 || writesInside(loop.statement, decl))
      return undefined;
    return finite(
      Array.from({ length: Math.max(0, end - start) }, (_, i) => String(start + i)),
      `loop counter \`${name}\` from ${start} to ${end - 1}`,
    );
  }

  /**
   * `bus.on('order.placed', (order) => …)`: the listener's parameters take what every
   * `emit('order.placed', …)` in the project passes after the event name.
   */
  private emittedValues(decl: Extract<Declaration, { kind: 'parameter' }>, depth: number): Bound | undefined {
    const event = this.listenedEvent(decl);
    if (event === undefined) return undefined;
    // `controller.on('agent.registered', …)` hears only the emits on a `SelfHealingController`.
    const listener = emitterClass(receiverOf(decl.fn.parent as ts.CallExpression), this.project);
    const emits = this.emitsOf(event).filter((emit) =>
      mayShareInstance(emitterClass(receiverOf(emit.call), this.project), listener, this.project),
    );
    if (emits.length === 0)
      return unknown(`listener of \`${event}\`, which nothing in the project emits`, decl.name.text);
    this.inProgress.add(decl.node);
    try {
      const bounds = emits.map(({ call, env, site }) => {
        const arg = call.arguments[decl.index + 1];
        if (!arg) return finite(['undefined'], 'omitted argument');
        const value = this.walker.valueAt(arg, decl.path, env, depth + 1);
        return withStep(value, { ...this.sources.step(site, `emitted as \`${event}\``), call: true });
      });
      const result = union(bounds)!;
      return result.kind === 'finite' ? finite(result.values, `values emitted as \`${event}\``) : result;
    } finally {
      this.inProgress.delete(decl.node);
    }
  }

  /**
   * The `emit(event, …)` calls of the project, grouped by event name once. An emit inside a helper
   * that takes the event name (`publish(event, payload) { bus.emit(event, payload) }`) counts once
   * per call of the helper, with that call's arguments bound.
   */
  private emitsOf(event: string): EmitSite[] {
    if (!this.emitsByEvent) {
      const byEvent = new Map<string, EmitSite[]>();
      const add = (name: string | undefined, emit: EmitSite): void => {
        if (name !== undefined) byEvent.set(name, [...(byEvent.get(name) ?? []), emit]);
      };
      for (const call of this.project.callsByName.get('emit') ?? []) {
        if (!ts.isCallExpression(call) || !call.arguments[0]) continue;
        const eventName = this.evaluator.eval(call.arguments[0]);
        if (eventName.k !== 'param' || !ts.isParameter(eventName.decl)) {
          add(scalarText(eventName), { call, env: EMPTY_ENV, site: call });
          continue;
        }
        const helper = eventName.decl.parent;
        for (const caller of this.calls.confirmedCallersOf(helper)) {
          const env = bindArguments(helper, caller.arguments ?? [], EMPTY_ENV);
          add(scalarText(this.evaluator.eval(call.arguments[0], env)), { call, env, site: caller });
        }
      }
      this.emitsByEvent = byEvent;
    }
    return this.emitsByEvent.get(event) ?? [];
  }

  /** The event a listener parameter's function is registered for (`bus.on('placed', (order) => …)`). */
  listenedEvent(decl: Extract<Declaration, { kind: 'parameter' }>): string | undefined {
    const registration = decl.fn.parent;
    if (
      !registration ||
      !ts.isCallExpression(registration) ||
      registration.arguments[1] !== (decl.fn as unknown as ts.Expression)
    )
      return undefined;
    if (!LISTENER_METHODS.has(propertyName(skipOuter(registration.expression)) ?? '')) return undefined;
    return registration.arguments[0] && scalarText(this.evaluator.eval(registration.arguments[0]));
  }

  /** `STEPS.forEach((step) => …)`: the callback's first parameter takes the array's elements. */
  private iteratedValues(decl: Extract<Declaration, { kind: 'parameter' }>): Bound | undefined {
    const collection = iteratedCollection(decl.node);
    if (!collection) return undefined;
    const table = mappedTable(collection);
    const elements = this.evaluator.elementsAt(
      table ? tableValues(this.evaluator.eval(table)) : this.evaluator.eval(collection),
      decl.path,
    );
    const items = elements && staticStrings(elements);
    return items ? finite(items, `elements of \`${text(collection)}\``) : this.typedKeys(collection, decl.path);
  }

  /**
   * `Object.entries(stats).forEach(([p]) => …)` where `stats: { p25; p50 }`: a key the object's type
   * declares. A `Record<string, …>` or an untyped object declares none.
   */
  private typedKeys(collection: ts.Expression, path: readonly string[]): Bound | undefined {
    const call = skipOuter(collection);
    if (!ts.isCallExpression(call) || !call.arguments[0]) return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || skipOuter(callee.expression).getText() !== 'Object') return undefined;
    const method = callee.name.text;
    const readsKey = (method === 'keys' && path.length === 0) || (method === 'entries' && path.join('.') === '0');
    return readsKey ? this.keysOfType(call.arguments[0]) : undefined;
  }

  private keysOfType(object: ts.Expression): Bound | undefined {
    const keys = this.types.keyNames(object);
    return keys && finite(keys.values, `keys of type \`${shortened(keys.type)}\``);
  }

  loopVariable(decl: Extract<Declaration, { kind: 'loop' }>, use: ts.Expression, env: Env, depth: number): Bound {
    const name = text(use);
    if (ts.isForOfStatement(decl.loop) && !this.walker.grows(decl.loop.expression)) {
      // `for (const [queue, url] of Object.entries(QUEUES))`: each element at the destructured path.
      const elements = this.evaluator.elementsAt(this.evaluator.eval(decl.loop.expression, env), decl.path);
      const items = elements && staticStrings(elements);
      // None at all: a collection the code fills by keys obslint did not read (`bySeller[id] ??= []`).
      if (items && items.length > 0) return finite(items, `elements of \`${text(decl.loop.expression)}\``);
      const typed = this.typedKeys(decl.loop.expression, decl.path);
      if (typed) return typed;
      // `for (const topic of topics)` where `topics` is passed down as `[orders(), refunds()]`.
      const literal = this.walker.arrayElements(decl.loop.expression);
      if (literal) {
        const bound = union(literal.map((e) => this.walker.valueAt(e, decl.path, EMPTY_ENV, depth + 1)))!;
        if (bound.kind !== 'unknown')
          return withStep(
            bound,
            this.sources.step(decl.name, `\`${name}\` is an element of \`${text(decl.loop.expression)}\``),
          );
      }
      // `for (const chain of config.chains) chain.rpcUrl`: a list of settings holds settings, as many
      // as the deployment lists.
      // (`config.peerIds || []`: the list, or none.)
      const collection = this.walker.of(withoutEmptyFallback(decl.loop.expression), env, depth + 1);
      if (fromSettings(collection))
        return settingElements(
          `\`${name}\`, an element of \`${text(decl.loop.expression)}\`, a list the deployment configures`,
          name,
          [this.sources.step(decl.name, `\`${name}\` is an element of \`${text(decl.loop.expression)}\``)],
        );
    }
    if (ts.isForInStatement(decl.loop)) {
      const obj = this.evaluator.eval(decl.loop.expression, env);
      if (obj.k === 'obj') return finite([...obj.props.keys()], `keys of \`${text(decl.loop.expression)}\``);
      const typed = this.keysOfType(decl.loop.expression);
      if (typed) return typed;
    }
    return (
      this.sources.byName(decl.name.text, use) ??
      unknown(`loop variable \`${name}\` over \`${text(decl.loop.expression)}\``, name)
    );
  }

  private emitsByEvent?: Map<string, EmitSite[]>;
}

/** An `emit` call and, when it sits in a helper that takes the event name, one call of the helper. */
interface EmitSite {
  call: ts.CallExpression;
  env: Env;
  /** Where the value enters: the emit, or the helper's call. */
  site: ts.Node;
}

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
