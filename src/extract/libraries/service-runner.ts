import { ts } from 'ts-morph';
import type { WrapperSpec } from '../../types.js';
import { literalProperty, propertyName, skipOuter } from '../syntax/scope.js';

/**
 * Wikimedia's service-runner hands each service a metrics object (`app.metrics`, often kept as
 * `core.metrics`) whose `makeMetric({ type, name, prometheus: { name, help, buckets }, labels: {
 * names } })` gets or creates a prom-client metric, cached under `name`. Nothing imports it, so it
 * is recognised by its shape: a `makeMetric` call given options with a `prometheus` section.
 * `prometheus.staticLabels` adds labels of one value per process: they multiply nothing, and the
 * values a use passes are those of `labels.names` alone, so they are left out on both sides.
 */
export const SERVICE_RUNNER_MAKE_METRIC: WrapperSpec = {
  callee: 'service-runner#metrics.makeMetric',
  kind: 'arg:0.type',
  name: '0.prometheus.name',
  help: '0.prometheus.help',
  labelNames: '0.labels.names',
  buckets: '0.prometheus.buckets',
  getOrCreate: true,
  normalizesNames: true,
};

/** Whether a call is service-runner's `makeMetric(options)` (see {@link SERVICE_RUNNER_MAKE_METRIC}). */
export function isServiceRunnerMakeMetric(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  const options = call.arguments[0] && skipOuter(call.arguments[0]);
  return (
    propertyName(callee) === 'makeMetric' &&
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    literalProperty(options, ['prometheus']) !== undefined
  );
}

/**
 * The methods of the metric `makeMetric` returns: where the recorded value and the label values (an
 * array, in the order of `labels.names`) are. `endTiming(start, labels)` observes the seconds since
 * `start` (a `Date.now()`), as service-runner has since 2021.
 */
export const SERVICE_RUNNER_RECORDS: Readonly<Record<string, { value?: number; labels: number; seconds?: true }>> = {
  increment: { labels: 1 },
  decrement: { labels: 1 },
  gauge: { labels: 1 },
  set: { value: 0, labels: 1 },
  observe: { value: 0, labels: 1 },
  timing: { value: 0, labels: 1 },
  endTiming: { labels: 1, seconds: true },
};

/** prom-client's names as service-runner makes them: every non-word character becomes `_`, runs collapsed, ends trimmed. */
export function serviceRunnerName(name: string): string {
  return name
    .replace(/\W/g, '_')
    .replace(/_+/g, '_')
    .replace(/(^_+|_+$)/g, '');
}
