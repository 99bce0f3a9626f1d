import { defineRule } from '../../src/engine/define-rule.js';

/** promlint's non-base units and the base unit to use instead. */
const NON_BASE_UNITS: [RegExp, string][] = [
  [/_(milliseconds|millis|ms|microseconds|us|nanoseconds|ns|minutes|hours|days|weeks)(_|$)/, 'seconds'],
  [/_(kilobytes|megabytes|gigabytes|terabytes|kb|mb|gb|kib|mib|gib|bits)(_|$)/, 'bytes'],
  [/_(percent|percentage)(_|$)/, 'ratio'],
  [/_(celsius|fahrenheit)(_|$)/, 'celsius'],
];
const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const VALID_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export default defineRule({
  id: 'metric-naming',
  meta: {
    description: 'Prometheus naming conventions (promlint\'s checks): snake_case, `_total` on counters only, base units, no reserved suffixes or label names, help text.',
    defaultSeverity: 'warn',
    scope: 'file',
    messages: {
      invalidName: '`{{metric}}` is not a valid Prometheus metric name (allowed: `[a-zA-Z_:][a-zA-Z0-9_:]*`): prom-client throws',
      camelCase: '`{{metric}}` should be snake_case, not camelCase: `{{suggestion}}`',
      counterTotal: 'counter `{{metric}}` should end in `_total`: `{{suggestion}}`',
      nonCounterTotal: '{{kind}} `{{metric}}` should not end in `_total`: that suffix means a counter',
      reservedSuffix: '{{kind}} `{{metric}}` should not end in `{{suffix}}`: histograms and summaries expose series with that suffix',
      nonBaseUnit: '`{{metric}}` uses `{{unit}}`: use the base unit ({{base}}) and scale the value, so every dashboard agrees',
      metricWord: '`{{metric}}` should not contain the word "metric"',
      noHelp: '`{{metric}}` has no help text: prom-client requires `help`',
      invalidLabel: 'label `{{label}}` of `{{metric}}` is not a valid label name{{why}}',
      reservedLabel: 'label `{{label}}` is reserved on a {{kind}} (`{{metric}}`): prom-client throws',
    },
  },
  defaultOptions: {},
  check(ctx) {
    for (const def of ctx.catalog.metrics) {
      const name = def.name;
      const report = (messageId: Parameters<typeof ctx.report>[0]['messageId'], data: Record<string, string> = {}): void =>
        ctx.report({ messageId, data: { metric: name, kind: def.kind, ...data }, loc: def.loc, metric: name, cause: messageId + (data.label ?? '') });
      if (!def.nameIsDynamic) {
        if (!VALID_NAME.test(name)) report('invalidName');
        else if (/[a-z0-9][A-Z]/.test(name)) report('camelCase', { suggestion: name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() });
        if (def.kind === 'counter' && !name.endsWith('_total')) report('counterTotal', { suggestion: `${name}_total` });
        if (def.kind !== 'counter' && name.endsWith('_total')) report('nonCounterTotal');
        const reserved = ['_count', '_sum', '_bucket'].find((s) => name.endsWith(s));
        if (reserved && def.kind !== 'histogram' && def.kind !== 'summary') report('reservedSuffix', { suffix: reserved });
        for (const [pattern, base] of NON_BASE_UNITS) {
          const unit = pattern.exec(name)?.[1];
          if (unit) report('nonBaseUnit', { unit, base });
        }
        if (/metric/i.test(name)) report('metricWord');
      }
      if (def.help === '') report('noHelp');
      for (const label of def.labelNames) {
        if (!VALID_LABEL.test(label)) report('invalidLabel', { label, why: ' (allowed: `[a-zA-Z_][a-zA-Z0-9_]*`): prom-client throws' });
        else if (label.startsWith('__')) report('invalidLabel', { label, why: ': names starting with `__` are reserved for Prometheus' });
        else if (/[a-z0-9][A-Z]/.test(label)) report('invalidLabel', { label, why: `: use snake_case (\`${label.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}\`)` });
        if ((label === 'le' && def.kind === 'histogram') || (label === 'quantile' && def.kind === 'summary')) report('reservedLabel', { label });
      }
    }
  },
});
