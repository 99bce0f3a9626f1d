import type { Estimate } from '../types.js';
import { formatNumber } from './numbers.js';

/** `route 31 × method 9 × 14 per child`: the product `obslint explain` prints. */
export function productText(estimate: Estimate): string {
  const factor = (label: string, inGroup = false): string => {
    const l = estimate.byLabel.find((b) => b.label === label);
    // Within a group that sets it, a label takes no empty value: the `+ 1` for calls leaving it unset is not there.
    const unset = inGroup && l?.reason.includes('(left unset at') === true ? 1 : 0;
    const count = l === undefined ? 1 : l.count === 'unbounded' ? '∞' : formatNumber(Math.max(1, l.count - unset));
    return `${label} ${count}`;
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
