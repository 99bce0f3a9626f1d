import type { ResolvedConfig } from '../config/types.js';

/** The bound the budget file gives a metric's label, and the key that gives it. */
export function budgetedLabel(
  config: ResolvedConfig,
  metric: string,
  label: string,
): { count: number; key: string } | undefined {
  const perMetric = config.metrics[metric]?.labels[label];
  if (perMetric !== undefined) return { count: perMetric, key: `metrics.${metric}.labels.${label}` };
  const byName = config.labels[label];
  return byName === undefined ? undefined : { count: byName, key: `labels.${label}` };
}
