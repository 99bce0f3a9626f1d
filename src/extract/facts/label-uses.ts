import { ts } from 'ts-morph';
import type { LabelCall, LabelUse, MetricDef, Observation } from '../../types.js';
import { boundedPart, finite, unknown, withStep } from '../../model/bounds.js';
import { OTEL } from '../libraries/opentelemetry.js';
import { PROM_CLIENT } from '../libraries/prom-client.js';
import { SERVICE_RUNNER_MAKE_METRIC, SERVICE_RUNNER_RECORDS } from '../libraries/service-runner.js';
import type { MetricDefinitions } from './metric-definitions.js';
import type { MetricResolver } from './metric-resolver.js';
import type { ProjectIndex } from '../syntax/project-index.js';
import type { ProvenanceAnalyzer } from '../flow/provenance.js';
import { shortened, text } from '../flow/sources.js';
import { unitOf } from './observed-units.js';
import {
  constInitializer,
  enclosingClassLike,
  enclosingFunction,
  literalProperty,
  lookup,
  propertyKey,
  propertyName,
  receiverOf,
  skipOuter,
} from '../syntax/scope.js';
import { exemplarForm } from './lookup-guard.js';
import { constantKeys, scalarText, type StaticEvaluator } from '../flow/static-eval.js';
import type { CallGraph, Caller } from '../flow/call-graph.js';
import {
  argumentsAt,
  keyedRecorder,
  parameterRecorder,
  passedAt,
  wrapperMethodRecording,
  type KeyedRecorder,
  type ParameterPart,
} from './keyed-recorder.js';
import type { TypeOracle } from '../flow/type-oracle.js';
import { isInjected, type Source, type ValueFlow } from '../flow/value-flow.js';
import { forEachDescendant } from '../syntax/walk.js';
import { writesToObject } from '../syntax/object-writes.js';
import { outermost } from '../syntax/builtin-calls.js';
import { methodOfReturnedObject, returnedParameters, returnedValues } from '../syntax/functions.js';

export interface LabelFacts {
  uses: LabelUse[];
  calls: LabelCall[];
  observations: Observation[];
}

/** The most values a key built at run time may take and still name the metrics it records on. */
const MAX_KEYS_PASSED = 32;

/** Reads every call that sets labels or observes a value on a known metric. */
export class LabelUseCollector {
  readonly facts: LabelFacts = { uses: [], calls: [], observations: [] };

  constructor(
    private readonly project: ProjectIndex,
    private readonly resolver: MetricResolver,
    private readonly definitions: MetricDefinitions,
    private readonly provenance: ProvenanceAnalyzer,
    private readonly evaluator: StaticEvaluator,
    private readonly types: TypeOracle,
    private readonly flow: ValueFlow,
    private readonly calls: CallGraph,
  ) {}

  visit(call: ts.CallExpression | ts.NewExpression): void {
    // A StatsD-style call defines its metric by name and passes the label values (tags) itself;
    // so does `new Metrics.Timer(key, labels)`, which records when it is done.
    const passed = this.definitions.labelsPassedAt(call);
    if (passed.length > 0) {
      this.shared(passed.length, () => {
        for (const { def, argument, pair } of passed)
          if (pair) this.passedPair(def, pair.key, pair.value);
          else this.passedLabels(def, call, argument);
      });
      return;
    }
    if (ts.isNewExpression(call)) return;
    const callee = skipOuter(call.expression);
    const method = propertyName(callee);
    if (!method || !(ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) return;
    if (Object.hasOwn(SERVICE_RUNNER_RECORDS, method) && this.serviceRunnerRecording(call, method, callee.expression))
      return;
    if (OTEL.recordMethods.has(method) || method === 'observe') {
      const recorded = this.otelRecording(call, method, skipOuter(callee.expression));
      if (recorded.length > 0) {
        this.shared(recorded.length, () => {
          recorded.forEach((r) => {
            this.otelUse(r.def, call, method, r.value, r.attributes);
          });
        });
        return;
      }
    }
    if (!PROM_CLIENT.labelMethods.has(method)) return;
    const receiver = skipOuter(callee.expression);
    // `h.labels(...).observe(v)`: labels were set by the inner call, the value is observed here.
    const chained = ts.isCallExpression(receiver) && propertyName(skipOuter(receiver.expression)) === 'labels';
    const metricExpr = chained
      ? skipOuter((skipOuter(receiver.expression) as ts.PropertyAccessExpression).expression)
      : receiver;
    const recorder = method === 'labels' || chained ? undefined : keyedRecorder(metricExpr);
    if (recorder && this.recordByKey(recorder, call, method)) return;
    const helper = chained ? undefined : parameterRecorder(metricExpr, call);
    if (helper && this.recordByCaller(helper, call, method)) return;
    const wrapperMethod = chained ? undefined : wrapperMethodRecording(call);
    if (wrapperMethod && this.recordOnReceivers(wrapperMethod, call, method)) return;
    if (!chained && this.calls.callsWrapperMethod(call)) return;
    // An injected metrics object built in several places: the call feeds each of its metrics.
    const defs = this.resolver.resolveAll(metricExpr);
    this.shared(defs.length, () => {
      defs.forEach((def) => {
        this.promUse(def, call, method, chained);
      });
    });
  }

  /**
   * A recording inside a recorder by key: each caller that names a metric by a constant key (or
   * either branch of a conditional of constants) uses that metric.
   */
  private recordByKey(recorder: KeyedRecorder, call: ts.CallExpression, method: string): boolean {
    return this.recordPerCaller(recorder.fn, call, method, (caller) => {
      const keyArg = caller.arguments?.[recorder.keyIndex];
      const keys = keyArg && !ts.isSpreadElement(keyArg) ? this.keysPassed(keyArg) : [];
      return keys
        .map((key) => this.resolver.resolveUnder(recorder.access, key))
        .filter((def): def is MetricDef => def !== undefined);
    });
  }

  /**
   * The keys a caller names a metric by: constants, or the few values a key built at run time can
   * take (`` `${channel}_sent_total` `` with `channel: 'email' | 'sms' | 'voice'`).
   */
  private keysPassed(key: ts.Expression): string[] {
    const constants = constantKeys(key, this.evaluator);
    if (constants.length > 0) return constants;
    const bound = this.provenance.ofName(key);
    return bound.kind === 'finite' && bound.values.length <= MAX_KEYS_PASSED ? bound.values : [];
  }

  /** A recording in a method of the object a wrapper returns (see {@link wrapperMethodRecording}). */
  private recordOnReceivers(fn: ts.SignatureDeclaration, call: ts.CallExpression, method: string): boolean {
    // `requests.inc()` runs the wrapper's `inc(value?)` too: calls without arguments count.
    const callers = this.calls.callersOf(fn, true);
    return this.recordPerCaller(
      fn,
      call,
      method,
      (caller) => {
        const receiver = ts.isCallExpression(caller) ? receiverOf(caller) : undefined;
        return receiver ? this.resolver.resolveAll(receiver) : [];
      },
      callers,
    );
  }

  /** A recording in a helper handed the metric by its callers (see {@link parameterRecorder}). */
  private recordByCaller(helper: ParameterPart, call: ts.CallExpression, method: string): boolean {
    return this.recordPerCaller(helper.fn, call, method, (caller) => {
      const metric = passedAt(caller, helper);
      return metric ? this.resolver.resolveAll(metric) : [];
    });
  }

  /**
   * A recording whose metric each caller of `fn` decides: every caller uses the metrics `metricsOf`
   * finds for it (a call that may be several feeds each), with the labels and value it passes.
   * False when no caller leads to a metric obslint knows (the call is then read as any other).
   */
  private recordPerCaller(
    fn: ts.SignatureDeclaration,
    call: ts.CallExpression,
    method: string,
    metricsOf: (caller: Caller) => readonly MetricDef[],
    callers = this.calls.possibleCallersOf(fn),
  ): boolean {
    let found = false;
    for (const caller of callers) {
      const defs = [...new Set(metricsOf(caller))];
      found ||= defs.length > 0;
      this.shared(defs.length, () => {
        for (const def of defs) this.promUse(def, call, method, false, argumentsAt(call.arguments, fn, caller), caller);
      });
    }
    return found;
  }

  /** Tags passed with a StatsD-style call: a record, or `"key:value"` strings. */
  private passedLabels(
    def: MetricDef,
    call: ts.CallExpression | ts.NewExpression,
    argument: ts.Expression | undefined,
  ): void {
    if (!argument) {
      this.facts.calls.push({
        metricId: def.id,
        method: 'tags',
        form: 'none',
        labels: [],
        loc: this.project.location(call),
      });
      return;
    }
    const e = skipOuter(argument);
    if (!ts.isArrayLiteralExpression(e)) {
      this.labelObject(def, 'tags', argument);
      return;
    }
    const props: { key: string; value: ts.Expression }[] = [];
    let opaque = false;
    for (const element of e.elements) {
      const tag = keyedTag(element);
      if (tag === 'opaque') opaque = true;
      else if (tag) props.push(tag);
      else {
        // `[ENV_TAG]` where `ENV_TAG = 'env:prod'`: the constant's tag.
        const constant = scalarText(this.evaluator.eval(element));
        if (constant?.includes(':')) props.push({ key: constant.split(':')[0], value: element });
        // A tag with no name (`[String(installationId)]`): a series per value all the same, named by what it is.
        else props.push({ key: shortened(text(element)), value: element });
      }
    }
    this.facts.calls.push({
      metricId: def.id,
      method: 'tags',
      form: opaque ? 'opaque' : 'object',
      labels: props.map((p) => p.key),
      loc: this.project.location(e),
    });
    for (const { key, value } of props) this.use(def, key, value);
  }

  /** One label given by name and value (`metrics.addDimension('Service', name)`). */
  private passedPair(def: MetricDef, key: ts.Expression, value: ts.Expression): void {
    const name = scalarText(this.evaluator.eval(key));
    this.facts.calls.push({
      metricId: def.id,
      method: 'tags',
      form: name === undefined ? 'opaque' : 'object',
      labels: name === undefined ? [] : [name],
      loc: this.project.location(key),
    });
    if (name !== undefined) this.use(def, name, value);
  }

  /** Marks the uses one call adds when it feeds more than one metric. */
  private shared(metrics: number, record: () => void): void {
    const uses = this.facts.uses.length;
    const calls = this.facts.calls.length;
    record();
    if (metrics <= 1) return;
    for (const use of this.facts.uses.slice(uses)) use.shared = true;
    for (const call of this.facts.calls.slice(calls)) call.shared = true;
  }

  /**
   * `args` and `at`: the call's arguments and place, or, for a recorder by key, those its caller
   * gives (see {@link recordByKey}).
   */
  private promUse(
    def: MetricDef,
    call: ts.CallExpression,
    method: string,
    chained: boolean,
    args: readonly (ts.Expression | undefined)[] = call.arguments,
    at: ts.Node = call,
  ): void {
    // prom-client's exemplar form (`enableExemplars: true`): `inc({ labels, value, exemplarLabels })`.
    const exemplar = method === 'inc' || method === 'observe' ? exemplarForm(args[0]) : undefined;
    if (exemplar) args = exemplar;
    if (method === 'labels') {
      this.labelsCall(def, call, args);
    } else if (!chained) {
      const labelArg = this.labelArgument(method, args);
      if (labelArg) this.labelObject(def, method, labelArg);
      else if (method !== 'remove')
        this.facts.calls.push({ metricId: def.id, method, form: 'none', labels: [], loc: this.project.location(at) });
    }
    if (method === 'observe' || (method === 'set' && def.kind === 'histogram')) this.observation(def, args, chained);
    if (method === 'startTimer') this.timer(def, call, chained);
  }

  /**
   * `metric.endTiming(start, [path, method, status])` on a metric service-runner's `makeMetric` made:
   * the label values, in the order of its label names, and the value recorded. False where the
   * receiver is no such metric.
   */
  private serviceRunnerRecording(call: ts.CallExpression, method: string, receiver: ts.Expression): boolean {
    const defs = this.resolver
      .resolveAll(skipOuter(receiver))
      .filter((def) => def.via?.wrapper === SERVICE_RUNNER_MAKE_METRIC.callee);
    if (defs.length === 0) return false;
    const { value, labels, seconds } = SERVICE_RUNNER_RECORDS[method];
    const given = call.arguments[labels] && skipOuter(call.arguments[labels]);
    this.shared(defs.length, () => {
      for (const def of defs) {
        // No array: service-runner passes prom-client none, which throws where the metric has labels.
        if (!given || ts.isArrayLiteralExpression(given))
          this.positionalLabels(def, call, given ? [...given.elements] : []);
        else
          this.facts.calls.push({
            metricId: def.id,
            method: 'labels',
            form: 'opaque',
            labels: [],
            loc: this.project.location(given),
          });
        if (seconds)
          this.facts.observations.push({
            metricId: def.id,
            expression: `${method}(${call.arguments.map(text).join(', ')})`,
            unit: 'seconds',
            evidence: "service-runner's `endTiming(start)` observes the seconds since `start`",
            loc: this.project.location(call),
          });
        else if (value !== undefined && (def.kind === 'histogram' || def.kind === 'summary'))
          this.observation(def, [call.arguments[value]], false);
      }
    });
    return true;
  }

  /**
   * An OpenTelemetry measurement: `counter.add(v, attrs)`, `histogram.record(v, attrs)`, and the
   * `result.observe(v, attrs)` / `observer.observe(instrument, v, attrs)` of observable callbacks.
   */
  private otelRecording(
    call: ts.CallExpression,
    method: string,
    receiver: ts.Expression,
  ): { def: MetricDef; value?: ts.Expression; attributes?: ts.Expression }[] {
    const args = call.arguments;
    if (method !== 'observe') {
      return this.resolver
        .resolveAll(receiver)
        .filter((def) => def.library === 'opentelemetry')
        .map((def) => ({ def, value: args[0], attributes: args[1] }));
    }
    return this.observableRecordings(args, receiver);
  }

  /**
   * `result.observe(…)` in an observable callback: the instrument the callback was registered on
   * (`gauge.addCallback(cb)`), or the one observed (`meter.addBatchObservableCallback(cb, [gauge])`).
   */
  private observableRecordings(
    args: ts.NodeArray<ts.Expression>,
    receiver: ts.Expression,
  ): { def: MetricDef; value?: ts.Expression; attributes?: ts.Expression }[] {
    if (!ts.isIdentifier(receiver)) return [];
    const decl = lookup(receiver.text, receiver);
    if (decl?.kind !== 'parameter' || decl.index !== 0) return [];
    const recordings: { def: MetricDef; value?: ts.Expression; attributes?: ts.Expression }[] = [];
    for (const registration of observableRegistrations(decl.fn, this.project)) {
      const registrar = (registration.expression as ts.PropertyAccessExpression).name.text;
      // A batch callback observes the instrument it is given, which may be one of several
      // (`observables.get(item.name)` of a map holding two gauges): each is a use.
      const defs =
        registrar === 'addCallback'
          ? [this.resolver.resolve((registration.expression as ts.PropertyAccessExpression).expression)]
          : args[0]
            ? this.resolver.resolveAll(args[0])
            : [];
      for (const def of defs) {
        if (def?.library !== 'opentelemetry' || recordings.some((r) => r.def === def)) continue;
        recordings.push(
          registrar === 'addCallback'
            ? { def, value: args[0], attributes: args[1] }
            : { def, value: args[1], attributes: args[2] },
        );
      }
    }
    return recordings;
  }

  private otelUse(
    def: MetricDef,
    call: ts.CallExpression,
    method: string,
    value: ts.Expression | undefined,
    attributes: ts.Expression | undefined,
  ): void {
    if (attributes) this.labelObject(def, method, attributes);
    else
      this.facts.calls.push({ metricId: def.id, method, form: 'none', labels: [], loc: this.project.location(call) });
    if (def.kind === 'histogram' && value) {
      const unit = unitOf(value);
      this.facts.observations.push({
        metricId: def.id,
        expression: text(value),
        unit: unit.unit,
        evidence: unit.evidence,
        loc: this.project.location(value),
      });
    }
  }

  /**
   * `labels(...LABELS)` with static arrays: the argument lists the call can receive, one per array a
   * spread can be (a helper's callers each pass their own: `measureTime({ labelValues: [chainId] })`);
   * undefined when some spread is not an array literal obslint can see.
   */
  private spreadArguments(args: readonly ts.Expression[]): (readonly ts.Expression[])[] | undefined {
    if (!args.some(ts.isSpreadElement)) return [args];
    let lists: ts.Expression[][] = [[]];
    for (const arg of args) {
      if (!ts.isSpreadElement(arg)) {
        lists.forEach((list) => list.push(arg));
        continue;
      }
      const arrays = this.arrayLiterals(arg.expression);
      if (!arrays) return undefined;
      lists = lists.flatMap((list) => arrays.map((array) => [...list, ...array.elements]));
      if (lists.length > MAX_ARGUMENT_LISTS) return undefined;
    }
    return lists;
  }

  /** The array literals (without spreads of their own) an expression can be: a local `const`, or followed by value. */
  private arrayLiterals(expr: ts.Expression): ts.ArrayLiteralExpression[] | undefined {
    let array = skipOuter(expr);
    if (ts.isIdentifier(array)) {
      const decl = lookup(array.text, array);
      if (decl?.kind === 'variable' && decl.path.length === 0 && decl.node.initializer)
        array = skipOuter(decl.node.initializer);
    }
    // `labels(...metricLabels)` of a parameter or an option: the array literals its callers build.
    const arrays = ts.isArrayLiteralExpression(array)
      ? [array]
      : this.literalOrigins(expr, ts.isArrayLiteralExpression);
    return arrays && arrays.length > 0 && arrays.every((a) => !a.elements.some(ts.isSpreadElement))
      ? arrays
      : undefined;
  }

  /** For `inc/dec/set/observe/startTimer/remove`: the argument that carries labels, if any. */
  private labelArgument(method: string, args: readonly (ts.Expression | undefined)[]): ts.Expression | undefined {
    const first = args[0] && skipOuter(args[0]);
    if (!first) return undefined;
    if (ts.isObjectLiteralExpression(first)) return first;
    // `inc(labelsFor(req))`: labels when the helper returns an object literal.
    if (ts.isCallExpression(first)) return this.objectLiterals(first).length > 0 ? first : undefined;
    if (isScalarLike(first)) return undefined;
    // `remove(a, b, c)`: positional values of series to drop, which adds none.
    if (method === 'remove' && args.length >= 2) return undefined;
    // `inc(labels, 1)`: no need to follow the value to know it holds labels.
    if (args.length >= 2) return first;
    if (method === 'startTimer' || method === 'remove' || method === 'setToCurrentTime') return first;
    if (this.objectLiterals(first).length > 0) return first;
    // `inc(labels)` alone: the checker tells a labels object from a number.
    return this.types.isObjectType(first) ? first : undefined;
  }

  private labelsCall(
    def: MetricDef,
    call: ts.CallExpression,
    given: readonly (ts.Expression | undefined)[] = call.arguments,
  ): void {
    const lists = given.every((a) => a !== undefined) ? this.spreadArguments(given) : undefined;
    // Where the arrays differ by caller, a metric takes those with as many values as it has labels
    // (prom-client throws on any other count): each helper caller's own labels.
    const fitted =
      lists && lists.length > 1 && def.labelNamesKnown
        ? lists.filter((list) => list.length === def.labelNames.length)
        : lists;
    // None fits: whichever array reaches the call with this metric, prom-client throws (a mismatch).
    const fitting = fitted?.length === 0 ? lists : fitted;
    if (!fitting || fitting.length === 0) {
      this.facts.calls.push({
        metricId: def.id,
        method: 'labels',
        form: 'opaque',
        labels: [],
        loc: this.project.location(call),
      });
      return;
    }
    for (const args of fitting) this.positionalLabels(def, call, args);
  }

  private positionalLabels(def: MetricDef, call: ts.CallExpression, args: readonly ts.Expression[]): void {
    const first = args[0] && skipOuter(args[0]);
    if (args.length === 1 && first && this.isLabelsObject(def, first)) {
      this.labelObject(def, 'labels', first);
      return;
    }
    const labels = args.map((_, i) => def.labelNames[i] ?? `#${i + 1}`);
    const misplaced = def.labelNamesKnown ? this.misplacedValues(def.labelNames, args) : [];
    this.facts.calls.push({
      metricId: def.id,
      method: 'labels',
      form: 'positional',
      labels,
      loc: this.project.location(call),
      ...(misplaced.length > 0 ? { misplaced } : {}),
    });
    // prom-client throws on a wrong count: such a call creates no series, and which value was
    // meant for which label is a guess.
    if (def.labelNamesKnown && args.length !== def.labelNames.length) return;
    args.forEach((arg, i) => {
      const label = def.labelNames[i];
      if (label) this.use(def, label, arg);
    });
  }

  /**
   * Positional values whose name is another declared label's, not their own (`owner` passed where
   * `handler` is declared, and `owner` is a label too): the order of the values differs from `labelNames`.
   */
  private misplacedValues(
    labelNames: readonly string[],
    args: readonly ts.Expression[],
  ): NonNullable<LabelCall['misplaced']> {
    if (args.length !== labelNames.length) return [];
    const declared = labelNames.map(comparableName);
    return args.flatMap((arg, i) => {
      const name = valueName(arg);
      const named = name === undefined ? -1 : declared.indexOf(comparableName(name));
      if (named < 0 || named === i) return [];
      return [{ value: text(arg), at: labelNames[i], names: labelNames[named], loc: this.project.location(arg) }];
    });
  }

  /**
   * Whether a single argument is a labels object rather than one positional value: an object
   * literal (directly, through a `const`, or returned by a project function), or an opaque value
   * passed to a metric with several labels.
   */
  private isLabelsObject(def: MetricDef, arg: ts.Expression): boolean {
    if (this.objectLiterals(arg).length > 0) return true;
    if (
      ts.isStringLiteralLike(arg) ||
      ts.isNumericLiteral(arg) ||
      ts.isTemplateExpression(arg) ||
      ts.isBinaryExpression(arg) ||
      ts.isConditionalExpression(arg)
    )
      return false;
    return (
      this.types.isObjectType(arg) || (def.labelNames.length !== 1 && /labels?$|attributes$|tags$/i.test(text(arg)))
    );
  }

  private labelObject(def: MetricDef, method: string, arg: ts.Expression): void {
    const literals = this.objectLiterals(arg);
    if (literals.length === 0 && this.neverCalledWrapperMethod(arg)) return;
    if (literals.length === 0) {
      this.facts.calls.push({ metricId: def.id, method, form: 'opaque', labels: [], loc: this.project.location(arg) });
      this.opaqueUses(def, arg);
      return;
    }
    const direct = literals.length === 1 && literals[0] === skipOuter(arg);
    for (const literal of literals) {
      const entries = this.entries(literal, 0);
      entries.props.push(...this.assignedLater(arg));
      // `const result = {}; for (…) result[key] = value; return result`: keys written where the labels are built.
      const holder = outermost(literal).parent;
      if (ts.isVariableDeclaration(holder)) {
        const { assignments, merged } = writesToObject(holder);
        // Passed by its own name, its named keys are `assignedLater`'s; computed ones make it opaque either way.
        const passedByName = lookup(text(arg), arg)?.node === holder;
        for (const a of assignments) {
          const key = propertyName(skipOuter(a.left));
          if (key === undefined) entries.opaque = true;
          else if (!passedByName) entries.props.push({ key, value: a.right });
        }
        if (merged) entries.opaque = true;
      }
      this.facts.calls.push({
        metricId: def.id,
        method,
        form: entries.opaque ? 'opaque' : 'object',
        labels: entries.props.map((p) => p.key),
        loc: this.project.location(direct ? literal : arg),
      });
      // `gauge.remove(labels)` drops a series, it adds none: its values bound nothing (the call still
      // says which labels it names, for label-mismatch).
      if (method === 'remove') continue;
      // An undeclared key is label-mismatch's finding; the declared ones still say what the fixed call sets.
      for (const { key, value } of entries.props)
        if (!def.labelNamesKnown || def.labelNames.includes(key)) this.use(def, key, value);
      // `{ ...labels, module }` with `labels` a parameter: the spread may set every label not written after it.
      // A spread whose type lists its keys (`labels: { tenant; database }`) sets only those.
      for (const spread of entries.unread) {
        const keys = this.types.keyNames(spread.expr)?.values;
        this.opaqueUses(
          def,
          spread.expr,
          def.labelNames.filter((label) => !spread.after.has(label) && (!keys || keys.includes(label))),
        );
      }
    }
  }

  /**
   * `labels: (l) => counter.labels(l)` in the object a wrapper returns, when nothing calls that
   * method: its calls are the uses of the wrapper's object (`requests.labels({ … })`), so none sets a label here.
   */
  private neverCalledWrapperMethod(arg: ts.Expression): boolean {
    const e = skipOuter(arg);
    if (!ts.isIdentifier(e)) return false;
    const decl = lookup(e.text, e);
    return (
      decl?.kind === 'parameter' &&
      decl.path.length === 0 &&
      methodOfReturnedObject(decl.fn) &&
      this.calls.callersSettled(decl.fn) &&
      this.calls.callersOf(decl.fn).length === 0
    );
  }

  /**
   * The object literals a labels argument can be, found by following its value (a `const`, a
   * field, what a function returns, what every caller passes): empty unless every origin is one.
   */
  private objectLiterals(arg: ts.Expression): ts.ObjectLiteralExpression[] {
    const e = skipOuter(arg);
    if (ts.isObjectLiteralExpression(e)) return [e];
    return this.literalOrigins(e, ts.isObjectLiteralExpression) ?? [];
  }

  /** The literals of one kind every origin of a value is, followed by value; undefined when some origin is not one. */
  private literalOrigins<T extends ts.Expression>(
    e: ts.Expression,
    isLiteral: (n: ts.Node) => n is T,
    depth = 0,
  ): T[] | undefined {
    const literals: T[] = [];
    for (const source of this.flow.origins(e)) {
      if (!isInjected(source) && source.expanded) continue;
      // `const { metricLabels } = labelsOf(req)` of `return { duration, metricLabels }`: what the property holds.
      const held = !isInjected(source) && source.path.length > 0 && depth < 2 ? this.heldAt(source) : undefined;
      if (held) {
        const inner = held.map((h) => this.literalOrigins(h, isLiteral, depth + 1));
        if (inner.some((i) => i === undefined)) return undefined;
        literals.push(...inner.flatMap((i) => i ?? []));
        continue;
      }
      const origin = isInjected(source) || source.path.length > 0 ? undefined : skipOuter(source.expr);
      if (!origin || !isLiteral(origin)) return undefined;
      literals.push(origin);
    }
    return literals;
  }

  /**
   * What a property of an origin holds, where it is written in an object literal: the origin's own,
   * or each the called function returns (undefined when some returned value is not a literal).
   */
  private heldAt(source: Source & { expr: ts.Expression }): ts.Expression[] | undefined {
    const e = skipOuter(source.expr);
    // (Only what syntax and value flow say: a labels object is no reason to ask the checker.)
    const fn = ts.isCallExpression(e) ? this.flow.functionCalled(e, false) : undefined;
    const objects = ts.isObjectLiteralExpression(e) ? [e] : fn ? returnedValues(fn).map(skipOuter) : [];
    const held = objects.map((o) => (ts.isObjectLiteralExpression(o) ? literalProperty(o, source.path) : undefined));
    return held.length > 0 && held.every((h) => h !== undefined) ? held : undefined;
  }

  /**
   * `const labels = { method }; … labels.path = req.path; end(labels)`: keys added after the literal,
   * and by a helper that sets them on the object it is passed and returns it (`params =
   * withEnvironment(params)` where `withEnvironment` does `params.environment = …; return params`).
   */
  private assignedLater(arg: ts.Expression): { key: string; value: ts.Expression }[] {
    const e = skipOuter(arg);
    if (!ts.isIdentifier(e)) return [];
    const decl = lookup(e.text, e);
    if ((decl?.kind !== 'variable' && decl?.kind !== 'parameter') || decl.path.length > 0) return [];
    const scope =
      decl.kind === 'variable' ? decl.node.parent?.parent?.parent : (decl.fn as ts.FunctionLikeDeclaration).body;
    if (!scope) return [];
    const found = assignmentsTo(decl.node, e.text, scope);
    // What the binding is set to by a call: keys the called helper sets on the object it returns.
    const values = [
      ...(decl.kind === 'variable' && decl.node.initializer ? [decl.node.initializer] : []),
      ...this.flow
        .assignmentsTo(decl)
        .filter((a) => a.operatorToken.kind === ts.SyntaxKind.EqualsToken)
        .map((a) => a.right),
    ];
    for (const value of values) {
      const call = skipOuter(value);
      const fn = ts.isCallExpression(call) ? this.flow.functionCalled(call) : undefined;
      const body = fn && (fn as ts.FunctionLikeDeclaration).body;
      if (!body) continue;
      for (const param of returnedParameters(fn)) found.push(...assignmentsTo(param.node, param.name.text, body));
    }
    return found;
  }

  private entries(
    literal: ts.ObjectLiteralExpression,
    depth: number,
  ): { props: { key: string; value: ts.Expression }[]; opaque: boolean; unread: UnreadSpread[] } {
    const props: { key: string; value: ts.Expression }[] = [];
    const unread: UnreadSpread[] = [];
    let opaque = false;
    for (const prop of literal.properties) {
      const key =
        ts.isSpreadAssignment(prop) || !prop.name
          ? undefined
          : ts.isShorthandPropertyAssignment(prop)
            ? prop.name.text
            : this.evaluator.keyOf(prop.name);
      // A key written after a spread obslint cannot read replaces what the spread may have set.
      if (key !== undefined) for (const spread of unread) spread.after.add(key);
      if (ts.isPropertyAssignment(prop)) {
        if (key === undefined) opaque = true;
        else props.push({ key, value: prop.initializer });
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        props.push({ key: prop.name.text, value: prop.name });
      } else if (ts.isSpreadAssignment(prop)) {
        const inner = depth < 3 ? this.objectLiterals(prop.expression) : [];
        if (inner.length === 0) {
          opaque = true;
          unread.push({ expr: prop.expression, after: new Set() });
          continue;
        }
        // The spread object may be any of its literals: every key of each replaces an earlier one.
        const earlier = props.splice(0);
        const unreadBefore = unread.slice();
        const spread = inner.flatMap((literal) => {
          const nested = this.entries(literal, depth + 1);
          opaque ||= nested.opaque;
          unread.push(...nested.unread);
          return nested.props;
        });
        for (const earlierSpread of unreadBefore) for (const q of spread) earlierSpread.after.add(q.key);
        props.push(...earlier.filter((p) => !spread.some((q) => q.key === p.key)), ...spread);
      } else {
        opaque = true;
      }
    }
    return { props, opaque, unread };
  }

  /** A labels object obslint cannot see into (or spread from one): each label is what its property's type allows. */
  private opaqueUses(def: MetricDef, arg: ts.Expression, labels = def.labelNames): void {
    for (const label of labels) {
      const typed = this.types.propertyValues(arg, label);
      const expression = `${text(arg)}.${label}`;
      const bound = typed
        ? finite(typed.values, `type \`${shortened(typed.type)}\``)
        : unknown(`\`${expression}\` of a labels object obslint cannot see into`, expression, [
            this.provenance.step(arg, `label \`${label}\` of \`${def.name}\``),
          ]);
      this.facts.uses.push({ metricId: def.id, label, expression, bound, loc: this.project.location(arg) });
    }
  }

  private use(def: MetricDef, label: string, value: ts.Expression): void {
    let bound = this.provenance.of(value);
    // The type outranks known sources (DESIGN §4): `method: 'GET' | 'POST'` is 2 values, not every HTTP method.
    if (bound.kind === 'unknown' || bound.kind === 'bounded') {
      const typed = this.types.finiteValues(value);
      if (typed && (bound.kind === 'unknown' || typed.values.length < bound.count)) {
        bound = finite(typed.values, `type \`${shortened(typed.type)}\``);
      }
    }
    // `info.labels(config.get('version')).set(1)` when the module loads or in start-up code: one
    // value per process, whatever it is (an unbounded source, a timestamp, still churns a series per restart).
    if (bound.kind === 'unknown' && this.provenance.once.runsOnce(value))
      bound = boundedPart(
        `once:${text(value)}`,
        1,
        `\`${text(value)}\`, set once ${isModuleCode(value) ? 'when the module loads' : 'per process'} (one value per instance)`,
      );
    bound = withStep(bound, this.provenance.step(value, `label \`${label}\` of \`${def.name}\``));
    this.facts.uses.push({
      metricId: def.id,
      label,
      expression: text(value),
      bound,
      loc: this.project.location(value),
    });
  }

  private observation(def: MetricDef, args: readonly (ts.Expression | undefined)[], chained: boolean): void {
    const value = chained || args.length === 1 ? args[0] : args[1];
    if (!value) return;
    const unit = unitOf(value);
    this.facts.observations.push({
      metricId: def.id,
      expression: text(value),
      unit: unit.unit,
      evidence: unit.evidence,
      loc: this.project.location(value),
    });
  }

  /** `const end = h.startTimer(labels); … end(moreLabels)`: prom-client timers observe seconds. */
  private timer(def: MetricDef, call: ts.CallExpression, chained: boolean): void {
    this.facts.observations.push({
      metricId: def.id,
      expression: text(call),
      unit: 'seconds',
      evidence: '`startTimer()` observes seconds',
      loc: this.project.location(call),
    });
    const holder = timerHolder(call);
    if (holder) {
      this.timerEnds(def, call, holder, !chained && call.arguments.length === 0);
      return;
    }
    // `timers.set(request, h.startTimer())`, later `const end = timers.get(request); end(labels)`.
    for (const stored of storedTimerHolders(call)) this.timerEnds(def, call, stored, false);
    for (const ended of storedTimerCalls(call)) this.labelObject(def, 'end', ended.arguments[0]);
    // `function resolveTimer(moch) { return h.startTimer({ moch }) }`: each caller holds the end
    // function, `const end = resolveTimer(key); … end({ outcome })` or `resolveTimer(key)({ outcome })`.
    // A method too (`trackHttpRequest() { return this.httpHistogram.startTimer() }`), by the calls
    // the call graph matches to it, those without arguments included.
    const helper = returnedBy(call);
    if (!helper) return;
    for (const caller of this.calls.callersOf(helper, true)) {
      if (!ts.isCallExpression(caller)) continue;
      const held = timerHolder(caller);
      if (held) this.timerEnds(def, caller, held, false);
      const ended = caller.parent;
      if (ts.isCallExpression(ended) && ended.expression === caller && ended.arguments[0])
        this.labelObject(def, 'end', ended.arguments[0]);
    }
  }

  /** The labels each call of a timer's end function (held in `holder`) passes. */
  private timerEnds(def: MetricDef, call: ts.CallExpression, holder: ts.VariableDeclaration, bareStart: boolean): void {
    if (!ts.isIdentifier(holder.name)) return;
    const name = holder.name.text;
    const scope = holder.parent?.parent?.parent;
    if (!scope) return;
    // Whether every use of the timer is a bare `end()`: then, with a bare `startTimer()`, no label is ever set.
    let bare = bareStart;
    forEachDescendant(scope, (node) => {
      if (!ts.isIdentifier(node) || node.text !== name || node === holder.name) return;
      const decl = lookup(name, node);
      if (decl?.kind !== 'variable' || decl.node !== holder) return;
      // `end = h.startTimer()` (a `let` set later, in a callback perhaps) stores the timer: no use.
      if (isAssignedTo(node)) return;
      // `end!(labels)` and `(end)(labels)` call it as `end(labels)` does; `end?.(labels)` is a call already.
      let callee: ts.Node = node;
      while (callee.parent && (ts.isNonNullExpression(callee.parent) || ts.isParenthesizedExpression(callee.parent)))
        callee = callee.parent;
      const parent = callee.parent;
      if (parent && ts.isCallExpression(parent) && parent.expression === callee) {
        if (parent.arguments[0]) {
          bare = false;
          this.labelObject(def, 'end', parent.arguments[0]);
        }
      } else {
        bare = false; // handed on: its labels may be set elsewhere
      }
    });
    if (bare)
      this.facts.calls.push({
        metricId: def.id,
        method: 'timer',
        form: 'none',
        labels: [],
        loc: this.project.location(call),
      });
  }
}

/** A spread in a labels object obslint cannot read, and the keys written after it (which it cannot set). */
interface UnreadSpread {
  expr: ts.Expression;
  after: Set<string>;
}

/** The function whose value `call` is: `return call` in its body, or an arrow's expression body. */
function returnedBy(call: ts.CallExpression): ts.SignatureDeclaration | undefined {
  // `return (h.startTimer() as Stop)`: the same value.
  const value = outermost(call);
  const parent = value.parent;
  if (ts.isArrowFunction(parent) && parent.body === value) return parent;
  return ts.isReturnStatement(parent) ? enclosingFunction(parent) : undefined;
}

/**
 * Timers kept in a map by request: `timers.set(request, h.startTimer())` stores one, and each
 * `const end = timers.get(request)` in the map's file holds what was stored.
 */
function storedTimerHolders(call: ts.CallExpression): ts.VariableDeclaration[] {
  const map = timerMap(call);
  const holders: ts.VariableDeclaration[] = [];
  if (!map) return holders;
  forEachDescendant(call.getSourceFile(), (node) => {
    if (!ts.isVariableDeclaration(node) || !node.initializer) return;
    const init = skipOuter(node.initializer);
    if (ts.isCallExpression(init) && readsMap(init, map)) holders.push(node);
  });
  return holders;
}

/** `this.ends.get(requestId)?.({ status })`: end functions a map holds, called where they are read. */
function storedTimerCalls(call: ts.CallExpression): ts.CallExpression[] {
  const map = timerMap(call);
  const ended: ts.CallExpression[] = [];
  if (!map) return ended;
  forEachDescendant(call.getSourceFile(), (node) => {
    if (!ts.isCallExpression(node) || !node.arguments[0]) return;
    const read = skipOuter(node.expression);
    if (ts.isCallExpression(read) && readsMap(read, map)) ended.push(node);
  });
  return ended;
}

/** The map a timer is stored in (`timers.set(key, h.startTimer())`, `this.ends.set(…)`). */
function timerMap(call: ts.CallExpression): ts.Expression | undefined {
  const store = call.parent;
  if (!store || !ts.isCallExpression(store) || store.arguments[1] !== call) return undefined;
  const callee = skipOuter(store.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'set') return undefined;
  const map = skipOuter(callee.expression);
  if (ts.isIdentifier(map)) return lookup(map.text, map)?.kind === 'variable' ? map : undefined;
  return ts.isPropertyAccessExpression(map) && skipOuter(map.expression).kind === ts.SyntaxKind.ThisKeyword
    ? map
    : undefined;
}

/** Whether a call is `<map>.get(key)` of the same map: the same variable, or the same field of the same class. */
function readsMap(call: ts.CallExpression, map: ts.Expression): boolean {
  const getter = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(getter) || getter.name.text !== 'get') return false;
  const from = skipOuter(getter.expression);
  if (ts.isIdentifier(map))
    return (
      ts.isIdentifier(from) && from.text === map.text && lookup(from.text, from)?.node === lookup(map.text, map)?.node
    );
  return (
    ts.isPropertyAccessExpression(map) &&
    ts.isPropertyAccessExpression(from) &&
    skipOuter(from.expression).kind === ts.SyntaxKind.ThisKeyword &&
    from.name.text === map.name.text &&
    enclosingClassLike(from) === enclosingClassLike(map)
  );
}

/**
 * The variable that holds a timer's end function: `const end = h.startTimer()`, or a variable
 * declared before and assigned the timer (`let stop = null; … stop = h.startTimer()`).
 */
function timerHolder(call: ts.CallExpression): ts.VariableDeclaration | undefined {
  const value = heldValue(call);
  const holder = value.parent;
  if (holder && ts.isVariableDeclaration(holder)) return holder;
  if (
    holder &&
    ts.isBinaryExpression(holder) &&
    holder.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    holder.right === value &&
    ts.isIdentifier(holder.left)
  ) {
    const decl = lookup(holder.left.text, holder.left);
    return decl?.kind === 'variable' && ts.isVariableDeclaration(decl.node) ? decl.node : undefined;
  }
  return undefined;
}

/**
 * The expression whose value is the call's, or nothing: `enabled ? h.startTimer() : null`,
 * `enabled && h.startTimer()`, `(h.startTimer() as Stop)`. A variable holding it holds the timer
 * whenever it holds one, and each call of it ends that timer.
 */
function heldValue(call: ts.CallExpression): ts.Expression {
  let at: ts.Expression = outermost(call);
  for (;;) {
    const parent = at.parent;
    const op = ts.isBinaryExpression(parent) ? parent.operatorToken.kind : undefined;
    const choice =
      (ts.isConditionalExpression(parent) && parent.condition !== at) ||
      (op === ts.SyntaxKind.AmpersandAmpersandToken && (parent as ts.BinaryExpression).right === at) ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken;
    if (!choice) return at;
    at = outermost(parent as ts.Expression);
  }
}

function isAssignedTo(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  );
}

/** Argument lists a call with spreads is followed into at most (each spread multiplies them). */
const MAX_ARGUMENT_LISTS = 8;

function isScalarLike(e: ts.Expression): boolean {
  return (
    ts.isNumericLiteral(e) ||
    ts.isStringLiteralLike(e) ||
    ts.isTemplateExpression(e) ||
    ts.isBinaryExpression(e) ||
    ts.isPrefixUnaryExpression(e) ||
    ts.isCallExpression(e)
  );
}

function isModuleCode(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isSourceFile(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
  }
  return false;
}

/** The name a positional value goes by: `owner`, `order.owner`, `chainId.toString()`, `String(chainId)`. */
function valueName(arg: ts.Expression): string | undefined {
  const e = skipOuter(arg);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isCallExpression(e)) {
    const callee = skipOuter(e.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'toString' && e.arguments.length === 0)
      return valueName(callee.expression);
    if (ts.isIdentifier(callee) && callee.text === 'String' && e.arguments.length === 1)
      return valueName(e.arguments[0]);
  }
  return undefined;
}

/** `chainId`, `chain_id` and `ChainID` name the same label. */
function comparableName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

const OBSERVABLE_REGISTRARS = ['addCallback', 'addBatchObservableCallback'];

/**
 * Where an observable callback is registered: the call it is written in, or the calls that pass it
 * by name, a class's field or method (`meter.addBatchObservableCallback(this.onObservation, […])`),
 * bound or not (`gauge.addCallback(this.collect.bind(this))`).
 */
function observableRegistrations(fn: ts.SignatureDeclaration, project: ProjectIndex): ts.CallExpression[] {
  const registering = (call: ts.Node): call is ts.CallExpression =>
    ts.isCallExpression(call) &&
    ts.isPropertyAccessExpression(call.expression) &&
    OBSERVABLE_REGISTRARS.includes(call.expression.name.text);
  if (registering(fn.parent) && fn.parent.arguments[0] === fn) return [fn.parent];
  const holder = ts.isPropertyDeclaration(fn.parent) && fn.parent.initializer === fn ? fn.parent : fn;
  const member =
    (ts.isPropertyDeclaration(holder) || ts.isMethodDeclaration(holder)) && holder.name
      ? propertyKey(holder.name)
      : undefined;
  const owner = member !== undefined ? holder.parent : undefined;
  const named =
    ts.isFunctionDeclaration(fn) && fn.name
      ? fn.name.text
      : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)
        ? fn.parent.name.text
        : undefined;
  const passes = (arg: ts.Expression | undefined): boolean => {
    let e = arg && skipOuter(arg);
    // `this.collect.bind(this)`
    if (e && ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'bind')
      e = skipOuter(e.expression.expression);
    if (!e) return false;
    if (member !== undefined && owner && ts.isPropertyAccessExpression(e))
      return (
        e.name.text === member &&
        skipOuter(e.expression).kind === ts.SyntaxKind.ThisKeyword &&
        enclosingClassLike(e) === owner
      );
    if (named !== undefined && ts.isIdentifier(e) && e.text === named) {
      const decl = lookup(e.text, e);
      return decl?.node === fn || decl?.node === fn.parent;
    }
    return false;
  };
  return OBSERVABLE_REGISTRARS.flatMap((name) => project.callsByName.get(name) ?? []).filter(
    (call): call is ts.CallExpression => registering(call) && passes(call.arguments[0]),
  );
}

/** `name.key = value` (or `name['key'] = value`) in `scope`, where `name` is the binding `declaration` makes. */
function assignmentsTo(declaration: ts.Node, name: string, scope: ts.Node): { key: string; value: ts.Expression }[] {
  const found: { key: string; value: ts.Expression }[] = [];
  forEachDescendant(scope, (node) => {
    if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = skipOuter(node.left);
    if (!ts.isPropertyAccessExpression(target) && !ts.isElementAccessExpression(target)) return;
    const key = propertyName(target);
    const base = skipOuter(target.expression);
    if (
      key !== undefined &&
      ts.isIdentifier(base) &&
      base.text === name &&
      lookup(base.text, base)?.node === declaration
    )
      found.push({ key, value: node.right });
  });
  return found;
}

/**
 * A `"key:value"` tag: `'env:prod'` (a constant), `` `route:${route}` `` or `'route:' + route` (takes
 * what `route` takes), also held in a constant (`const providerTag = `provider:${id}``); 'opaque'
 * for a spread or another template or sum; undefined for anything else.
 */
function keyedTag(element: ts.Expression, depth = 0): { key: string; value: ts.Expression } | 'opaque' | undefined {
  const tag = skipOuter(element);
  if (ts.isStringLiteralLike(tag))
    return tag.text.includes(':') ? { key: tag.text.split(':')[0], value: tag } : undefined;
  if (
    ts.isTemplateExpression(tag) &&
    tag.head.text.endsWith(':') &&
    tag.templateSpans.length === 1 &&
    tag.templateSpans[0].literal.text === ''
  )
    return { key: tag.head.text.slice(0, -1), value: tag.templateSpans[0].expression };
  if (ts.isBinaryExpression(tag) && tag.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = skipOuter(tag.left);
    if (ts.isStringLiteralLike(left) && left.text.endsWith(':'))
      return { key: left.text.slice(0, -1), value: tag.right };
  }
  if (ts.isSpreadElement(tag) || ts.isTemplateExpression(tag) || ts.isBinaryExpression(tag)) return 'opaque';
  if (!ts.isIdentifier(tag) || depth > 2) return undefined;
  const init = constInitializer(tag);
  const held = init && keyedTag(init, depth + 1);
  return held && held !== 'opaque' ? held : undefined;
}
