import type { Library } from '../types.js';

/** Label names that promise one value per entity, reported by `unbounded-label` when their values cannot be seen bounded. */
export const DEFAULT_UNBOUNDED_NAMES = [
  'user_id',
  'userid',
  'customer_id',
  'account_id',
  'tenant_id',
  'order_id',
  'org_id',
  'organization_id',
  'project_id',
  'workspace_id',
  'team_id',
  'target_id',
  'device_id',
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

/**
 * How label names are compared with the `names` option: case and `_`/`-` aside, so `user_id` names
 * `userId`, `UserID` and `user-id` too.
 */
export function labelNameKey(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

export type LabelWord = 'label' | 'attribute' | 'tag' | 'dimension';

const LABEL_WORDS: Readonly<Partial<Record<Library, LabelWord>>> = {
  opentelemetry: 'attribute',
  statsd: 'tag',
  cloudwatch: 'dimension',
};

/** OpenTelemetry calls its labels attributes, StatsD tags, CloudWatch dimensions: messages use the metric library's word. */
export function labelWord(metric: { library: string }): LabelWord {
  return LABEL_WORDS[metric.library as Library] ?? 'label';
}
