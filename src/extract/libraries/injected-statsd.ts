import { ts } from 'ts-morph';
import type { MetricKind, WrapperSpec } from '../../types.js';
import { propertyName, skipOuter } from '../syntax/scope.js';

/**
 * A StatsD-style client a framework hands to the code (`hyper.metrics.increment(name)`,
 * `ctx.statsd.timing(name, ms)`): nothing imports a StatsD package, so no preset matches it. It is
 * recognised by the property that holds it and StatsD's method names, and only in a project that
 * imports no metrics library at all (where `metrics.increment` is far more likely something else).
 */
const HOLDERS = new Set(['metrics', 'statsd', 'stats', 'dogstatsd', 'statsClient']);

/** StatsD methods and the metric kind each records (`set`, `timer` and `unique` collide with Maps and timers). */
const METHODS: Readonly<Record<string, MetricKind>> = {
  increment: 'counter',
  decrement: 'counter',
  incr: 'counter',
  decr: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  distribution: 'histogram',
  timing: 'histogram',
  // service-runner / hyperswitch: `endTiming(name, startTime)` records the time since `startTime`.
  endTiming: 'histogram',
};

/**
 * The spec of an injected StatsD call, read from its shape alone: `<x>.metrics.<method>(name, …)`,
 * or `stats.<method>(name, …)` on a variable. Whether the holder really comes from outside the
 * project, or from a StatsD package obslint does not read, is for the value flow to say.
 */
export function injectedStatsdCall(call: ts.CallExpression): { spec: WrapperSpec; holder: ts.Expression } | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const kind = Object.hasOwn(METHODS, callee.name.text) ? METHODS[callee.name.text] : undefined;
  const holder = skipOuter(callee.expression);
  const named = ts.isIdentifier(holder) ? holder.text : propertyName(holder);
  if (!kind || named === undefined || !HOLDERS.has(named) || call.arguments.length === 0) return undefined;
  return {
    spec: {
      callee: `${named}.${callee.name.text}`,
      kind,
      name: 0,
      getOrCreate: true,
      // As hot-shots: `increment(name, value, tags)`; the call is the metric's use.
      labels: 'arg:2',
      library: 'statsd',
    },
    holder,
  };
}

/** A package whose name says it is a StatsD client (`@jambonz/stats-collector`, `statsd-wrapper`). */
export function isStatsdPackage(module: string): boolean {
  return /(?:^|[/@_-])(?:stats|statsd|dogstatsd)(?:$|[/_-])/i.test(module);
}
