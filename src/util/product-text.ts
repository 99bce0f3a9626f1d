import type { Estimate, LabelEstimate } from '../types.js';
import { formatNumber } from './numbers.js';

/** `route 31 × method 9 × 14 per child`: the product `obslint explain` prints. */
export function productText(estimate: Estimate): string {
  const factor = (label: string, inGroup = false): string => {
    const l = estimate.byLabel.find((b) => b.label === label);
    const count = l === undefined ? 1 : inGroup ? countInGroup(l) : l.count;
    return `${label} ${count === 'unbounded' ? '∞' : formatNumber(count)}`;
  };
  // Calls that set different groups of labels: the sum of each group's product.
  const labels = estimate.groups
    ? [`(${estimate.groups.map((g) => g.map((label) => factor(label, true)).join(' × ') || '1').join(' + ')})`]
    : estimate.byLabel.map((l) => factor(l.label));
  // A cardinality limit replaces the product of the labels it caps.
  const factors = estimate.cap
    ? [`min(${labels.join(' × ') || '1'}, ${formatNumber(estimate.cap.limit)} attribute sets)`]
    : labels;
  factors.push(`${estimate.seriesPerChild} per child`);
  if (estimate.replicas > 1) factors.push(`${estimate.replicas} replicas`);
  return factors.join(' × ');
}

/**
 * A label's values within a group of labels the calls set together (`Estimate.groups`): the calls
 * of the group set it, so the empty value the calls leaving it unset add (`+ 1 (left unset at …)`) is
 * not among them.
 */
export function countInGroup(label: LabelEstimate): number | 'unbounded' {
  if (label.count === 'unbounded') return 'unbounded';
  return label.reason.includes('(left unset at') ? Math.max(1, label.count - 1) : label.count;
}
