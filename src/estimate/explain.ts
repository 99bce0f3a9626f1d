import type { Estimate } from '../types.js';

/** A label an OpenTelemetry View removes before aggregation: it costs no series. */
export function isDropped(estimate: Estimate, label: string): boolean {
  return estimate.byLabel.some((l) => l.label === label && l.kind === 'dropped');
}
