/** Label names that promise one value per entity, reported by `unbounded-label` when their values cannot be seen bounded. */
export const DEFAULT_UNBOUNDED_NAMES = [
  'user_id',
  'userid',
  'customer_id',
  'account_id',
  'tenant_id',
  'order_id',
  'email',
  'session',
  'session_id',
  'request_id',
  'trace_id',
  'span_id',
  'ip',
  'ip_address',
  'url',
  'uri',
  'path',
  'query',
];

/** OpenTelemetry calls its labels attributes, StatsD tags; messages use the word of the metric's library. */
export function labelWord(metric: { library: string }): 'label' | 'attribute' | 'tag' {
  return metric.library === 'opentelemetry' ? 'attribute' : metric.library === 'statsd' ? 'tag' : 'label';
}
