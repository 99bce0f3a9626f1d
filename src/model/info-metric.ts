import type { MetricDef } from '../types.js';

/**
 * An info metric (`*_info`, a gauge: OpenMetrics' Info type, `build_info`, `version_info`; and
 * `*_details`, `merge_block_details`) exposes text about the running process that does not change
 * while it runs: a label value obslint cannot follow there is one value per instance, as
 * `process.env.X` is, and so is the one block or transaction hash it describes. A value obslint
 * knows to be unbounded otherwise (a request's URL, a user's id) is still unbounded.
 */
export function isInfoMetric(def: MetricDef): boolean {
  // `${app}_version_info`: the constant end of a name built at run time says it too.
  return def.kind === 'gauge' && /(^|[._])(info|details)$/.test(def.name);
}
