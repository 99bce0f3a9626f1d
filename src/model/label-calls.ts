import type { LabelCall, MetricDef } from '../types.js';

/**
 * prom-client throws on a positional `labels(...)` call with the wrong count: it creates no
 * series, and which value was meant for which label is a guess.
 */
export function isPositionalMismatch(def: MetricDef, call: LabelCall): boolean {
  return def.labelNamesKnown && call.form === 'positional' && call.labels.length !== def.labelNames.length;
}

/** Labels passed by name that the metric does not declare (prom-client throws on them). */
export function undeclaredLabels(def: MetricDef, call: LabelCall): string[] {
  return def.labelNamesKnown && call.form === 'object' ? call.labels.filter((l) => !def.labelNames.includes(l)) : [];
}

/** A call prom-client rejects. */
export function isRejected(def: MetricDef, call: LabelCall): boolean {
  return isPositionalMismatch(def, call) || undeclaredLabels(def, call).length > 0;
}
