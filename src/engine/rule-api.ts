/**
 * Everything a rule may use besides the catalog types (`src/types.ts`) and the estimates
 * (`src/estimate/`): rules read facts, never the extraction that produced them.
 */
export { defineRule, hazardLocation, type AnyRule, type Report, type Rule, type RuleContext } from './define-rule.js';
export { unboundedSources, union } from '../model/bounds.js';
export { hostMatches, isInternalHost } from '../model/hosts.js';
export { isInfoMetric } from '../model/info-metric.js';
export { INSTRUMENTATION_FOR, WEB_INSTRUMENTATION_FOR } from '../model/instrumentation.js';
export { isPositionalMismatch, isRejected, undeclaredLabels } from '../model/label-calls.js';
export { DEFAULT_UNBOUNDED_NAMES, labelNameKey, labelWord, type LabelWord } from '../model/label-names.js';
export { escapeRegExp } from '../util/regexp.js';
export { templatize } from '../model/paths.js';
export { groupBy } from '../util/group.js';
export { compareLocations, compareStrings, placeOf } from '../util/paths.js';
export { formatNumber } from '../util/numbers.js';
export { and } from '../util/lists.js';
export { countInGroup, productText } from '../util/product-text.js';
