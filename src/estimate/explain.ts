import type { Estimate } from '../types.js';

/** `route 31 × method 9 × 14 per child`: the product `obslint explain` prints. */
export function productText(estimate: Estimate): string {
  const factors = estimate.byLabel.map((l) => `${l.label} ${l.count === 'unbounded' ? '∞' : l.count.toLocaleString('en-US')}`);
  factors.push(`${estimate.seriesPerChild} per child`);
  if (estimate.replicas > 1) factors.push(`${estimate.replicas} replicas`);
  return factors.join(' × ');
}
