import type { Estimate } from '../types.js';
import { formatNumber } from './numbers.js';

/** `route 31 × method 9 × 14 per child`: the product `obslint explain` prints. */
export function productText(estimate: Estimate): string {
  const labels = estimate.byLabel.map((l) => `${l.label} ${l.count === 'unbounded' ? '∞' : formatNumber(l.count)}`);
  // A cardinality limit replaces the product of the labels it caps.
  const factors = estimate.cap
    ? [`min(${labels.join(' × ') || '1'}, ${formatNumber(estimate.cap.limit)} attribute sets)`]
    : labels;
  factors.push(`${estimate.seriesPerChild} per child`);
  if (estimate.replicas > 1) factors.push(`${estimate.replicas} replicas`);
  return factors.join(' × ');
}
